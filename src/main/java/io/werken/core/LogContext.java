package io.werken.core;

import org.apache.camel.Exchange;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.MDC;

/**
 * The MDC keys that tie every log line about an event to it, on both paths: {@code trace_id} (its W3C trace) and
 * {@code event_id}. Set by the first steps that know them and removed on the thread that ran the route once it is done,
 * so a thread that moves on to the next webhook or event never logs with the last one's: on the ingest side by the
 * step that answers ({@link #clear} in the accepted, duplicate and problem responders: platform-http completes an
 * exchange on the event loop, not on the worker thread that ran the route), on the dispatch side when the exchange
 * completes (on the thread that carried it on once its confirms were in: ActionPublisher resumes the keys there
 * and clears them on the consumer's thread when it hands the batch off).
 */
public final class LogContext {

    public static final String TRACE_ID = "trace_id";
    public static final String EVENT_ID = "event_id";

    private static final SynchronizationAdapter CLEAR_ON_DONE = new SynchronizationAdapter() {
        @Override
        public void onDone(Exchange exchange) {
            clear();
        }
    };

    private LogContext() {}

    /** From now until {@code exchange} completes, this thread's log lines carry {@code trace}'s id (and no event id). */
    public static void begin(Exchange exchange, TraceContext trace) {
        MDC.remove(EVENT_ID);
        MDC.put(TRACE_ID, trace.traceId());
        exchange.getExchangeExtension().addOnCompletion(CLEAR_ON_DONE);
    }

    /** A route that resumes on another thread (or on a thread that served others meanwhile) logs with its ids again. */
    public static void resume(TraceContext trace, String eventId) {
        MDC.put(TRACE_ID, trace.traceId());
        event(eventId);
    }

    /** Removes both keys from this thread's MDC. */
    public static void clear() {
        MDC.remove(TRACE_ID);
        MDC.remove(EVENT_ID);
    }

    /** This thread's log lines carry {@code eventId} too, until the exchange completes. */
    public static void event(String eventId) {
        if (eventId == null) {
            MDC.remove(EVENT_ID);
        } else {
            MDC.put(EVENT_ID, eventId);
        }
    }
}
