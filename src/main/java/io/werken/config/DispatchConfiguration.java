package io.werken.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.werken.broker.MessagePublisher;
import io.werken.broker.QueueType;
import io.werken.dispatch.ActionMessageFactory;
import io.werken.dispatch.ActionPublisher;
import io.werken.dispatch.DeadLetterPublisher;
import io.werken.dispatch.DeliveryAcknowledger;
import io.werken.dispatch.DeliveryCounter;
import io.werken.dispatch.DispatchRetryLogger;
import io.werken.dispatch.EventReader;
import io.werken.dispatch.PlainListenerContainerFactory;
import io.werken.dispatch.WorkflowLookup;
import io.werken.journal.JournalDirectWriter;
import io.werken.journal.JournalRecords;
import io.werken.metrics.WerkenMetrics;
import io.werken.settings.Settings;
import io.werken.workflow.ActionPlanner;
import io.werken.workflow.CurrentWorkflows;
import io.werken.workflow.PinnedWorkflows;
import io.werken.workflow.WorkflowCatalog;
import java.time.Clock;
import java.time.Duration;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;

/** The dispatch-actions and dead-letter routes' steps, in route order, and the retry logger of dispatch-errors. */
@Configuration
public class DispatchConfiguration implements CamelConfiguration {

    /** The dispatch consumer's listener container, without Spring Retry around every delivery (retries are the route's). */
    @BindToRegistry
    public PlainListenerContainerFactory plainListenerContainerFactory() {
        return new PlainListenerContainerFactory();
    }

    /**
     * Counts cut-off dispatches in the events of a classic received queue; a quorum queue counts them itself
     * ({@code x-delivery-limit}, BrokerTopology), and a re-published copy would start its count again.
     */
    @BindToRegistry
    public DeliveryCounter deliveryCounter(MessagePublisher publisher, Settings settings) {
        Settings.Queues queues = settings.queues();
        return QueueType.parse(queues.type()) == QueueType.CLASSIC && queues.deliveryLimit() > 0
                ? new DeliveryCounter(publisher, queues.received(), queues.deliveryLimit())
                : DeliveryCounter.off();
    }

    /** Acknowledges each dispatched event once settled, in its channel's ack window. */
    @BindToRegistry
    public DeliveryAcknowledger deliveryAcknowledger() {
        return new DeliveryAcknowledger();
    }

    @BindToRegistry
    public EventReader eventReader(ObjectMapper werkenJson, DeliveryCounter deliveryCounter) {
        return new EventReader(werkenJson, deliveryCounter);
    }

    @BindToRegistry
    public WorkflowLookup workflowLookup(CurrentWorkflows currentWorkflows, WorkflowCatalog.Settings workflowSettings) {
        return new WorkflowLookup(currentWorkflows, new PinnedWorkflows(workflowSettings));
    }

    @BindToRegistry
    public ActionMessageFactory actionMessageFactory(
            ActionPlanner actionPlanner, Settings settings, WerkenMetrics werkenMetrics) {
        return new ActionMessageFactory(actionPlanner, settings.queues().actions(), werkenMetrics);
    }

    @BindToRegistry
    public ActionPublisher actionPublisher(
            MessagePublisher publisher,
            ObjectMapper werkenJson,
            Clock clock,
            WerkenMetrics werkenMetrics,
            JournalRecords journalRecords,
            Settings settings,
            CamelContext context) {
        return new ActionPublisher(
                publisher,
                werkenJson,
                clock,
                werkenMetrics,
                journalRecords,
                // Bound by JournalConfiguration with the journal on PostgreSQL and WERKEN_JOURNAL_DIRECT=on; else none.
                context.getRegistry().findSingleByType(JournalDirectWriter.class),
                Duration.ofMillis(settings.journal().lingerMs()));
    }

    @BindToRegistry
    public DeadLetterPublisher deadLetterPublisher(
            MessagePublisher publisher,
            Clock clock,
            Settings settings,
            WerkenMetrics werkenMetrics,
            JournalRecords journalRecords,
            ObjectMapper werkenJson) {
        return new DeadLetterPublisher(
                publisher, clock, settings.queues().received(), werkenMetrics, journalRecords, werkenJson);
    }

    @BindToRegistry
    public DispatchRetryLogger dispatchRetryLogger() {
        return new DispatchRetryLogger();
    }
}
