package io.werken.journal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.werken.broker.AmqpMessages;
import io.werken.broker.MessagePublisher.Outbound;
import io.werken.core.IsoMillis;
import io.werken.core.ReceivedWebhook;
import io.werken.workflow.ActionPlanner.Outcome;
import io.werken.workflow.ActionPlanner.PlannedAction;
import io.werken.workflow.Workflow;
import io.werken.workflow.WorkflowAction;
import io.werken.workflow.WorkflowCatalog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;
import org.springframework.amqp.core.Message;

/**
 * Makes the journal's records, and each as a message for the journal queue, for dispatch to hand to the
 * {@link JournalPacker} (which writes the records straight to PostgreSQL, or publishes the messages) or to publish in
 * the same confirmed batch as a dead letter, and to have committed or confirmed before it acknowledges the event: a
 * record is then durable before its event is acknowledged, whatever the journal's database is doing. {@link #off()}
 * makes none.
 */
public final class JournalRecords {

    /** The AMQP {@code type} of an event's record. */
    public static final String EVENT_TYPE = "werken.journal.event";
    /** The AMQP {@code type} of a message of several events' records ({@link JournalPacker}). */
    public static final String PACK_TYPE = "werken.journal.events";
    /** The AMQP {@code type} of a workflows revision's record. */
    public static final String REVISION_TYPE = "werken.journal.revision";

    private final ObjectMapper json;
    private final Clock clock;
    private final String queue;
    private final String actionsQueue;

    public JournalRecords(ObjectMapper json, Clock clock, String queue, String actionsQueue) {
        this.json = json;
        this.clock = clock;
        this.queue = queue;
        this.actionsQueue = actionsQueue;
    }

    /** Records nothing: the journal is off. */
    public static JournalRecords off() {
        return new JournalRecords(null, null, null, null);
    }

    public boolean on() {
        return queue != null;
    }

    /**
     * An event's record, and the same as a message for the journal queue: the {@link JournalPacker} writes the record
     * straight to the database, or publishes the message. The message is written when first asked for: on PostgreSQL a
     * record usually goes straight to the database, and its message is then never needed.
     */
    public static final class Entry {

        private final JournalRecord record;
        private final Function<JournalRecord, Outbound> writer;
        private volatile Outbound message;

        /** {@code record}, whose message {@code writer} writes when it is first asked for. */
        public Entry(JournalRecord record, Function<JournalRecord, Outbound> writer) {
            this.record = record;
            this.writer = writer;
        }

        public JournalRecord record() {
            return record;
        }

        /** The record as a message for the journal queue, written on the first call (by whichever thread makes it). */
        public Outbound message() {
            Outbound written = message;
            if (written == null) {
                written = writer.apply(record);
                message = written;
            }
            return written;
        }

        /**
         * The message's size in bytes once it is written; until then an estimate that counts the payload (in base64)
         * and the headers, which make most of a record, but not the params.
         */
        public int size() {
            Outbound written = message;
            return written != null ? written.message().getBody().length : estimatedSize(record);
        }
    }

    /** The fields every record has (ids, times, outcome, trace context) and its actions' own, in bytes of JSON. */
    private static final int FIXED_BYTES = 320;

    private static final int ACTION_BYTES = 96;

    static int estimatedSize(JournalRecord record) {
        long size = FIXED_BYTES + (long) record.actions().size() * ACTION_BYTES;
        if (record.payload() != null) {
            size += (record.payload().length + 2L) / 3 * 4;
        }
        if (record.headers() != null) {
            for (Map.Entry<String, String> header : record.headers().entrySet()) {
                size += header.getKey().length()
                        + (header.getValue() == null ? 4 : header.getValue().length())
                        + 6;
            }
        }
        return (int) Math.min(Integer.MAX_VALUE, size);
    }

