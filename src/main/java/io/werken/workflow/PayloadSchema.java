package io.werken.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Schema;
import java.util.List;

/**
 * A workflow's {@code payload_schema}, compiled once when the workflows are loaded: what a webhook body for it must
 * look like. The ingest route checks it after the signature and before the dedupe key (422 when it fails).
 */
public final class PayloadSchema {

    /** At most this many errors are reported for one body: a 1 MiB list of bad items gets a readable answer. */
    public static final int MAX_ERRORS = 20;

    /** One reason a body fails its schema: a JSON Pointer into the body and what is wrong there. */
    public record PayloadError(String pointer, String message) {}

    private final Schema schema;

    PayloadSchema(Schema schema) {
        this.schema = schema;
    }

    /** The errors of {@code payload} (at most {@link #MAX_ERRORS}); empty when it conforms. */
    public List<PayloadError> check(JsonNode payload) {
        try {
            return JsonSchemas.validate(schema, payload, MAX_ERRORS).stream()
                    .map(v -> new PayloadError(v.pointer(), v.message()))
                    .toList();
        } catch (NumberFormatException | ArithmeticException e) {
            // A backstop: a keyword of the schema library that takes a number through a double (as its multipleOf
            // did before ExactMultipleOf) meets the caller's number beyond that range: a 422, not a 500.
            return List.of(new PayloadError("", "a number in it is beyond the range the payload schema can check"));
        }
    }
}
