package io.werken.workflow;

import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * UP when the workflows in use hold at least one workflow. A failed reload leaves the workflows in use serving, so it
 * does not make Werken DOWN: its outcome and problems show in the details.
 */
public final class WorkflowCatalogHealthCheck extends AbstractHealthCheck {

    private final WorkflowReloader reloader;

    public WorkflowCatalogHealthCheck(WorkflowReloader reloader) {
        super("werken", "workflows");
        this.reloader = reloader;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        WorkflowCatalog catalog = reloader.current().catalog();
        builder.detail("source", catalog.source());
        builder.detail("workflows", catalog.size());
        builder.detail("revision", catalog.revision());
        builder.detail("loaded_at", catalog.loadedAt().toString());
        WorkflowReloader.Result last = reloader.lastResult();
        if (last != null) {
            builder.detail("last_reload", last.outcome().name().toLowerCase(java.util.Locale.ROOT));
            builder.detail("last_reload_at", last.at().toString());
            if (!last.problems().isEmpty()) {
                builder.detail("last_reload_problems", String.join("; ", last.problems()));
            }
        }
        if (catalog.size() > 0) {
            builder.up();
        } else {
            builder.down();
        }
    }
}
