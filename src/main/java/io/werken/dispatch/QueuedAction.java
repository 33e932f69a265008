package io.werken.dispatch;

/** An action message and the queue it goes to (the action's {@code queue}, or {@code WERKEN_QUEUE_ACTIONS}). */
public record QueuedAction(String queue, ActionMessage message) {}
