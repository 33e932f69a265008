package io.werken.workflow;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Schema;
import io.werken.core.Sha256;
import io.werken.core.WerkenJson;
import io.werken.expression.Expression;
import io.werken.expression.ExpressionCompiler;
import io.werken.expression.ExpressionException;
import io.werken.expression.ParamsTemplate;
import io.werken.settings.ApplicationProperties;
import io.werken.verify.SignatureScheme;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The workflows Werken knows, loaded once from {@code workflows.json} and validated as a whole: first against
 * {@code workflows.schema.json}, then what a schema cannot say (CEL that compiles, secrets that resolve, queues that
 * are not Werken's own, payload schemas that are schemas). A file with any problem is refused with all of them, each
 * led by its JSON Pointer. One class over 300 lines because validating a file is one pass that collects every
 * problem: split by check, each part would need the whole file and the shared list of problems.
 */
public final class WorkflowCatalog {

    /** The schema every workflows file must meet, in the jar (and in the repository, for editors). */
    public static final String SCHEMA_RESOURCE = "workflows.schema.json";

    private static final String SCHEMA_KEY = "$schema";

    /** A revision is this many bytes of the file's SHA-256: 12 hex digits, short enough to read, long enough to differ. */
    private static final int REVISION_BYTES = 6;

    /** Werken's number handling (params reach workers exactly as written), strict about duplicates and trailing data. */
    private static final ObjectMapper STRICT = WerkenJson.builder(JsonFactory.builder()
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private static final Schema WORKFLOWS_SCHEMA = JsonSchemas.classpath(SCHEMA_RESOURCE);

    /**
     * What loading needs besides the file: how secrets resolve, the expression environment, and the queues an action
     * may not name (Werken's own).
     */
    public record Settings(SecretResolver secrets, ExpressionCompiler expressions, Set<String> reservedQueues) {

        public Settings {
            reservedQueues = Set.copyOf(reservedQueues);
        }

        /**
         * For Werken's {@code settings}: its comprehension limit, and its received queue and that queue's dead letters
         * reserved; secrets resolved by {@code secrets}.
         */
        public static Settings of(io.werken.settings.Settings settings, SecretResolver secrets) {
            return new Settings(
                    secrets, new ExpressionCompiler(settings.workflows().maxIterations()), reservedQueues(settings));
        }

        /** The queues no action may name: Werken's received queue and its dead letters. */
        public static Set<String> reservedQueues(io.werken.settings.Settings settings) {
            return Set.of(settings.queues().received(), settings.queues().receivedDeadLetters());
        }

        /** Secrets from the environment, and application.properties' defaults (comprehension limit, queue names). */
        public static Settings defaults() {
            return withSecrets(SecretResolver.fromEnvironment());
        }

        /** As {@link #defaults()}, resolving secrets with {@code secrets}. */
        public static Settings withSecrets(SecretResolver secrets) {
            return of(io.werken.settings.Settings.from(ApplicationProperties.standalone(name -> null)), secrets);
        }
    }

    private final String source;
    private final String revision;
    private final Instant loadedAt;
    private final Map<String, Workflow> workflows;
    private final byte[] content;

    private WorkflowCatalog(String source, String revision, Map<String, Workflow> workflows, byte[] content) {
        this.source = source;
        this.revision = revision;
        this.content = content;
        this.loadedAt = Instant.now();
        this.workflows = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(workflows));
    }

    /**
     * The revision of a workflows file: the first 12 hex digits of the SHA-256 of its bytes. The same file always has
     * the same revision, on every instance.
     */
    public static String revisionOf(byte[] content) {
        return HexFormat.of().formatHex(Sha256.digest(content), 0, REVISION_BYTES);
    }

    /** Reads and validates a workflows document; {@code source} names it in error messages. */
    public static WorkflowCatalog load(String source, InputStream json, Settings settings) {
        byte[] content;
        try {
            content = json.readAllBytes();
        } catch (IOException e) {
            throw new InvalidWorkflowsException("Cannot read workflows file " + source + ": " + e.getMessage(), e);
        }
        return load(source, content, settings);
    }

    /** Reads and validates the bytes of a workflows file; its revision is {@link #revisionOf} them. */
    public static WorkflowCatalog load(String source, byte[] content, Settings settings) {
        String revision = revisionOf(content);
        JsonNode root;
        try {
            root = STRICT.readTree(content);
        } catch (JsonProcessingException e) {
            throw new InvalidWorkflowsException(
                    source,
                    List.of("not valid JSON: " + e.getOriginalMessage() + " (line "
                            + e.getLocation().getLineNr() + ", column "
                            + e.getLocation().getColumnNr() + ")"));
        } catch (IOException e) {
            throw new InvalidWorkflowsException("Cannot read workflows file " + source + ": " + e.getMessage(), e);
        }
        if (root == null || root.isMissingNode()) {
            throw new InvalidWorkflowsException(source, List.of("the file is empty"));
        }
        List<String> problems = new ArrayList<>();
        List<JsonSchemas.Violation> violations = JsonSchemas.validate(WORKFLOWS_SCHEMA, root, Integer.MAX_VALUE);
        for (JsonSchemas.Violation violation : violations) {
            problems.add((violation.pointer().isEmpty() ? "/" : violation.pointer()) + ": " + violation.message());
        }
        if (!root.isObject()) {
            throw new InvalidWorkflowsException(source, problems);
        }
        Set<String> misshapen = new java.util.HashSet<>();
        violations.forEach(v -> misshapen.add(v.pointer()));
        Map<String, Workflow> workflows = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : root.properties()) {
            if (entry.getKey().equals(SCHEMA_KEY) || !entry.getValue().isObject()) {
                continue;
            }
            String pointer = "/" + ParamsTemplate.escape(entry.getKey());
            Workflow workflow = new WorkflowReader(
                            entry.getKey(),
                            pointer,
                            (ObjectNode) entry.getValue(),
                            revision,
                            settings,
                            misshapen,
                            problems)
                    .read();
            workflows.put(workflow.id(), workflow);
        }
        if (workflows.isEmpty() && problems.isEmpty()) {
            // "$schema" alone meets the schema's minProperties; a Werken with no workflow would refuse every webhook.
            problems.add("/: the file defines no workflow");
        }
        if (!problems.isEmpty()) {
            throw new InvalidWorkflowsException(source, problems);
        }
        return new WorkflowCatalog(source, revision, workflows, content.clone());
    }

    /**
     * Reads one workflow, adding what the schema cannot see to {@code problems}. A part the schema already found
     * misshapen ({@code misshapen} holds the pointers of its violations) is not read again, so that each problem is
     * reported once; every other part is, so that one typo does not hide the rest.
     */
    private record WorkflowReader(
            String id,
            String pointer,
            ObjectNode node,
            String revision,
            Settings settings,
            Set<String> misshapen,
            List<String> problems) {

        private boolean wellShaped(String at) {
            return misshapen.stream().noneMatch(p -> p.equals(at) || p.startsWith(at + "/"));
        }

        Workflow read() {
            JsonNode description = node.get("description");
            List<WorkflowAction> actions = new ArrayList<>();
            JsonNode list = node.get("actions");
            if (list != null && list.isArray()) {
                for (int i = 0; i < list.size(); i++) {
                    if (list.get(i).isObject()) {
                        actions.add(action(i, (ObjectNode) list.get(i)));
                    }
                }
            }
            SignatureScheme verify = null;
            if (node.hasNonNull("verify") && wellShaped(pointer + "/verify")) {
                try {
                    verify = VerifyConfig.parse(node.get("verify"), settings.secrets());
                } catch (IllegalArgumentException e) {
                    problems.add(pointer + "/verify: " + e.getMessage());
                }
            }
            DedupeRule dedupe = null;
            if (node.hasNonNull("dedupe") && wellShaped(pointer + "/dedupe")) {
                try {
                    dedupe = DedupeRule.parse(node.get("dedupe"));
                } catch (IllegalArgumentException e) {
                    problems.add(pointer + "/dedupe: " + e.getMessage());
                }
            }
            List<String> headers = new ArrayList<>();
            if (node.has("headers") && node.get("headers").isArray()) {
                for (int i = 0; i < node.get("headers").size(); i++) {
                    String header = node.get("headers").get(i).asText().toLowerCase(Locale.ROOT);
                    if (header.startsWith("camel")) {
                        problems.add(pointer + "/headers/" + i + ": Camel* headers never reach a route; "
                                + "they cannot be read");
                    }
                    headers.add(header);
                }
            }
            return new Workflow(
                    id,
                    description == null || !description.isTextual() ? "" : description.asText(),
                    actions,
                    verify,
                    dedupe,
                    headers,
                    payloadSchema(),
                    node,
                    revision);
        }

        private WorkflowAction action(int index, ObjectNode action) {
            String where = pointer + "/actions/" + index;
            JsonNode params = action.get("params");
            ObjectNode paramsObject =
                    params == null || !params.isObject() ? JsonNodeFactory.instance.objectNode() : (ObjectNode) params;
            List<ParamsTemplate.ParamsException> paramsProblems = new ArrayList<>();
            ParamsTemplate template = ParamsTemplate.compile(paramsObject, settings.expressions(), paramsProblems);
            paramsProblems.forEach(e -> problems.add(where + "/params" + e.pointer() + ": " + e.getMessage()));
            Expression when = null;
            if (action.has("when") && action.get("when").isTextual() && wellShaped(where + "/when")) {
                try {
                    when = settings.expressions()
                            .compileCondition(action.get("when").asText());
                } catch (ExpressionException e) {
                    problems.add(where + "/when: " + e.getMessage());
                }
            }
            String queue = action.has("queue") && action.get("queue").isTextual()
                    ? action.get("queue").asText()
                    : null;
            if (queue != null && queue.startsWith("amq.")) {
                problems.add(where + "/queue: '" + queue + "' starts with amq., which the broker reserves for itself");
            }
            if (queue != null && settings.reservedQueues().contains(queue)) {
                problems.add(where + "/queue: '" + queue + "' is one of Werken's own queues; name a queue of the "
                        + "action's workers");
            }
            String type = action.has("type") ? action.get("type").asText() : "";
            return new WorkflowAction(index, type, paramsObject, template, when, queue);
        }

        private PayloadSchema payloadSchema() {
            JsonNode schema = node.get("payload_schema");
            if (schema == null || !(schema.isObject() || schema.isBoolean())) {
                return null;
            }
            List<JsonSchemas.Violation> violations = JsonSchemas.checkSchema(schema);
            if (violations.isEmpty()) {
                violations = JsonSchemas.checkPatterns(schema);
            }
            if (!violations.isEmpty()) {
                violations.forEach(v -> problems.add(pointer + "/payload_schema" + v.pointer() + ": " + v.message()));
                return null;
            }
            try {
                Schema compiled = JsonSchemas.compile(schema);
                // Resolves every $ref now: one that cannot be (a missing #/$defs entry, a remote URL, which is never
                // fetched) refuses the file instead of failing each webhook later.
                compiled.initializeValidators();
                return new PayloadSchema(compiled);
            } catch (RuntimeException e) {
                problems.add(pointer + "/payload_schema: not a usable JSON Schema: " + e.getMessage());
                return null;
            }
        }
    }

    /** The file as written, whose revision this is (secrets only as their env:/file: references). */
    public byte[] content() {
        return content.clone();
    }

    public Optional<Workflow> find(String workflowId) {
        return workflowId == null ? Optional.empty() : Optional.ofNullable(workflows.get(workflowId));
    }

    /** Every workflow, in the file's order. */
    public Collection<Workflow> workflows() {
        return workflows.values();
    }

    /** Request headers the workflows' signature schemes read (the HTTP edge must let them through). */
    public Set<String> signatureHeaders() {
        Set<String> headers = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        workflows.values().stream()
                .filter(w -> w.verify() != null)
                .forEach(w -> headers.addAll(w.verify().headers()));
        return headers;
    }

    /** Request headers the workflows read into their events ({@code headers}), lower-case. */
    public Set<String> workflowHeaders() {
        Set<String> headers = new TreeSet<>();
        workflows.values().forEach(w -> headers.addAll(w.headers()));
        return headers;
    }

    /** The queues actions name besides the default actions queue. */
    public Set<String> actionQueues() {
        Set<String> queues = new TreeSet<>();
        workflows
                .values()
                .forEach(w -> w.actions().stream()
                        .map(WorkflowAction::queue)
                        .filter(q -> q != null)
                        .forEach(queues::add));
        return queues;
    }

    public int size() {
        return workflows.size();
    }

    public String source() {
        return source;
    }

    /** The file's revision ({@link #revisionOf} its bytes). */
    public String revision() {
        return revision;
    }

    /** When this catalog was loaded. */
    public Instant loadedAt() {
        return loadedAt;
    }
}
