package io.werken.config;

import java.time.Clock;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.werken.broker.MessagePublisher;
import io.werken.dispatch.ActionMessageFactory;
import io.werken.dispatch.ActionPublisher;
import io.werken.dispatch.DeadLetterPublisher;
import io.werken.dispatch.DispatchRetryLogger;
import io.werken.dispatch.EventReader;
import io.werken.dispatch.WorkflowLookup;
import io.werken.workflow.ActionPlanner;
import io.werken.workflow.WorkflowCatalog;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.Configuration;
import org.apache.camel.PropertyInject;

/** The dispatch-actions and dead-letter routes' steps, in route order, and the retry logger of dispatch-errors. */
@Configuration
public class DispatchConfiguration implements CamelConfiguration {

    @BindToRegistry
    public EventReader eventReader(ObjectMapper werkenJson) {
        return new EventReader(werkenJson);
    }

    @BindToRegistry
    public WorkflowLookup workflowLookup(WorkflowCatalog workflowCatalog) {
        return new WorkflowLookup(workflowCatalog);
    }

    @BindToRegistry
    public ActionMessageFactory actionMessageFactory(ActionPlanner actionPlanner,
                                                     @PropertyInject("werken.queue.actions") String actionsQueue) {
        return new ActionMessageFactory(actionPlanner, actionsQueue);
    }

    @BindToRegistry
    public ActionPublisher actionPublisher(MessagePublisher publisher, ObjectMapper werkenJson, Clock clock) {
        return new ActionPublisher(publisher, werkenJson, clock);
    }

    @BindToRegistry
    public DeadLetterPublisher deadLetterPublisher(MessagePublisher publisher, Clock clock,
                                                   @PropertyInject("werken.queue.received") String receivedQueue) {
        return new DeadLetterPublisher(publisher, clock, receivedQueue);
    }

    @BindToRegistry
    public DispatchRetryLogger dispatchRetryLogger() {
        return new DispatchRetryLogger();
    }
}
