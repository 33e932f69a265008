package io.werken.core;

import static io.werken.core.JsonFields.text;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Writes a {@link ReceivedWebhook} as the event envelope: its fields in the documented order, absent when null
 * ({@code headers} always), and the payload as its {@link ReceivedWebhook#payloadBytes()} spliced in unchanged when
 * the event has them (the body exactly as the sender wrote it), else written from the tree.
 * <p>
 * The bytes go straight into a byte generator's buffer ({@link JsonGenerator#writeRawValue(SerializableString)}): no
 * tree is walked and no string is made of them. The caller vouches that they are one JSON value: ingest takes them
 * from a body it has parsed, the journal from an envelope dispatch has parsed.
 */
public final class ReceivedWebhookSerializer extends StdSerializer<ReceivedWebhook> {

    public ReceivedWebhookSerializer() {
        super(ReceivedWebhook.class);
    }

    @Override
    public void serialize(ReceivedWebhook event, JsonGenerator gen, SerializerProvider provider) throws IOException {
        gen.writeStartObject(event);
        text(gen, "event_id", event.eventId());
        text(gen, "workflow_id", event.workflowId());
        text(gen, "workflow_revision", event.workflowRevision());
        text(gen, "received_at", event.receivedAt());
        text(gen, "replay_of", event.replayOf());
        JsonFields.headers(gen, "headers", event.headers());
        if (event.payloadBytes() != null) {
            gen.writeFieldName("payload");
            gen.writeRawValue(new RawJson(event.payloadBytes()));
        } else {
            tree(gen, provider, "payload", event.payload());
        }
        tree(gen, provider, "workflow_definition", event.workflowDefinition());
        gen.writeEndObject();
    }

    private static void tree(JsonGenerator gen, SerializerProvider provider, String name, JsonNode value)
            throws IOException {
        if (value != null) {
            gen.writeFieldName(name);
            provider.defaultSerializeValue(value, gen);
        }
    }

    /**
     * UTF-8 bytes of JSON written as they are. A byte generator copies them with the unquoted-UTF-8 methods; only a
     * character generator (writing to a String) asks for {@link #getValue()}.
     */
    static final class RawJson implements SerializableString {

        private final byte[] utf8;
        private String value;

        RawJson(byte[] utf8) {
            this.utf8 = utf8;
        }

        @Override
        public String getValue() {
            if (value == null) {
                value = new String(utf8, StandardCharsets.UTF_8);
            }
            return value;
        }

        @Override
        public int charLength() {
            return getValue().length();
        }

        @Override
        public byte[] asUnquotedUTF8() {
            return utf8;
        }

        @Override
        public int appendUnquotedUTF8(byte[] buffer, int offset) {
            if (offset + utf8.length > buffer.length) {
                return -1;
            }
            System.arraycopy(utf8, 0, buffer, offset, utf8.length);
            return utf8.length;
        }

        @Override
        public int writeUnquotedUTF8(OutputStream out) throws IOException {
            out.write(utf8);
            return utf8.length;
        }

        @Override
        public int putUnquotedUTF8(ByteBuffer buffer) {
            if (utf8.length > buffer.remaining()) {
                return -1;
            }
            buffer.put(utf8);
            return utf8.length;
        }

        @Override
        public int appendUnquoted(char[] buffer, int offset) {
            return new SerializedString(getValue()).appendUnquoted(buffer, offset);
        }

        // Quoting (as a JSON string) is never what raw JSON is written for; answered as a SerializedString would.

        @Override
        public char[] asQuotedChars() {
            return new SerializedString(getValue()).asQuotedChars();
        }

        @Override
        public byte[] asQuotedUTF8() {
            return new SerializedString(getValue()).asQuotedUTF8();
        }

        @Override
        public int appendQuotedUTF8(byte[] buffer, int offset) {
            return new SerializedString(getValue()).appendQuotedUTF8(buffer, offset);
        }

        @Override
        public int appendQuoted(char[] buffer, int offset) {
            return new SerializedString(getValue()).appendQuoted(buffer, offset);
        }

        @Override
        public int writeQuotedUTF8(OutputStream out) throws IOException {
            return new SerializedString(getValue()).writeQuotedUTF8(out);
        }

        @Override
        public int putQuotedUTF8(ByteBuffer buffer) throws IOException {
            return new SerializedString(getValue()).putQuotedUTF8(buffer);
        }

        @Override
        public String toString() {
            return getValue();
        }
    }
}
