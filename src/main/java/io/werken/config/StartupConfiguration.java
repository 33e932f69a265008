package io.werken.config;

import io.werken.core.DataDirectory;
import io.werken.core.Ports;
import io.werken.embedded.EmbeddedBroker;
import io.werken.settings.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.Configuration;

/**
 * What Werken checks before it starts anything or creates anything on disk: that the ports it will listen on are free
 * (webhooks, management, the embedded broker's), and that its data directory, when it uses one, is its own (locked
 * for this run). Bound first, so that a refusal here costs nothing; after a refusal further on,
 * {@link #refused()} removes what this run created.
 */
@Configuration
public class StartupConfiguration implements CamelConfiguration {

    private volatile DataDirectory dataDirectory;

    /**
     * The data directory, locked; an unlocked stand-in when nothing uses it (RabbitMQ, and the journal off or on
     * PostgreSQL), so that a Werken without an embedded store leaves no directory behind.
     */
    @BindToRegistry(destroyMethod = "close")
    public StartupChecks startupChecks(Settings settings) {
        String dataDir = settings.broker().dataDir();
        boolean embeddedBroker = settings.broker().embedded();
        boolean embeddedJournal = settings.journal().on() && settings.journal().url() == null;
        boolean usesDataDir = embeddedBroker || embeddedJournal;
        // A data directory that exists may be another Werken's: say so first, rather than that its ports are taken.
        if (usesDataDir && Files.isDirectory(Path.of(dataDir))) {
            dataDirectory = DataDirectory.lock(dataDir);
        }
        try {
            Ports.refuseIfTaken(
                    "WERKEN_HTTP_PORT", settings.http().host(), settings.http().port());
            if (settings.management().enabled()) {
                Ports.refuseIfTaken(
                        "WERKEN_MANAGEMENT_PORT",
                        settings.management().host(),
                        settings.management().port());
            }
            if (embeddedBroker) {
                EmbeddedBroker.refuseIfTaken(settings.broker().embeddedAmqpPort());
            }
        } catch (RuntimeException e) {
            refused();
            throw e;
        }
        if (usesDataDir && dataDirectory == null) {
            dataDirectory = DataDirectory.lock(dataDir);
        }
        return new StartupChecks(dataDirectory);
    }

    /** After a refused start: the data directory's lock released, and what this run created in it removed. */
    public void refused() {
        DataDirectory dir = dataDirectory;
        dataDirectory = null;
        if (dir != null) {
            dir.removeWhatThisRunCreated();
        }
    }

    /**
     * The data directory this Werken holds (null if it uses none), released when the registry closes it at shutdown.
     */
    public record StartupChecks(DataDirectory dataDirectory) implements AutoCloseable {

        @Override
        public void close() {
            if (dataDirectory != null) {
                dataDirectory.close();
            }
        }
    }
}
