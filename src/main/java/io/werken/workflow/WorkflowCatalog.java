package io.werken.workflow;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.werken.core.WerkenJson;
import io.werken.verify.SignatureScheme;

/**
 * The workflows Werken knows, loaded once from {@code workflows.json} and validated as a whole: a file with any
 * problem is refused with one message that names the file, the workflow and what is wrong.
 */
public final class WorkflowCatalog {

    /** Workflow ids travel in URL paths and AMQP messages: keep them to URL-safe characters. */
    static final Pattern WORKFLOW_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    /** Werken's number handling (params reach workers exactly as written), strict about duplicates and trailing data. */
    private static final ObjectMapper STRICT = WerkenJson
            .builder(JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private final String source;
    private final Map<String, Workflow> workflows;

    private WorkflowCatalog(String source, Map<String, Workflow> workflows) {
        this.source = source;
        this.workflows = Map.copyOf(workflows);
    }

    /** Reads and validates a workflows document; {@code source} names it in error messages. */
    public static WorkflowCatalog load(String source, InputStream json) {
        return load(source, json, SecretResolver.fromEnvironment());
    }

    /** As {@link #load(String, InputStream)}, resolving {@code verify} secrets with {@code secrets}. */
    public static WorkflowCatalog load(String source, InputStream json, SecretResolver secrets) {
        JsonNode root;
        try {
            root = STRICT.readTree(json);
        } catch (JsonProcessingException e) {
            throw invalid(source, "not valid JSON: " + e.getOriginalMessage()
                              + " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")");
        } catch (IOException e) {
            throw new InvalidWorkflowsException("Cannot read workflows file " + source + ": " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw invalid(source, "the top level must be a JSON object of workflows by id");
        }
        if (root.isEmpty()) {
            throw invalid(source, "it defines no workflow");
        }
        Map<String, Workflow> workflows = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : root.properties()) {
            workflows.put(entry.getKey(), parseWorkflow(source, entry.getKey(), entry.getValue(), secrets));
        }
        return new WorkflowCatalog(source, workflows);
    }

    private static Workflow parseWorkflow(String source, String id, JsonNode node, SecretResolver secrets) {
        if (!WORKFLOW_ID.matcher(id).matches()) {
            throw invalid(source, "workflow '" + id + "': the id must match " + WORKFLOW_ID.pattern());
        }
        if (!node.isObject()) {
            throw invalid(source, "workflow '" + id + "': must be an object with \"actions\"");
        }
        JsonNode description = node.get("description");
        if (description != null && !description.isTextual() && !description.isNull()) {
            throw invalid(source, "workflow '" + id + "': \"description\" must be a string");
        }
        JsonNode actions = node.get("actions");
        if (actions == null || !actions.isArray() || actions.isEmpty()) {
            throw invalid(source, "workflow '" + id + "': \"actions\" must be a non-empty array");
        }
        List<WorkflowAction> parsed = new ArrayList<>(actions.size());
        for (int i = 0; i < actions.size(); i++) {
            parsed.add(parseAction(source, id, i, actions.get(i)));
        }
        SignatureScheme verify = null;
        if (node.hasNonNull("verify")) {
            try {
                verify = VerifyConfig.parse(node.get("verify"), secrets);
            } catch (IllegalArgumentException e) {
                throw invalid(source, "workflow '" + id + "': \"verify\": " + e.getMessage());
            }
        }
        DedupeRule dedupe = null;
        if (node.hasNonNull("dedupe")) {
            try {
                dedupe = DedupeRule.parse(node.get("dedupe"));
            } catch (IllegalArgumentException e) {
                throw invalid(source, "workflow '" + id + "': \"dedupe\": " + e.getMessage());
            }
        }
        return new Workflow(id, description == null || description.isNull() ? "" : description.asText(), parsed,
                verify, dedupe);
    }

    private static WorkflowAction parseAction(String source, String workflowId, int index, JsonNode node) {
        String where = "workflow '" + workflowId + "', action " + index;
        if (!node.isObject()) {
            throw invalid(source, where + ": must be an object with \"type\"");
        }
        JsonNode type = node.get("type");
        if (type == null || !type.isTextual() || type.asText().isBlank()) {
            throw invalid(source, where + ": \"type\" is missing or not a non-empty string");
        }
        JsonNode params = node.get("params");
        if (params != null && !params.isNull() && !params.isObject()) {
            throw invalid(source, where + " ('" + type.asText() + "'): \"params\" must be an object");
        }
        ObjectNode paramsObject = params == null || params.isNull()
                ? JsonNodeFactory.instance.objectNode() : (ObjectNode) params;
        return new WorkflowAction(type.asText(), paramsObject);
    }

    private static InvalidWorkflowsException invalid(String source, String problem) {
        return new InvalidWorkflowsException("Invalid workflows file " + source + ": " + problem);
    }

    public Optional<Workflow> find(String workflowId) {
        return workflowId == null ? Optional.empty() : Optional.ofNullable(workflows.get(workflowId));
    }

    /** Request headers the workflows' signature schemes read (the HTTP edge must let them through). */
    public Set<String> signatureHeaders() {
        Set<String> headers = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        workflows.values().stream().filter(w -> w.verify() != null).forEach(w -> headers.addAll(w.verify().headers()));
        return headers;
    }

    public int size() {
        return workflows.size();
    }

    public String source() {
        return source;
    }
}
