package io.werken.journal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.POJONode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.werken.core.JsonFields;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes and reads an event's {@link JournalRecord} as the message body on the journal queue, by hand with Jackson's
 * streaming generator and parser: the same JSON as Jackson's data binding writes for the record's annotations (snake
 * case fields in the documented order, nulls left out, the payload in base64), so records queued by an earlier Werken
 * are read, and an earlier Werken reads these. Per record this saves the data binding's reflection and its trees: the
 * params are written from their trees straight into the generator, and read back as the exact bytes of their JSON
 * value ({@link #rawParams}), which is what the journal's database stores.
 */
final class JournalRecordCodec {

    private JournalRecordCodec() {}

    /** The record as JSON bytes; {@code factory} must have its mapper as codec (a mapper's own factory has). */
    static byte[] write(JsonFactory factory, JournalRecord record) throws IOException {
        int size = 512 + (record.payload() == null ? 0 : record.payload().length * 4 / 3);
        ByteArrayBuilder out = new ByteArrayBuilder(size);
        try (JsonGenerator gen = factory.createGenerator(out)) {
            gen.writeStartObject();
            JsonFields.text(gen, "event_id", record.eventId());
            JsonFields.text(gen, "workflow_id", record.workflowId());
            JsonFields.text(gen, "workflow_revision", record.workflowRevision());
            JsonFields.text(gen, "received_at", record.receivedAt());
            JsonFields.text(gen, "dispatched_at", record.dispatchedAt());
            JsonFields.text(gen, "outcome", record.outcome());
            JsonFields.text(gen, "reason", record.reason());
            JsonFields.text(gen, "replay_of", record.replayOf());
            JsonFields.text(gen, "traceparent", record.traceparent());
            JsonFields.text(gen, "journal", record.journal());
            if (record.payload() != null) {
                gen.writeFieldName("payload");
                gen.writeBinary(record.payload());
            }
            if (record.headers() != null) {
                JsonFields.headers(gen, "headers", record.headers());
            }
            gen.writeArrayFieldStart("actions");
            for (JournalAction action : record.actions()) {
                gen.writeStartObject();
                gen.writeNumberField("index", action.index());
                JsonFields.text(gen, "type", action.type());
                JsonFields.text(gen, "queue", action.queue());
                JsonFields.text(gen, "outcome", action.outcome());
                JsonFields.text(gen, "reason", action.reason());
                if (action.params() != null) {
                    gen.writeFieldName("params");
                    JsonNode params = action.params();
                    if (params instanceof POJONode pojo && pojo.getPojo() instanceof RawValue raw) {
                        raw.serialize(gen, null);
                    } else {
                        gen.writeTree(params);
                    }
                }
                gen.writeEndObject();
            }
            gen.writeEndArray();
            gen.writeEndObject();
        }
        return out.toByteArray();
    }

    /**
     * The record in {@code body}, as {@link #write} or Jackson's data binding wrote it. The params of its actions are
     * {@link #rawParams raw}; fields it does not know are skipped.
     *
     * @throws IOException {@code body} is no JSON object, or a field has a value of the wrong kind
     */
    static JournalRecord read(JsonFactory factory, byte[] body) throws IOException {
        try (JsonParser parser = factory.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("a journal record is a JSON object");
            }
            return record(parser, body);
        }
    }

    /** Several records in one message body: a JSON array of the records, each as {@link #write} wrote it. */
    static byte[] pack(List<byte[]> records) {
        int size = 2 + Math.max(0, records.size() - 1);
        for (byte[] record : records) {
            size += record.length;
        }
        byte[] pack = new byte[size];
        int at = 0;
        pack[at++] = '[';
        for (byte[] record : records) {
            if (at > 1) {
                pack[at++] = ',';
            }
            System.arraycopy(record, 0, pack, at, record.length);
            at += record.length;
        }
        pack[at] = ']';
        return pack;
    }

    /**
     * The records in {@code body}, as {@link #pack} packed them.
     *
     * @throws IOException {@code body} is no JSON array of records
     */
    static List<JournalRecord> readPack(JsonFactory factory, byte[] body) throws IOException {
        try (JsonParser parser = factory.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                throw new IOException("a pack of journal records is a JSON array");
            }
            List<JournalRecord> records = new ArrayList<>();
            JsonToken token;
            while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
                if (token != JsonToken.START_OBJECT) {
                    throw new IOException("a journal record is a JSON object");
                }
                records.add(record(parser, body));
            }
            return records;
        }
    }

    /** The record whose object {@code parser} is at the start of; the params' offsets are in {@code body}. */
    private static JournalRecord record(JsonParser parser, byte[] body) throws IOException {
        String eventId = null;
        String workflowId = null;
        String workflowRevision = null;
        String receivedAt = null;
        String dispatchedAt = null;
        String outcome = null;
        String reason = null;
        String replayOf = null;
        String traceparent = null;
        String journal = null;
        byte[] payload = null;
        Map<String, String> headers = null;
        List<JournalAction> actions = null;
        String field;
        while ((field = parser.nextFieldName()) != null) {
            JsonToken token = parser.nextToken();
            switch (field) {
                case "event_id" -> eventId = text(parser, field);
                case "workflow_id" -> workflowId = text(parser, field);
                case "workflow_revision" -> workflowRevision = text(parser, field);
                case "received_at" -> receivedAt = text(parser, field);
                case "dispatched_at" -> dispatchedAt = text(parser, field);
                case "outcome" -> outcome = text(parser, field);
                case "reason" -> reason = text(parser, field);
                case "replay_of" -> replayOf = text(parser, field);
                case "traceparent" -> traceparent = text(parser, field);
                case "journal" -> journal = text(parser, field);
                case "payload" -> payload = token == JsonToken.VALUE_NULL ? null : binary(parser);
                case "headers" -> headers = headers(parser);
                case "actions" -> actions = actions(parser, body);
                default -> parser.skipChildren();
            }
        }
        if (parser.currentToken() != JsonToken.END_OBJECT) {
            throw new IOException("a journal record ends with its object");
        }
        return new JournalRecord(
                eventId,
                workflowId,
                workflowRevision,
                receivedAt,
                dispatchedAt,
                outcome,
                reason,
                replayOf,
                traceparent,
                journal,
                payload,
                headers,
                actions);
    }

    /** Params as the JSON text they were read as: a tree that writes this text unchanged (see {@link #paramsJson}). */
    static JsonNode rawParams(String json) {
        return new POJONode(new RawValue(json));
    }

    /** The JSON text of {@code params}: the text itself for {@link #rawParams}, else the tree written. */
    static String paramsJson(JsonNode params, ObjectMapper json) throws IOException {
        if (params == null) {
            return null;
        }
        if (params instanceof POJONode pojo
                && pojo.getPojo() instanceof RawValue raw
                && raw.rawValue() instanceof String s) {
            return s;
        }
        return json.writeValueAsString(params);
    }

    private static String text(JsonParser parser, String field) throws IOException {
        JsonToken token = parser.currentToken();
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        if (token == JsonToken.VALUE_STRING || token.isScalarValue()) {
            return parser.getText();
        }
        throw new IOException(field + " is not a string");
    }

    private static byte[] binary(JsonParser parser) throws IOException {
        if (parser.currentToken() != JsonToken.VALUE_STRING) {
            throw new IOException("payload is not base64");
        }
        return parser.getBinaryValue();
    }

    private static Map<String, String> headers(JsonParser parser) throws IOException {
        JsonToken token = parser.currentToken();
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        if (token != JsonToken.START_OBJECT) {
            throw new IOException("headers is not an object");
        }
        Map<String, String> headers = new TreeMap<>();
        String name;
        while ((name = parser.nextFieldName()) != null) {
            parser.nextToken();
            headers.put(name, text(parser, "a header"));
        }
        return headers;
    }

    private static List<JournalAction> actions(JsonParser parser, byte[] body) throws IOException {
        JsonToken token = parser.currentToken();
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        if (token != JsonToken.START_ARRAY) {
            throw new IOException("actions is not an array");
        }
        List<JournalAction> actions = new ArrayList<>(4);
        while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
            if (token != JsonToken.START_OBJECT) {
                throw new IOException("an action is not an object");
            }
            actions.add(action(parser, body));
        }
        return actions;
    }

    private static JournalAction action(JsonParser parser, byte[] body) throws IOException {
        int index = 0;
        String type = null;
        String queue = null;
        String outcome = null;
        String reason = null;
        JsonNode params = null;
        String field;
        while ((field = parser.nextFieldName()) != null) {
            JsonToken token = parser.nextToken();
            switch (field) {
                case "index" -> {
                    if (token != JsonToken.VALUE_NUMBER_INT) {
                        throw new IOException("an action's index is not a whole number");
                    }
                    index = parser.getIntValue();
                }
                case "type" -> type = text(parser, field);
                case "queue" -> queue = text(parser, field);
                case "outcome" -> outcome = text(parser, field);
                case "reason" -> reason = text(parser, field);
                case "params" -> params = token == JsonToken.VALUE_NULL ? null : params(parser, body);
                default -> parser.skipChildren();
            }
        }
        return new JournalAction(index, type, queue, outcome, reason, params);
    }

    /**
     * The params' JSON value as the bytes it was written as: an object or array is taken from its first byte to its
     * last, without building a tree; a scalar (which params never are today) is read and written again.
     */
    private static JsonNode params(JsonParser parser, byte[] body) throws IOException {
        JsonToken token = parser.currentToken();
        if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
            long start = parser.currentTokenLocation().getByteOffset();
            parser.skipChildren();
            long end = parser.currentTokenLocation().getByteOffset() + 1;
            if (start >= 0 && end <= body.length && start < end) {
                return rawParams(new String(body, (int) start, (int) (end - start), StandardCharsets.UTF_8));
            }
            throw new IOException("the params' place in the record is unknown");
        }
        JsonNode scalar = parser.readValueAsTree();
        return scalar == null ? null : rawParams(scalar.toString());
    }
}
