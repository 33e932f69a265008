package io.werken.workflow;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** One action of a workflow: what a worker must do ({@code type}) and with what ({@code params}). */
public record WorkflowAction(String type, ObjectNode params) {
}
