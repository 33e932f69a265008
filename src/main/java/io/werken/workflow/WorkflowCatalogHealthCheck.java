package io.werken.workflow;

import java.util.Map;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/** UP when the workflow catalog is loaded and holds at least one workflow. */
public final class WorkflowCatalogHealthCheck extends AbstractHealthCheck {

    private final WorkflowCatalog catalog;

    public WorkflowCatalogHealthCheck(WorkflowCatalog catalog) {
        super("werken", "workflows");
        this.catalog = catalog;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        builder.detail("source", catalog.source());
        builder.detail("workflows", catalog.size());
        if (catalog.size() > 0) {
            builder.up();
        } else {
            builder.down();
        }
    }
}
