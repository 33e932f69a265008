package io.werken.config;

import io.werken.dedupe.DedupeStore;
import io.werken.dedupe.DedupeStoreHealthCheck;
import io.werken.dedupe.DedupeStores;
import io.werken.settings.Settings;
import java.time.Duration;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.Configuration;

/** The dedupe store, the ingest route's idempotent repository: in memory, or shared in Redis. */
@Configuration
public class DedupeConfiguration implements CamelConfiguration {

    @BindToRegistry(destroyMethod = "close")
    public DedupeStore dedupeStore(Settings settings) {
        Settings.Dedupe dedupe = settings.dedupe();
        return DedupeStores.open(new DedupeStores.Settings(
                dedupe.store(),
                Duration.ofSeconds(dedupe.windowSeconds()),
                Duration.ofSeconds(dedupe.pendingSeconds()),
                dedupe.maxEntries(),
                dedupe.redisUri(),
                dedupe.redisKeyPrefix(),
                Duration.ofMillis(settings.broker().confirmTimeoutMs())));
    }

    @BindToRegistry
    public DedupeStoreHealthCheck dedupeStoreHealthCheck(DedupeStore dedupeStore) {
        return new DedupeStoreHealthCheck(dedupeStore);
    }
}
