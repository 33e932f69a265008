package io.werken.config;

import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.werken.broker.BrokerTopology;
import io.werken.expression.ExpressionCompiler;
import io.werken.workflow.ActionPlanner;
import io.werken.workflow.SecretResolver;
import io.werken.workflow.WorkflowCatalog;
import io.werken.workflow.WorkflowCatalogHealthCheck;
import io.werken.workflow.WorkflowsFile;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.PropertyInject;

/**
 * The workflow catalog, loaded from {@code WERKEN_WORKFLOWS} with the workflow language's limits, the planner that
 * evaluates its actions for an event, and the catalog's health check.
 */
@Configuration
public class WorkflowsConfiguration implements CamelConfiguration {

    @BindToRegistry
    public WorkflowCatalog workflowCatalog(@PropertyInject("werken.workflows") String location,
                                           @PropertyInject("werken.queue.received") String receivedQueue,
                                           ExpressionCompiler expressionCompiler, CamelContext context) {
        return WorkflowsFile.load(location, context, new WorkflowCatalog.Settings(SecretResolver.fromEnvironment(),
                expressionCompiler, Set.of(receivedQueue, BrokerTopology.deadLetterQueue(receivedQueue))));
    }

    @BindToRegistry
    public ActionPlanner actionPlanner(ObjectMapper werkenJson,
                                       @PropertyInject("werken.workflows.max-params-bytes") int maxParamsBytes) {
        return new ActionPlanner(werkenJson, maxParamsBytes);
    }

    @BindToRegistry
    public WorkflowCatalogHealthCheck workflowCatalogHealthCheck(WorkflowCatalog workflowCatalog) {
        return new WorkflowCatalogHealthCheck(workflowCatalog);
    }
}
