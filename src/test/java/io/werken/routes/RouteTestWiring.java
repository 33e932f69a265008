package io.werken.routes;

import io.werken.WerkenApplication;
import io.werken.broker.BrokerAddress;
import io.werken.broker.MessagePublisher;
import io.werken.config.BrokerConfiguration;
import io.werken.config.EmbeddedBrokerConfiguration;
import io.werken.config.JournalConfiguration;
import io.werken.config.StartupConfiguration;
import io.werken.config.WorkflowReloadConfiguration;
import io.werken.config.WorkflowsConfiguration;
import io.werken.core.WerkenJson;
import io.werken.journal.Journal;
import io.werken.journal.JournalRecords;
import io.werken.workflow.ActionPlanner;
import io.werken.workflow.CurrentWorkflows;
import io.werken.workflow.WorkflowCatalog;
import io.werken.workflow.WorkflowReloader;
import java.time.Duration;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;
import org.apache.camel.main.MainConfigurationProperties;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;

/**
 * The application's own configuration classes, in the application's order, for a route test: only the broker role
 * (and, where a test needs its own secrets, the workflows role) is played by the test. The routes a test loads
 * (camel.main.routes-include-pattern) decide what runs; the other beans are built as in production.
 */
final class RouteTestWiring {

    private RouteTestWiring() {}

    /** The application's wiring, publishing into {@code publisher}, with the catalog {@code WERKEN_WORKFLOWS} names. */
    static void of(MainConfigurationProperties main, MessagePublisher publisher) {
        wire(main, publisher, null);
    }

    /** The application's wiring, publishing into {@code publisher}, with a catalog the test loaded itself. */
    static void of(MainConfigurationProperties main, MessagePublisher publisher, WorkflowCatalog catalog) {
        wire(main, publisher, catalog);
    }

    /**
     * {@link WerkenApplication#configurations()} in its order, with the broker role (and the catalog) replaced, and no
     * broker to choose or start: the routes publish to the recording publisher.
     */
    private static void wire(MainConfigurationProperties main, MessagePublisher publisher, WorkflowCatalog catalog) {
        for (CamelConfiguration configuration : WerkenApplication.configurations()) {
            // No broker to start and no data directory to lock: so no ports or directory to check either.
            if (configuration instanceof EmbeddedBrokerConfiguration || configuration instanceof StartupConfiguration) {
                continue;
            }
            if (configuration instanceof BrokerConfiguration) {
                main.addConfiguration(new TestBroker(publisher));
            } else if (configuration instanceof JournalConfiguration) {
                main.addConfiguration(new TestJournal());
            } else if (configuration instanceof WorkflowReloadConfiguration) {
                main.addConfiguration(new TestWorkflowReload());
            } else if (configuration instanceof WorkflowsConfiguration && catalog != null) {
                main.addConfiguration(new TestWorkflows(catalog));
            } else {
                main.addConfiguration(configuration);
            }
        }
    }

    /** The broker role: the publisher every path publishes through. */
    public static final class TestBroker implements CamelConfiguration {

        private final MessagePublisher publisher;

        TestBroker(MessagePublisher publisher) {
            this.publisher = publisher;
        }

        @BindToRegistry
        public MessagePublisher confirmedPublisher() {
            return publisher;
        }

        /**
         * What EmbeddedBrokerConfiguration, left out, would bind: the management configuration's dead-letter queue
         * needs a broker address. Nothing listens on port 1; no route a route test loads opens it.
         */
        @BindToRegistry
        public BrokerAddress brokerAddress() {
            return BrokerAddress.rabbitMq("amqp://guest:guest@127.0.0.1:1/%2F");
        }

        /**
         * What BrokerConfiguration, left out, would bind: the management configuration's queue listing reads the
         * queues over it. It connects (to port 1, where nothing listens) only when a queue is looked at.
         */
        @BindToRegistry(destroyMethod = "destroy")
        public CachingConnectionFactory cachingConnectionFactory() {
            return new CachingConnectionFactory(java.net.URI.create("amqp://guest:guest@127.0.0.1:1/%2F"));
        }
    }

    /**
     * The journal role: dispatch publishes its records (to {@link #JOURNAL_QUEUE}, through the recording publisher);
     * there is no database to write them to or read them from.
     */
    public static final class TestJournal implements CamelConfiguration {

        /** Where a route test finds the journal records dispatch published. */
        public static final String JOURNAL_QUEUE = "test.werken.journal";

        @BindToRegistry
        public JournalRecords journalRecords(@PropertyInject("werken.queue.actions") String actionsQueue) {
            return new JournalRecords(WerkenJson.mapper(), java.time.Clock.systemUTC(), JOURNAL_QUEUE, actionsQueue);
        }

        @BindToRegistry
        public Journal journal() {
            return Journal.off();
        }
    }

    /** Reloads without a broker to declare queues on, and without watching. */
    public static final class TestWorkflowReload implements CamelConfiguration {

        @BindToRegistry
        public WorkflowReloader workflowReloader(
                @PropertyInject("werken.workflows") String location,
                CurrentWorkflows currentWorkflows,
                CamelContext context) {
            return new WorkflowReloader(
                    location,
                    context,
                    WorkflowCatalog.Settings.defaults(),
                    currentWorkflows,
                    catalog -> {},
                    false,
                    Duration.ofSeconds(1));
        }
    }

    /** The workflows role, with a catalog whose secrets the test chose. */
    public static final class TestWorkflows implements CamelConfiguration {

        private final WorkflowCatalog catalog;

        TestWorkflows(WorkflowCatalog catalog) {
            this.catalog = catalog;
        }

        @BindToRegistry
        public CurrentWorkflows currentWorkflows() {
            return new CurrentWorkflows(catalog);
        }

        @BindToRegistry
        public ActionPlanner actionPlanner() {
            return new ActionPlanner(WerkenJson.mapper(), 262_144);
        }

        @BindToRegistry
        public WorkflowCatalog.Settings workflowSettings() {
            return WorkflowCatalog.Settings.defaults();
        }
    }
}
