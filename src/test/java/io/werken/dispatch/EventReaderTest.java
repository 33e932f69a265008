package io.werken.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.werken.core.ReceivedWebhook;
import io.werken.core.WerkenJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An envelope read back by dispatch: its payload both parsed and as the exact bytes the envelope carries (the body as
 * the sender wrote it, which the journal keeps), whatever JSON value it is and wherever it stands in the envelope; and
 * the envelopes that cannot be dispatched.
 */
class EventReaderTest {

    private static final ObjectMapper JSON = WerkenJson.mapper();
    private final EventReader reader = new EventReader(JSON);

    /** Payloads as a sender may write them: spaces, line breaks, key order, number spellings, escapes, UTF-8. */
    private static final String[] PAYLOADS = {
        "{\"zeta\": 1.0,\n  \"alpha\" : [1e2, -0, 0.50, 1E-3, 12345678901234567890123],\r\n\t\"m\": {\"\\u00e9\\n\": \"\u00e9\u2713\ud83d\ude00\"} }",
        "[ 1 , \"two\" , [ ] , { } , [[[\"deep\"]]] ]",
        "\"caf\\u00e9 \\\"quoted\\\" \u00e9\u2713 \\/\"",
        "-0",
        "1e2",
        "1.50E-3",
        "-12345678901234567890123",
        "0",
        "true",
        "false",
        "null",
        "{}",
        "[]",
        "\"\"",
        "{\"payload\": [1, {\"payload\": {\"payload\": \"nested\"}}], \"a\": {\"b\": {\"c\": [{\"d\": [null, true]}]}}}",
    };

    private static String envelope(String before, String payload, String after) {
        return before + payload + after;
    }

    private void assertReadExactly(String envelope, String payload) throws IOException {
        ReceivedWebhook event = reader.read(envelope.getBytes(StandardCharsets.UTF_8));

        assertThat(new String(event.payloadBytes(), StandardCharsets.UTF_8)).isEqualTo(payload);
        assertThat(event.payloadBytes()).isEqualTo(payload.getBytes(StandardCharsets.UTF_8));
        assertThat(event.payload()).isEqualTo(JSON.readTree(payload));
    }

    @Test
    void thePayloadsBytesAreTheSliceOfTheEnvelopeForEveryKindOfValue() throws IOException {
        for (String payload : PAYLOADS) {
            // As ingest writes it, payload last but for a definition, after a header of multi-byte characters (the
            // slice is in bytes, not characters).
            assertReadExactly(
                    envelope(
                            "{\"event_id\":\"e-1\",\"workflow_id\":\"mi-workflow\",\"workflow_revision\":\"abc\","
                                    + "\"received_at\":\"2026-11-26T10:00:00Z\",\"headers\":{\"x-name\":\"\u00fcn\u00efc\u00f6d\u00e9 \u2713 \ud83d\ude00\"},\"payload\":",
                            payload,
                            "}"),
                    payload);
            // First, with whitespace around it, and in the middle of the envelope.
            assertReadExactly(
                    envelope(
                            "{ \"payload\" :\n ",
                            payload,
                            " \n, \"event_id\":\"e-1\",\"workflow_id\":\"w\","
                                    + "\"received_at\":\"2026-11-26T10:00:00Z\" }"),
                    payload);
            assertReadExactly(
                    envelope(
                            "{\"event_id\":\"e-1\",\"workflow_id\":\"w\",\"payload\":\t",
                            payload,
                            "\t,\"received_at\":\"2026-11-26T10:00:00Z\",\"workflow_definition\":{\"actions\":[]}}"),
                    payload);
        }
    }

