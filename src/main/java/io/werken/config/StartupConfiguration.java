package io.werken.config;

import java.nio.file.Files;
import java.nio.file.Path;

import io.werken.core.DataDirectory;
import io.werken.core.Ports;
import io.werken.embedded.EmbeddedBroker;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.Configuration;
import org.apache.camel.PropertyInject;

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
    public StartupChecks startupChecks(
            @PropertyInject("camel.server.host") String httpHost,
            @PropertyInject("camel.server.port") int httpPort,
            @PropertyInject(value = "camel.management.enabled", defaultValue = "false") boolean management,
            @PropertyInject(value = "camel.management.host", defaultValue = "0.0.0.0") String managementHost,
            @PropertyInject(value = "camel.management.port", defaultValue = "9876") int managementPort,
            @PropertyInject("werken.rabbitmq.uri") String rabbitMqUri,
            @PropertyInject("werken.embedded.amqp-port") int amqpPort,
            @PropertyInject("werken.embedded.data-dir") String dataDir,
            @PropertyInject("werken.journal.mode") String journalMode,
            @PropertyInject("werken.journal.url") String journalUrl) {
        boolean embeddedBroker = rabbitMqUri == null || rabbitMqUri.isBlank();
        boolean embeddedJournal = JournalConfiguration.on(journalMode) && (journalUrl == null || journalUrl.isBlank());
        boolean usesDataDir = embeddedBroker || embeddedJournal;
        // A data directory that exists may be another Werken's: say so first, rather than that its ports are taken.
        if (usesDataDir && Files.isDirectory(Path.of(dataDir))) {
            dataDirectory = DataDirectory.lock(dataDir);
        }
        try {
            Ports.refuseIfTaken("WERKEN_HTTP_PORT", httpHost, httpPort);
            if (management) {
                Ports.refuseIfTaken("WERKEN_MANAGEMENT_PORT", managementHost, managementPort);
            }
            if (embeddedBroker) {
                EmbeddedBroker.refuseIfTaken(amqpPort);
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