    /**
     * The record of an event whose actions ({@code planned}, every action of the definition) are being published; null
     * when the journal or the workflow's {@code journal} is off.
     */
    public Entry dispatched(ReceivedWebhook event, Workflow workflow, List<PlannedAction> planned, String traceparent) {
        if (!on() || JournalRecord.OFF.equals(workflow.journal())) {
            return null;
        }
        boolean full = !JournalRecord.METADATA.equals(workflow.journal());
        List<JournalAction> actions = new ArrayList<>(planned.size());
        for (PlannedAction action : planned) {
            WorkflowAction definition = action.action();
            String outcome = switch (action.outcome()) {
                case PUBLISH -> JournalAction.PUBLISHED;
                case SKIPPED -> JournalAction.SKIPPED;
                case FAILED -> JournalAction.FAILED;
            };
            actions.add(new JournalAction(
                    definition.index(),
                    definition.type(),
                    definition.queueOr(actionsQueue),
                    outcome,
                    action.outcome() == Outcome.FAILED ? action.reason() : null,
                    full && action.outcome() == Outcome.PUBLISH ? action.params() : null));
        }
        JournalRecord record =
                record(event, workflow.revision(), full, JournalRecord.DISPATCHED, null, traceparent, actions);
        return new Entry(record, this::message);
    }

    /**
     * The record of an event being dead-lettered for {@code reason}: {@code workflow} and {@code planned} as far as
     * dispatch got (either may be null). Each action that failed says why; the others, which were not published
     * either, say that the event was dead-lettered. Null when the journal or the workflow's {@code journal} is off.
     */
    public Outbound deadLettered(
            ReceivedWebhook event, Workflow workflow, List<PlannedAction> planned, String traceparent, String reason) {
        if (!on() || workflow != null && JournalRecord.OFF.equals(workflow.journal())) {
            return null;
        }
        boolean full = workflow == null || !JournalRecord.METADATA.equals(workflow.journal());
        List<JournalAction> actions = new ArrayList<>();
        if (workflow != null) {
            for (WorkflowAction definition : workflow.actions()) {
                PlannedAction action = planned == null || definition.index() >= planned.size()
                        ? null
                        : planned.get(definition.index());
                String outcome = action != null && action.outcome() == Outcome.SKIPPED
                        ? JournalAction.SKIPPED
                        : JournalAction.FAILED;
                String why = action != null && action.outcome() == Outcome.FAILED
                        ? action.reason()
                        : outcome.equals(JournalAction.SKIPPED) ? null : "not published: the event was dead-lettered";
                actions.add(new JournalAction(
                        definition.index(), definition.type(), definition.queueOr(actionsQueue), outcome, why, null));
            }
        }
        return message(record(
                event,
                workflow == null ? event.workflowRevision() : workflow.revision(),
                full,
                JournalRecord.DEAD_LETTERED,
                reason,
                traceparent,
                actions));
    }

    /** The record of the workflows revision {@code catalog} was loaded from, the file as written. */
    public Outbound revision(WorkflowCatalog catalog) {
        WorkflowRevision revision = new WorkflowRevision(
                catalog.revision(),
                DateTimeFormatter.ISO_INSTANT.format(catalog.loadedAt().truncatedTo(ChronoUnit.MILLIS)),
                new String(catalog.content(), StandardCharsets.UTF_8));
        try {
            return new Outbound(
                    queue,
                    AmqpMessages.persistentJson(
                            json.writeValueAsBytes(revision), "revision-" + catalog.revision(), REVISION_TYPE, clock));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write the journal record of revision " + catalog.revision(), e);
        }
    }

    private JournalRecord record(
            ReceivedWebhook event,
            String revision,
            boolean full,
            String outcome,
            String reason,
            String traceparent,
            List<JournalAction> actions) {
        byte[] payload = null;
        Map<String, String> headers = null;
        if (full) {
            payload = event.payloadBytes() != null ? event.payloadBytes() : bytes(event.payload());
            headers = event.headers() instanceof SortedMap<String, String> sorted && sorted.comparator() == null
                    ? sorted
                    : new TreeMap<>(event.headers());
        }
        return new JournalRecord(
                event.eventId(),
                event.workflowId(),
                revision,
                event.receivedAt(),
                IsoMillis.format(clock.millis()),
                outcome,
                reason,
                event.replayOf(),
                traceparent,
                full ? JournalRecord.FULL : JournalRecord.METADATA,
                payload,
                headers,
                actions);
    }

    private byte[] bytes(JsonNode payload) {
        try {
            return json.writeValueAsBytes(payload);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write a payload the envelope carried", e);
        }
    }

    private Outbound message(JournalRecord record) {
        try {
            Message message = AmqpMessages.persistentJson(
                    JournalRecordCodec.write(json.getFactory(), record),
                    "journal-" + record.eventId(),
                    EVENT_TYPE,
                    clock);
            message.getMessageProperties().setCorrelationId(record.eventId());
            return new Outbound(queue, message);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot write the journal record of event " + record.eventId(), e);
        }
    }
}
