package io.werken.core;

/**
 * Every exchange property Werken sets, by name: who sets it and who reads it. Routes name them as
 * {@code ${exchangeProperty.werken...}}; Java code uses these constants and never spells a name out
 * ({@code StructureTest} checks both).
 */
public final class ExchangeProperties {

    /** The {@code Workflow} a webhook or event is for. Set by {@code WebhookRequestValidator} (ingest) and
     *  {@code WorkflowLookup} (dispatch); read by {@code DedupeKeys}, {@code DuplicateResponder},
     *  {@code ReceivedWebhookFactory} and {@code ActionMessageFactory}. */
    public static final String WORKFLOW = "werkenWorkflow";

    /** The idempotent consumer's key, {@code <workflow_id>:<sha-256 of the delivery's key>}, or absent for a
     *  delivery without one. Set by {@code DedupeKeys}; read by the ingest route (has-dedupe-key, accept-once), {@code DuplicateResponder}
     *  and {@code DedupeKeyConfirmer}. */
    public static final String DEDUPE_KEY = "werkenDedupeKey";

    /** The deterministic event id of a delivery with a dedupe key. Set by {@code DedupeKeys}; read by
     *  {@code ReceivedWebhookFactory} (the event's id) and {@code DuplicateResponder} (the id a repeat is answered with). */
    public static final String EVENT_ID = "werkenEventId";

    /** On ingest, the accepted body's JSON value exactly as sent (a {@code byte[]}: the body without a UTF-8 byte order
     *  mark or the whitespace around the value), which the event envelope carries as its payload. Set by
     *  {@code WebhookRequestValidator}; read by {@code ReceivedWebhookFactory}. */
    public static final String PAYLOAD_BYTES = "werkenPayloadBytes";

    /** The {@code ReceivedWebhook} this exchange is about. Set by {@code ReceivedWebhookFactory} (ingest), read by
     *  {@code EventPublisher}, {@code AcceptedResponder} (the 202) and {@code ProblemResponder} (the event id in its
     *  log line); set by {@code EventReader} (dispatch), read by {@code WorkflowLookup} and
     *  {@code ActionMessageFactory}. */
    public static final String EVENT = "werkenEvent";

    /** The AMQP {@code message_id} of the event being dispatched (its event id). Set by {@code EventReader}
     *  first; read by the dead-letter route's log lines and its dead-letter-still-failed message, {@code DeadLetterPublisher} and
     *  {@code DispatchRetryLogger}. */
    public static final String MESSAGE_ID = "werkenMessageId";

    /** The event's bytes exactly as consumed from {@code received_webhooks}. Set by {@code EventReader}
     *  first; read by {@code DeadLetterPublisher}, which dead-letters them unchanged. */
    public static final String ENVELOPE = "werkenEnvelope";

    /** The {@code TraceContext} of this hop: on ingest, the sender's trace with Werken's span (or a new trace), set
     *  by {@code TraceContextReader} and read by {@code EventPublisher}; on dispatch, the event's trace with the
     *  dispatch's span, set by {@code EventReader} and read by {@code ActionPublisher}. */
    public static final String TRACE = "werkenTrace";

    /** The {@code traceparent} header of the event being dispatched, as consumed. Set by {@code EventReader}
     *  first; read by {@code EventReader} and {@code DeadLetterPublisher} (a dead letter keeps it). */
    public static final String TRACEPARENT = "werkenTraceparent";

    /** On ingest, the {@code java.util.concurrent.Executor} that resumes the route on the request's event loop: set by
     *  the webhook consumer ({@code http/EventLoopWebhookConsumer}) when the route runs there, read by
     *  {@code EventPublisher}, which then does not block while the broker confirms. Absent on a worker thread. */
    public static final String RESUME_ON = "werkenResumeOn";

    /** On dispatch, what each action of the event's workflow came to (a list of {@code ActionPlanner.PlannedAction},
     *  every action of the definition when one failed): set by {@code ActionMessageFactory}, read by
     *  {@code ActionPublisher} and {@code DeadLetterPublisher} for the event's journal record. */
    public static final String PLANNED = "werkenPlanned";

    private ExchangeProperties() {}
}
