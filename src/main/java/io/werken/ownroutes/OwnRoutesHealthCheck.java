package io.werken.ownroutes;

import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Reports the own routes, always UP: a refused own route file (one the guard refuses, or whose routes Camel cannot
 * create or start) leaves Werken's webhooks and dispatch working, so it must not take the instance out of a load
 * balancer or restart it. The details say which files are refused or cannot start now, each with its cause (the
 * console's overview shows them; {@code werken_own_routes_failed} counts them).
 */
public final class OwnRoutesHealthCheck extends AbstractHealthCheck {

    private final OwnRoutes ownRoutes;

    public OwnRoutesHealthCheck(OwnRoutes ownRoutes) {
        super("werken", "own-routes");
        this.ownRoutes = ownRoutes;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        builder.up();
        if (ownRoutes.directory().isEmpty()) {
            builder.detail("directory", "none (WERKEN_ROUTES_DIR is empty)");
            return;
        }
        builder.detail("directory", ownRoutes.directory().get().toString());
        ownRoutes.reloadStrategy().ifPresent(watcher -> {
            builder.detail("routes", watcher.routeCount());
            builder.detail("refused_since_start", watcher.getRefusedCounter());
            Map<Path, OwnRoutesReloadStrategy.Refusal> refused = watcher.refusedNow();
            if (!refused.isEmpty()) {
                builder.detail("refused_files", refused.size());
                builder.detail(
                        "refused",
                        refused.entrySet().stream()
                                .sorted(Map.Entry.comparingByKey())
                                .map(e -> e.getValue().reason() + " (at "
                                        + e.getValue().at() + ")")
                                .collect(Collectors.joining("; ")));
            }
        });
    }
}
