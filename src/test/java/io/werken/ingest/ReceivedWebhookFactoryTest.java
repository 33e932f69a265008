package io.werken.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.werken.core.ReceivedWebhook;
import io.werken.core.WerkenJson;
import io.werken.workflow.BundledWorkflows;
import io.werken.workflow.Workflow;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Identity and timestamp of accepted webhooks, and the envelope their events are written as. */
class ReceivedWebhookFactoryTest {

    private static final ObjectMapper JSON = WerkenJson.mapper();

    /** A body as a sender may write it: spaces, line breaks, its own key order, number spellings, escapes, UTF-8. */
    private static final String BODY =
            "{\"zeta\": 1.0,\n  \"alpha\" : [1e2, -0, 0.50, 1E-3, 12345678901234567890123],\r\n"
                    + "\t\"m\": {\"caf\\u00e9\": \"\u00e9\u2713\ud83d\ude00 \\\"q\\\" \\/\"}, \"n\": null }";

    private final ReceivedWebhookFactory factory =
            new ReceivedWebhookFactory(Clock.fixed(Instant.parse("2026-11-26T10:15:30.123456789Z"), ZoneOffset.UTC));
    private final Workflow workflow =
            BundledWorkflows.catalog().find("mi-workflow").orElseThrow();

    @Test
    void eachEventGetsItsOwnIdAndAMillisecondUtcTimestamp() {
        ReceivedWebhook first = factory.create(workflow, JsonNodeFactory.instance.objectNode(), null, Map.of());
        ReceivedWebhook second = factory.create(workflow, JsonNodeFactory.instance.objectNode(), null, Map.of());

        assertThat(first.eventId()).isNotEqualTo(second.eventId()).matches("[0-9a-f-]{36}");
        assertThat(first.workflowId()).isEqualTo("mi-workflow");
        assertThat(first.receivedAt()).isEqualTo("2026-11-26T10:15:30.123Z");
    }

    @Test
    void theEnvelopeCarriesThePayloadByteForByteAsTheSenderWroteIt() throws Exception {
        byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
        ReceivedWebhook event =
                factory.create(workflow, JSON.readTree(body), body, "e-1", Map.of("x-github-event", "push"));

        byte[] envelope = JSON.writeValueAsBytes(event);

        assertThat(new String(envelope, StandardCharsets.UTF_8))
                .isEqualTo("{\"event_id\":\"e-1\","
                        + "\"workflow_id\":\"mi-workflow\",\"workflow_revision\":\"" + workflow.revision() + "\","
                        + "\"received_at\":\"2026-11-26T10:15:30.123Z\",\"headers\":{\"x-github-event\":\"push\"},"
                        + "\"payload\":" + BODY + "}");
        JsonNode read = JSON.readTree(envelope);
        assertThat(read.fieldNames())
                .toIterable()
                .containsExactly("event_id", "workflow_id", "workflow_revision", "received_at", "headers", "payload");
        assertThat(read.get("payload")).isEqualTo(JSON.readTree(body));
        // Written to a String (a character generator) the envelope is the same.
        assertThat(JSON.writeValueAsString(event)).isEqualTo(new String(envelope, StandardCharsets.UTF_8));
    }

    /** As every envelope was written before: number spellings, escapes and whitespace are Jackson's, not the sender's. */
    @Test
    void anEventWithoutThePayloadsBytesHasItWrittenFromTheTree() throws Exception {
        ReceivedWebhook event = factory.create(workflow, JSON.readTree(BODY), "e-1", Map.of());

        assertThat(new String(JSON.writeValueAsBytes(event), StandardCharsets.UTF_8))
                .isEqualTo("{\"event_id\":\"e-1\","
                        + "\"workflow_id\":\"mi-workflow\",\"workflow_revision\":\"" + workflow.revision() + "\","
                        + "\"received_at\":\"2026-11-26T10:15:30.123Z\",\"headers\":{},\"payload\":{\"zeta\":1.0,"
                        + "\"alpha\":[1E+2,0,0.50,0.001,12345678901234567890123],\"m\":{\"caf\u00e9\":\"\u00e9\u2713\\uD83D\\uDE00 \\\"q\\\" /\"},"
                        + "\"n\":null}}");
    }

    @Test
    void aReplaysEnvelopeCarriesItsStoredBytesBetweenItsHeadersAndItsDefinition() throws Exception {
        byte[] stored = "[ 1.0 ,\n\"x\" ]".getBytes(StandardCharsets.UTF_8);
        ReceivedWebhook replay = new ReceivedWebhook(
                "e-2",
                "mi-workflow",
                "abc",
                "2026-11-26T10:15:30.123Z",
                Map.of(),
                JSON.readTree(stored),
                "e-1",
                JSON.readTree("{\"actions\": []}"),
                stored);

        assertThat(new String(JSON.writeValueAsBytes(replay), StandardCharsets.UTF_8))
                .isEqualTo(
                        "{\"event_id\":\"e-2\","
                                + "\"workflow_id\":\"mi-workflow\",\"workflow_revision\":\"abc\",\"received_at\":\"2026-11-26T10:15:30.123Z\","
                                + "\"replay_of\":\"e-1\",\"headers\":{},\"payload\":[ 1.0 ,\n\"x\" ],\"workflow_definition\":{\"actions\":[]}}");
    }
}
