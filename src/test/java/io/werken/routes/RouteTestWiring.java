package io.werken.routes;

import io.werken.broker.MessagePublisher;
import io.werken.config.CoreConfiguration;
import io.werken.config.DedupeConfiguration;
import io.werken.config.DispatchConfiguration;
import io.werken.config.HttpConfiguration;
import io.werken.config.IngestConfiguration;
import io.werken.config.WorkflowsConfiguration;
import io.werken.workflow.WorkflowCatalog;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.main.MainConfigurationProperties;

/**
 * The application's own configuration classes, in the application's order, for a route test: only the broker role
 * (and, where a test needs its own secrets, the workflows role) is played by the test.
 */
final class RouteTestWiring {

    private RouteTestWiring() {
    }

    /** The ingest route's wiring, publishing into {@code publisher}, with the catalog {@code WERKEN_WORKFLOWS} names. */
    static void ingest(MainConfigurationProperties main, MessagePublisher publisher) {
        ingest(main, publisher, new WorkflowsConfiguration());
    }

    /** The ingest route's wiring with a catalog the test loaded itself. */
    static void ingest(MainConfigurationProperties main, MessagePublisher publisher, WorkflowCatalog catalog) {
        ingest(main, publisher, new TestWorkflows(catalog));
    }

    private static void ingest(MainConfigurationProperties main, MessagePublisher publisher, CamelConfiguration workflows) {
        main.addConfiguration(new CoreConfiguration());
        main.addConfiguration(workflows);
        main.addConfiguration(new TestBroker(publisher));
        main.addConfiguration(new DedupeConfiguration());
        main.addConfiguration(new HttpConfiguration());
        main.addConfiguration(new IngestConfiguration());
    }

    /** The dispatch and dead-letter routes' wiring, publishing into {@code publisher}. */
    static void dispatch(MainConfigurationProperties main, MessagePublisher publisher) {
        main.addConfiguration(new CoreConfiguration());
        main.addConfiguration(new WorkflowsConfiguration());
        main.addConfiguration(new TestBroker(publisher));
        main.addConfiguration(new DispatchConfiguration());
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
    }

    /** The workflows role, with a catalog whose secrets the test chose. */
    public static final class TestWorkflows implements CamelConfiguration {

        private final WorkflowCatalog catalog;

        TestWorkflows(WorkflowCatalog catalog) {
            this.catalog = catalog;
        }

        @BindToRegistry
        public WorkflowCatalog workflowCatalog() {
            return catalog;
        }
    }
}
