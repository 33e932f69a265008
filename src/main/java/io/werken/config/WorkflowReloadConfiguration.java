package io.werken.config;

import io.werken.broker.BrokerTopology;
import io.werken.metrics.WerkenMetrics;
import io.werken.settings.Settings;
import io.werken.workflow.CurrentWorkflows;
import io.werken.workflow.WorkflowCatalog;
import io.werken.workflow.WorkflowCatalogHealthCheck;
import io.werken.workflow.WorkflowReloader;
import java.time.Duration;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;

/**
 * Reloading the workflows without a restart, after the broker's wiring (a reload declares its new queues first), and
 * the workflows' health check, which reports on the reloads.
 */
@Configuration
public class WorkflowReloadConfiguration implements CamelConfiguration {

    /**
     * A Camel service: it watches the file while Camel runs, and Camel's JMX agent serves its attributes and its reload
     * operation as {@code org.apache.camel:context=werken,type=services,name=WorkflowReloader}.
     */
    @BindToRegistry
    public WorkflowReloader workflowReloader(
            Settings settings,
            CurrentWorkflows currentWorkflows,
            WorkflowCatalog.Settings workflowSettings,
            BrokerTopology brokerTopology,
            WerkenMetrics werkenMetrics,
            CamelContext context)
            throws Exception {
        Settings.Workflows workflows = settings.workflows();
        WorkflowReloader reloader = new WorkflowReloader(
                workflows.location(),
                context,
                workflowSettings,
                currentWorkflows,
                catalog -> brokerTopology.declareActionQueues(catalog.actionQueues()),
                workflows.watch(),
                Duration.ofMillis(workflows.pollIntervalMs()));
        werkenMetrics.watch(reloader);
        context.addService(reloader, true, true);
        return reloader;
    }

    @BindToRegistry
    public WorkflowCatalogHealthCheck workflowCatalogHealthCheck(WorkflowReloader workflowReloader) {
        return new WorkflowCatalogHealthCheck(workflowReloader);
    }
}
