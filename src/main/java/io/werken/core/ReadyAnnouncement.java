package io.werken.core;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last lines of Werken's start, logged once everything has started (routes, consumers, both ports): what a
 * deployer must know, then one {@code Werken ready: ...} line that says where everything is. Nothing else is logged
 * at INFO before it, so that a start that fails on the way says nothing but its one line.
 */
public final class ReadyAnnouncement implements StartupListener {

    private static final Logger LOG = LoggerFactory.getLogger(ReadyAnnouncement.class);
    /** One line per JVM, however many times tests start Werken in it. */
    private static final AtomicBoolean STOPPING_HOOK = new AtomicBoolean();

    private final Supplier<List<String>> notes;
    private final Supplier<String> ready;
    private volatile boolean announced;

    /** {@code notes} come first, then {@code ready} (without its {@code Werken ready: } prefix). */
    public ReadyAnnouncement(Supplier<List<String>> notes, Supplier<String> ready) {
        this.notes = notes;
        this.ready = ready;
    }

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        // Nothing yet: the consumers and servers may still be starting.
    }

    @Override
    public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) {
        if (announced) {
            return;
        }
        announced = true;
        notes.get().forEach(LOG::info);
        LOG.info("Werken ready: {}", ready.get());
        // Camel's own line about SIGTERM is off (it would also follow a refused start, which exits without one).
        if (STOPPING_HOOK.compareAndSet(false, true)) {
            Runtime.getRuntime()
                    .addShutdownHook(new Thread(
                            () -> LOG.info("Werken stopping: finishing the webhooks and "
                                    + "dispatches in flight (at most WERKEN_SHUTDOWN_TIMEOUT_SECONDS)"),
                            "werken-stopping"));
        }
    }

    /** Whether Werken got as far as ready. */
    public boolean announced() {
        return announced;
    }
}
