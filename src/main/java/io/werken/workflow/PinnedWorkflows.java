package io.werken.workflow;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Workflows of earlier revisions, for events replayed on their original revision: such an event carries that
 * revision's definition of its workflow, which is compiled here (once per revision and workflow, the last
 * {@value #CAPACITY} kept) with the workflows' settings and used instead of the workflows in use. Only what dispatch
 * reads is compiled: the signature and dedupe rules, whose secrets may be gone by now, are left out.
 */
public final class PinnedWorkflows {

    static final int CAPACITY = 64;

    private final WorkflowCatalog.Settings settings;
    private final Map<String, Workflow> compiled = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Workflow> eldest) {
            return size() > CAPACITY;
        }
    };

    public PinnedWorkflows(WorkflowCatalog.Settings settings) {
        this.settings = settings;
    }

    /**
     * The workflow {@code definition} defines, as of {@code revision}; {@link InvalidWorkflowsException} if it does not
     * compile (with these settings).
     */
    public synchronized Workflow of(String workflowId, String revision, ObjectNode definition) {
        String key = revision + "\u0000" + workflowId + "\u0000" + definition.hashCode();
        Workflow workflow = compiled.get(key);
        if (workflow == null) {
            ObjectNode dispatchable = definition.deepCopy();
            dispatchable.remove("verify");
            dispatchable.remove("dedupe");
            ObjectNode file = JsonNodeFactory.instance.objectNode();
            file.set(workflowId, dispatchable);
            Workflow loaded = WorkflowCatalog.load(
                            "revision " + revision + " of workflow '" + workflowId + "'",
                            file.toString().getBytes(StandardCharsets.UTF_8),
                            settings)
                    .find(workflowId)
                    .orElseThrow();
            workflow = new Workflow(
                    loaded.id(),
                    loaded.description(),
                    loaded.actions(),
                    null,
                    null,
                    loaded.headers(),
                    loaded.payloadSchema(),
                    definition,
                    revision);
            compiled.put(key, workflow);
        }
        return workflow;
    }
}
