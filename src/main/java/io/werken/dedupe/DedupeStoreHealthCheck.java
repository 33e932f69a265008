package io.werken.dedupe;

import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * {@code werken/dedupe}: which dedupe store Werken uses, and whether it answers ({@code state} {@code answering} or
 * {@code unavailable} with the {@code problem}). It stays UP either way: with Redis away only webhooks of workflows
 * with a dedupe rule are refused (503 {@code dedupe-store-unavailable}, with {@code Retry-After}), and taking Werken out
 * of a load balancer would refuse all the others too.
 */
public final class DedupeStoreHealthCheck extends AbstractHealthCheck {

    private final DedupeStore store;

    public DedupeStoreHealthCheck(DedupeStore store) {
        super("werken", "dedupe");
        this.store = store;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        builder.detail("store", store.describe());
        String problem = store.problem();
        builder.detail("state", problem == null ? "answering" : "unavailable");
        if (problem != null) {
            builder.detail("problem", problem);
        }
        builder.message("dedupe store " + (problem == null ? "answering" : "unavailable: " + problem));
        builder.up();
    }
}
