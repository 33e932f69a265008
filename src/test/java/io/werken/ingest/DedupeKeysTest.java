package io.werken.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Deterministic event ids of deliveries with a dedupe key. */
class DedupeKeysTest {

    @Test
    void theEventIdOfADeliveryIsAVersion5UuidOfWorkflowAndKey() {
        UUID id = DedupeKeys.eventId("mi-workflow", "msg_1");

        assertThat(id).isEqualTo(DedupeKeys.eventId("mi-workflow", "msg_1"));
        assertThat(id.version()).isEqualTo(5);
        assertThat(id.variant()).isEqualTo(2);
        assertThat(id)
                .isNotEqualTo(DedupeKeys.eventId("blog-nuevo-post", "msg_1"))
                .isNotEqualTo(DedupeKeys.eventId("mi-workflow", "msg_2"));
    }
}
