package io.werken.core;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.Map;

/**
 * The fields Werken's hand-written JSON writers share (the event envelope's {@link ReceivedWebhookSerializer} and the
 * journal's record codec): a string left out when null, and a map of headers as an object of strings.
 */
public final class JsonFields {

    private JsonFields() {}

    /** {@code "name": "value"}, or nothing when {@code value} is null. */
    public static void text(JsonGenerator gen, String name, String value) throws IOException {
        if (value != null) {
            gen.writeStringField(name, value);
        }
    }

    /** {@code "name": {"header": "value", ...}}, a null value as null. */
    public static void headers(JsonGenerator gen, String name, Map<String, String> headers) throws IOException {
        gen.writeObjectFieldStart(name);
        for (Map.Entry<String, String> header : headers.entrySet()) {
            gen.writeFieldName(header.getKey());
            if (header.getValue() == null) {
                gen.writeNull();
            } else {
                gen.writeString(header.getValue());
            }
        }
        gen.writeEndObject();
    }
}
