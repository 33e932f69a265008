package io.werken.ingest;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.werken.core.ReceivedWebhook;
import io.werken.workflow.BundledWorkflows;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Identity and timestamp of accepted webhooks. */
class ReceivedWebhookFactoryTest {

    private final ReceivedWebhookFactory factory = new ReceivedWebhookFactory(
            Clock.fixed(Instant.parse("2026-11-26T10:15:30.123456789Z"), ZoneOffset.UTC));

    @Test
    void eachEventGetsItsOwnIdAndAMillisecondUtcTimestamp() {
        var workflow = BundledWorkflows.catalog().find("mi-workflow").orElseThrow();

        ReceivedWebhook first = factory.create(workflow, JsonNodeFactory.instance.objectNode(), null, java.util.Map.of());
        ReceivedWebhook second = factory.create(workflow, JsonNodeFactory.instance.objectNode(), null, java.util.Map.of());

        assertThat(first.eventId()).isNotEqualTo(second.eventId()).matches("[0-9a-f-]{36}");
        assertThat(first.workflowId()).isEqualTo("mi-workflow");
        assertThat(first.receivedAt()).isEqualTo("2026-11-26T10:15:30.123Z");
    }
}
