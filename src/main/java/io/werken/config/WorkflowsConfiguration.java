package io.werken.config;

import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.werken.broker.BrokerTopology;
import io.werken.expression.EvaluationLimits;
import io.werken.expression.ExpressionCompiler;
import io.werken.workflow.ActionPlanner;
import io.werken.workflow.CurrentWorkflows;
import io.werken.workflow.SecretResolver;
import io.werken.workflow.WorkflowCatalog;
import io.werken.workflow.WorkflowsFile;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.PropertyInject;

/**
 * The workflows in use, first loaded from {@code WERKEN_WORKFLOWS} with the workflow language's limits (reloads come
 * later, from {@link WorkflowReloadConfiguration}), and the planner that evaluates their actions for an event.
 */
@Configuration
public class WorkflowsConfiguration implements CamelConfiguration {

    @BindToRegistry
    public WorkflowCatalog.Settings workflowSettings(@PropertyInject("werken.queue.received") String receivedQueue,
                                                     ExpressionCompiler expressionCompiler) {
        return new WorkflowCatalog.Settings(SecretResolver.fromEnvironment(), expressionCompiler,
                Set.of(receivedQueue, BrokerTopology.deadLetterQueue(receivedQueue)));
    }

    @BindToRegistry
    public CurrentWorkflows currentWorkflows(@PropertyInject("werken.workflows") String location,
                                             @PropertyInject("werken.queue.received") String receivedQueue,
                                             ExpressionCompiler expressionCompiler, CamelContext context) {
        return new CurrentWorkflows(WorkflowsFile.load(location, context,
                workflowSettings(receivedQueue, expressionCompiler)));
    }

    /** What one event's expressions may spend: the workflow language's bounds, and the journal search's. */
    @BindToRegistry
    public EvaluationLimits evaluationLimits(@PropertyInject("werken.workflows.max-evaluation-steps") long maxSteps,
                                             @PropertyInject("werken.workflows.max-evaluation-bytes") long maxBytes,
                                             @PropertyInject("werken.workflows.max-evaluation-ms") long maxMillis) {
        return new EvaluationLimits(maxSteps, maxBytes, maxMillis);
    }

    @BindToRegistry
    public ActionPlanner actionPlanner(ObjectMapper werkenJson,
                                       @PropertyInject("werken.workflows.max-params-bytes") int maxParamsBytes,
                                       EvaluationLimits evaluationLimits) {
        return new ActionPlanner(werkenJson, maxParamsBytes, evaluationLimits);
    }
}
