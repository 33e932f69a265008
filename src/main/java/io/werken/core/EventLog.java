package io.werken.core;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event log: one INFO line per accepted webhook ({@code accepted workflow=mi-workflow}) and one per dispatched
 * event ({@code dispatched workflow=mi-workflow actions=2}), on the logger {@value #LOGGER}, with the event's
 * {@code trace_id} and {@code event_id} from {@link LogContext}. Switched off with {@code WERKEN_EVENT_LOG=off} (or
 * that logger's level in log4j2.properties); a dead-lettered event is logged at WARN by the dead-letter route, whatever
 * this logger's level.
 */
public final class EventLog {

    /** The logger's name, for log4j2.properties and the docs. */
    public static final String LOGGER = "io.werken.events";

    private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

    private EventLog() {}

    /** A webhook of {@code workflowId} whose event the broker has confirmed (answered 202). */
    public static void accepted(String workflowId) {
        LOG.info("accepted workflow={}", workflowId);
    }

    /** An event of {@code workflowId} whose {@code actions} action messages the broker has confirmed (0: all skipped). */
    public static void dispatched(String workflowId, int actions) {
        // Guarded: off, the line costs a level check, not an Integer.
        if (LOG.isInfoEnabled()) {
            LOG.info("dispatched workflow={} actions={}", workflowId, actions);
        }
    }
}
