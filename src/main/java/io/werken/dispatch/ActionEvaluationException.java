package io.werken.dispatch;

/**
 * An action's condition or params could not be evaluated for an event (a missing key, a wrong type, a limit hit): no
 * retry can change that, so the event is dead-lettered with this reason and none of its actions is published.
 */
public class ActionEvaluationException extends UndispatchableEventException {

    public ActionEvaluationException(String eventId, String reason) {
        super(DeadLetterReason.ACTION_EVALUATION_FAILED, "Event " + eventId + " not dispatched: " + reason);
    }
}
