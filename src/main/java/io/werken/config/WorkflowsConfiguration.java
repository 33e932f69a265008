package io.werken.config;

import io.werken.workflow.WorkflowCatalog;
import io.werken.workflow.WorkflowCatalogHealthCheck;
import io.werken.workflow.WorkflowsFile;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.PropertyInject;

/** The workflow catalog, loaded from {@code WERKEN_WORKFLOWS}, and its health check. */
@Configuration
public class WorkflowsConfiguration implements CamelConfiguration {

    @BindToRegistry
    public WorkflowCatalog workflowCatalog(@PropertyInject("werken.workflows") String location, CamelContext context) {
        return WorkflowsFile.load(location, context);
    }

    @BindToRegistry
    public WorkflowCatalogHealthCheck workflowCatalogHealthCheck(WorkflowCatalog workflowCatalog) {
        return new WorkflowCatalogHealthCheck(workflowCatalog);
    }
}
