package io.werken.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.werken.http.ManagementHttpComponent;
import io.werken.ingest.ReceivedWebhookFactory;
import io.werken.ingest.WebhookRequestValidator;
import io.werken.manage.DryRun;
import io.werken.manage.WorkflowDefinition;
import io.werken.manage.WorkflowListing;
import io.werken.manage.WorkflowReload;
import io.werken.workflow.ActionPlanner;
import io.werken.workflow.CurrentWorkflows;
import io.werken.workflow.WorkflowReloader;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.Configuration;
import org.apache.camel.PropertyInject;

/** The management port's workflow routes: the component they listen with, and their steps. */
@Configuration
public class ManagementConfiguration implements CamelConfiguration {

    /** Bound under the component name the routes use, not after its class. */
    @BindToRegistry(ManagementHttpComponent.NAME)
    public ManagementHttpComponent managementHttpComponent(@PropertyInject("camel.management.port") int port) {
        return new ManagementHttpComponent(port);
    }

    @BindToRegistry
    public WorkflowListing workflowListing(WorkflowReloader workflowReloader, ObjectMapper werkenJson) {
        return new WorkflowListing(workflowReloader, werkenJson);
    }

    @BindToRegistry
    public WorkflowReload workflowReload(WorkflowReloader workflowReloader, ObjectMapper werkenJson) {
        return new WorkflowReload(workflowReloader, werkenJson);
    }

    @BindToRegistry
    public WorkflowDefinition workflowDefinition(CurrentWorkflows currentWorkflows, ObjectMapper werkenJson) {
        return new WorkflowDefinition(currentWorkflows, werkenJson);
    }

    @BindToRegistry
    public DryRun dryRun(CurrentWorkflows currentWorkflows, WebhookRequestValidator webhookRequestValidator,
                         ActionPlanner actionPlanner, ObjectMapper werkenJson,
                         ReceivedWebhookFactory receivedWebhookFactory,
                         @PropertyInject("werken.queue.actions") String actionsQueue) {
        return new DryRun(currentWorkflows, webhookRequestValidator, actionPlanner, werkenJson, receivedWebhookFactory,
                actionsQueue);
    }
}
