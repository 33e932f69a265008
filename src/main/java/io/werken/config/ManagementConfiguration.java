package io.werken.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.werken.http.ManagementHttpComponent;
import io.werken.ingest.ReceivedWebhookFactory;
import io.werken.ingest.WebhookRequestValidator;
import io.werken.manage.DryRun;
import io.werken.manage.WorkflowDefinition;
import io.werken.manage.WorkflowListing;
import io.werken.workflow.ActionPlanner;
import io.werken.workflow.WorkflowCatalog;
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
    public WorkflowListing workflowListing(WorkflowCatalog workflowCatalog, ObjectMapper werkenJson) {
        return new WorkflowListing(workflowCatalog, werkenJson);
    }

    @BindToRegistry
    public WorkflowDefinition workflowDefinition(WorkflowCatalog workflowCatalog, ObjectMapper werkenJson) {
        return new WorkflowDefinition(workflowCatalog, werkenJson);
    }

    @BindToRegistry
    public DryRun dryRun(WorkflowCatalog workflowCatalog, WebhookRequestValidator webhookRequestValidator,
                         ActionPlanner actionPlanner, ObjectMapper werkenJson,
                         ReceivedWebhookFactory receivedWebhookFactory,
                         @PropertyInject("werken.queue.actions") String actionsQueue) {
        return new DryRun(workflowCatalog, webhookRequestValidator, actionPlanner, werkenJson, receivedWebhookFactory,
                actionsQueue);
    }
}