    @Test
    void anEnvelopeThatStartsWithAByteOrderMarkIsSlicedAtTheSameBytes() throws IOException {
        String payload = "{\"a\": 1.0}";
        byte[] envelope = ("\ufeff{\"event_id\":\"e-1\",\"workflow_id\":\"w\",\"received_at\":\"2026-11-26T10:00:00Z\","
                        + "\"payload\": " + payload + "}")
                .getBytes(StandardCharsets.UTF_8);

        assertThat(reader.read(envelope).payloadBytes()).isEqualTo(payload.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aPayloadGivenTwiceIsTheLastOneAsParsedAndAsBytes() throws IOException {
        assertReadExactly(
                "{\"event_id\":\"e-1\",\"workflow_id\":\"w\",\"received_at\":\"2026-11-26T10:00:00Z\","
                        + "\"payload\": {\"first\": 1}, \"payload\": [\"second\"]}",
                "[\"second\"]");
    }

    @Test
    void theOtherFieldsReadAsBefore() {
        ReceivedWebhook event =
                reader.read(("{\"event_id\":\"e-1\",\"workflow_id\":\"w\",\"workflow_revision\":\"abc\","
                                + "\"received_at\":\"2026-11-26T10:00:00Z\",\"replay_of\":\"e-0\",\"headers\":{\"x-a\":\"1\",\"x-b\":\"2\"},"
                                + "\"payload\":{},\"workflow_definition\":{\"actions\":[]},\"unknown\":[1,{\"x\":2}]}")
                        .getBytes(StandardCharsets.UTF_8));

        assertThat(event.eventId()).isEqualTo("e-1");
        assertThat(event.workflowId()).isEqualTo("w");
        assertThat(event.workflowRevision()).isEqualTo("abc");
        assertThat(event.receivedAt()).isEqualTo("2026-11-26T10:00:00Z");
        assertThat(event.replayOf()).isEqualTo("e-0");
        assertThat(event.headers()).containsExactly(java.util.Map.entry("x-a", "1"), java.util.Map.entry("x-b", "2"));
        assertThat(event.workflowDefinition().get("actions").isArray()).isTrue();
        // Fields of the wrong type where a missing one is allowed read as missing, as they always did.
        ReceivedWebhook odd = reader.read(("{\"event_id\":\"e-1\",\"workflow_id\":\"w\",\"workflow_revision\":7,"
                        + "\"received_at\":\"2026-11-26T10:00:00Z\",\"replay_of\":null,\"headers\":null,\"payload\":null}")
                .getBytes(StandardCharsets.UTF_8));
        assertThat(odd.workflowRevision()).isNull();
        assertThat(odd.replayOf()).isNull();
        assertThat(odd.headers()).isEmpty();
        assertThat(odd.payload().isNull()).isTrue();
        assertThat(odd.payloadBytes()).isEqualTo("null".getBytes(StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "not json {",
                "{\"event_id\":\"e-1\",\"payload\":{",
                "{\"event_id\":\"e-1\" \"payload\":1}",
                "{\"event_id\":\"e-1\",\"payload\":[1,]}",
                "{\"payload\":tru}"
            })
    void anEnvelopeThatIsNotJsonCannotBeDispatched(String envelope) {
        assertThatThrownBy(() -> reader.read(envelope.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(UndispatchableEventException.class)
                .hasMessageStartingWith("Envelope is not valid JSON: ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  ", "[1]", "\"event\"", "42", "null"})
    void anEnvelopeThatIsNotAnObjectCannotBeDispatched(String envelope) {
        assertThatThrownBy(() -> reader.read(envelope.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(UndispatchableEventException.class)
                .hasMessage("Envelope is not a JSON object");
    }

    @Test
    void anEnvelopeWithoutItsFieldsCannotBeDispatched() {
        assertThatThrownBy(() -> reader.read("{\"event_id\":\"e-1\",\"workflow_id\":\"w\",\"received_at\":\"t\"}"
                        .getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(UndispatchableEventException.class)
                .hasMessage("Envelope e-1 has no \"payload\"");
        assertThatThrownBy(
                        () -> reader.read("{\"event_id\":1,\"workflow_id\":\"w\",\"received_at\":\"t\",\"payload\":{}}"
                                .getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(UndispatchableEventException.class)
                .hasMessage("Envelope has no \"event_id\" string");
        assertThatThrownBy(() -> reader.read(("{\"event_id\":\"e-1\",\"workflow_id\":\"w\",\"received_at\":\"t\","
                                + "\"payload\":{},\"headers\":{\"x\":1}}")
                        .getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(UndispatchableEventException.class)
                .hasMessage("Envelope e-1 has a header that is not a string");
        assertThatThrownBy(() -> reader.read(("{\"event_id\":\"e-1\",\"workflow_id\":\"w\",\"received_at\":\"t\","
                                + "\"payload\":{},\"workflow_definition\":[]}")
                        .getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(UndispatchableEventException.class)
                .hasMessageContaining("\"workflow_definition\" that is not an object");
    }
}
