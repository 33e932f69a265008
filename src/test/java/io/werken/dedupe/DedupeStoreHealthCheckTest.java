package io.werken.dedupe;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

/** What {@code werken/dedupe} says of the store in use, and of a Redis that does not answer. */
class DedupeStoreHealthCheckTest {

    private static HealthCheck.Result call(DedupeStore store) {
        DedupeStoreHealthCheck check = new DedupeStoreHealthCheck(store);
        check.setCamelContext(new DefaultCamelContext());
        return check.call(Map.of());
    }

    @Test
    void theMemoryStoreAlwaysAnswers() {
        HealthCheck.Result result = call(new MemoryDedupeStore(Duration.ofMinutes(1), Duration.ofSeconds(5), 10));
        assertThat(result.getState()).isEqualTo(HealthCheck.State.UP);
        assertThat(result.getDetails()).containsEntry("store", "memory").containsEntry("state", "answering");
    }

    @Test
    void aRedisThatDoesNotAnswerIsSaidToBeUnavailableWithoutTakingWerkenDown() throws Exception {
        try (RedisDedupeStore store =
                RedisDedupeStore.connect("redis://127.0.0.1:1", "test", Duration.ofMinutes(1), Duration.ofSeconds(5))) {
            HealthCheck.Result result = call(store);
            assertThat(result.getState()).isEqualTo(HealthCheck.State.UP);
            assertThat(result.getDetails())
                    .containsEntry("store", "redis 127.0.0.1:1")
                    .containsEntry("state", "unavailable")
                    .containsKey("problem");
        }
    }
}
