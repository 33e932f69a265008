package io.werken.config;

import java.time.Duration;

import io.werken.dedupe.DedupeStore;
import io.werken.dedupe.DedupeStoreHealthCheck;
import io.werken.dedupe.DedupeStores;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.Configuration;
import org.apache.camel.PropertyInject;

/** The dedupe store, the ingest route's idempotent repository: in memory, or shared in Redis. */
@Configuration
public class DedupeConfiguration implements CamelConfiguration {

    @BindToRegistry(destroyMethod = "close")
    public DedupeStore dedupeStore(
            @PropertyInject("werken.dedupe.store") String store,
            @PropertyInject("werken.dedupe.window-seconds") long windowSeconds,
            @PropertyInject("werken.dedupe.pending-seconds") long pendingSeconds,
            @PropertyInject("werken.dedupe.max-entries") long maxEntries,
            @PropertyInject("werken.redis.uri") String redisUri,
            @PropertyInject("werken.dedupe.redis-key-prefix") String redisKeyPrefix,
            @PropertyInject("werken.rabbitmq.confirm-timeout-ms") long confirmTimeoutMs) {
        return DedupeStores.open(new DedupeStores.Settings(store, Duration.ofSeconds(windowSeconds),
                Duration.ofSeconds(pendingSeconds), maxEntries, redisUri, redisKeyPrefix,
                Duration.ofMillis(confirmTimeoutMs)));
    }

    @BindToRegistry
    public DedupeStoreHealthCheck dedupeStoreHealthCheck(DedupeStore dedupeStore) {
        return new DedupeStoreHealthCheck(dedupeStore);
    }
}
