package io.werken.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.Dialects;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The JSON Schemas in Werken's contracts, ready to check real answers and messages against: those of the OpenAPI
 * document (JSON Schema 2020-12) and of {@code docs/asyncapi.yaml} (AsyncAPI's schema, a superset of draft-07). A
 * schema is checked inside its own document, so that its {@code $ref}s to {@code #/components/...} resolve there.
 */
final class ContractSchemas {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final JsonNode document;
    private final SchemaRegistry registry;

    private ContractSchemas(JsonNode document, Dialect dialect) {
        this.document = document;
        this.registry = SchemaRegistry.withDefaultDialect(
                dialect, builder -> builder.schemaLoader(loader -> loader.fetchRemoteResources(false)));
    }

    /** The OpenAPI document as Werken serves it. */
    static ContractSchemas openApi(String json) throws IOException {
        return new ContractSchemas(JSON.readTree(json), Dialects.getDraft202012());
    }

    /** {@code docs/asyncapi.yaml}. */
    static ContractSchemas asyncApi(Path yaml) throws IOException {
        try (InputStream in = Files.newInputStream(yaml)) {
            return new ContractSchemas(
                    JSON.valueToTree(new Load(LoadSettings.builder().build()).loadFromInputStream(in)),
                    Dialects.getDraft7());
        }
    }

    JsonNode document() {
        return document;
    }

    /** The schema of an answer: {@code paths/<path>/<method>/responses/<status>/content/<mediaType>/schema}. */
    Schema response(String path, String method, int status, String mediaType) {
        JsonNode response = resolve(
                document.path("paths").path(path).path(method).path("responses").path(Integer.toString(status)));
        JsonNode schema = response.path("content").path(mediaType).path("schema");
        if (schema.isMissingNode()) {
            throw new IllegalArgumentException(
                    "The OpenAPI document has no " + mediaType + " schema for " + method + " " + path + " " + status);
        }
        return inDocument(schema);
    }

    /** A message's payload schema: {@code components/messages/<message>/payload}. */
    Schema payload(String message) {
        return messagePart(message, "payload");
    }

    /** A message's headers schema: {@code components/messages/<message>/headers}. */
    Schema headers(String message) {
        return messagePart(message, "headers");
    }

    private Schema messagePart(String message, String part) {
        JsonNode schema =
                document.path("components").path("messages").path(message).path(part);
        if (schema.isMissingNode()) {
            throw new IllegalArgumentException("The AsyncAPI document has no " + part + " for message " + message);
        }
        return inDocument(schema);
    }

    private JsonNode resolve(JsonNode node) {
        JsonNode ref = node.get("$ref");
        return ref == null ? node : resolve(document.at(ref.asText().substring(1)));
    }

    /** {@code schema} with the document's components beside it, where its {@code $ref}s point. */
    private Schema inDocument(JsonNode schema) {
        ObjectNode root = JSON.createObjectNode();
        root.set("allOf", JSON.createArrayNode().add(schema));
        root.set("components", document.path("components"));
        return registry.getSchema(root);
    }

    /** What is wrong with {@code instance} by {@code schema}: one line per error, empty when it conforms. */
    static List<String> errors(Schema schema, JsonNode instance) {
        List<String> errors = new ArrayList<>();
        for (Error error : schema.validate(instance)) {
            errors.add(error.getInstanceLocation() + ": " + error.getMessage());
        }
        return errors;
    }
}
