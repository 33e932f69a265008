package io.werken.http;

import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Vertx;
import io.vertx.core.impl.VertxInternal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;

/**
 * A beat on each event loop of the webhook server's Vert.x, every interval: a task that only notes the time. A loop
 * that runs a long task (a webhook's route runs on it, see {@link EventLoopWebhookConsumer}) misses its beats, and
 * {@link EventLoopHealthCheck} reads how long ago each loop last beat. Started once Camel has started, when the webhook
 * server has its Vert.x (it makes one when it starts); the beats end with that Vert.x, which Camel closes on stop.
 */
public final class EventLoopHeartbeat implements StartupListener {

    /** The event loop that has gone longest without a beat, and how long (0 before the beats start). */
    public record Silence(String loop, long millis) {}

    private final Supplier<Vertx> vertx;
    private final long intervalMillis;
    private volatile AtomicLongArray lastBeat = new AtomicLongArray(0);
    private volatile AtomicReferenceArray<String> names = new AtomicReferenceArray<>(0);

    /**
     * @param vertx          the webhook server's Vert.x (null until that server has started)
     * @param intervalMillis how often each loop beats
     */
    public EventLoopHeartbeat(Supplier<Vertx> vertx, long intervalMillis) {
        this.vertx = vertx;
        this.intervalMillis = intervalMillis;
    }

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        // Nothing yet: the beats start once everything has started (onCamelContextFullyStarted).
    }

    @Override
    public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) {
        start();
    }

    /** Starts the beats, once: on every event loop of the webhook server's Vert.x (no-op if it has none yet). */
    public synchronized void start() {
        Vertx loops = vertx.get();
        if (beating() || !(loops instanceof VertxInternal internal)) {
            return;
        }
        List<EventExecutor> executors = new ArrayList<>();
        internal.getEventLoopGroup().forEach(executors::add);
        AtomicLongArray last = new AtomicLongArray(executors.size());
        AtomicReferenceArray<String> threadNames = new AtomicReferenceArray<>(executors.size());
        long now = System.nanoTime();
        for (int i = 0; i < executors.size(); i++) {
            int loop = i;
            last.set(loop, now);
            threadNames.set(loop, "event loop " + loop);
            EventExecutor executor = executors.get(i);
            // The loop's thread name, read on the loop itself, for the health check's detail.
            executor.execute(() -> threadNames.set(loop, Thread.currentThread().getName()));
            executor.scheduleAtFixedRate(
                    () -> last.set(loop, System.nanoTime()), intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
        }
        names = threadNames;
        lastBeat = last;
    }

    /** Whether the beats run (false before Camel has fully started, or without a webhook server). */
    public boolean beating() {
        return lastBeat.length() > 0;
    }

    /** The loop that missed its beats longest: the time since its last beat, less the interval a beat may take. */
    public Silence longestSilence() {
        AtomicLongArray last = lastBeat;
        long now = System.nanoTime();
        int worst = -1;
        long longest = 0;
        for (int i = 0; i < last.length(); i++) {
            long silent = now - last.get(i);
            if (worst < 0 || silent > longest) {
                worst = i;
                longest = silent;
            }
        }
        if (worst < 0) {
            return new Silence(null, 0);
        }
        long missed = TimeUnit.NANOSECONDS.toMillis(longest) - intervalMillis;
        return new Silence(names.get(worst), Math.max(0, missed));
    }
}
