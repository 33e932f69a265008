package io.werken.dispatch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.werken.broker.AmqpMessages;
import io.werken.broker.MessagePublisher;
import io.werken.broker.MessagePublisher.Outbound;
import io.werken.core.EventLog;
import io.werken.core.ExchangeProperties;
import io.werken.core.IsoMillis;
import io.werken.core.LogContext;
import io.werken.core.ReceivedWebhook;
import io.werken.core.TraceContext;
import io.werken.journal.JournalDirectWriter;
import io.werken.journal.JournalPacker;
import io.werken.journal.JournalRecords;
import io.werken.metrics.WerkenMetrics;
import io.werken.workflow.ActionPlanner.PlannedAction;
import io.werken.workflow.Workflow;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import org.apache.camel.AsyncCallback;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.Exchange;
import org.springframework.amqp.core.Message;

/**
 * Publishes an event's action messages (the body, a list of {@link QueuedAction}), each to its queue, as one batch in
 * order, and returns only once the broker has confirmed every one: the event is acknowledged after. Each is persistent
 * JSON with {@code message_id} = {@code action_id}, {@code correlation_id} = {@code event_id}, {@code type} = the
 * action's type, and the AMQP header {@code traceparent} (the event's trace, with the dispatch's span). An event whose
 * conditions skipped every action publishes no action and is acknowledged. Once confirmed, each action counts in the
 * metrics, and so does the time since the webhook was accepted; the event gets its {@link EventLog} line. The event's
 * journal record ({@link JournalRecords}) goes to the {@link JournalPacker}, with the records of the other events
 * dispatched meanwhile, and the event waits for its confirm too, so an event whose conditions skipped every action
 * still publishes that.
 * <p>
 * Called asynchronously (the dispatch consumer's {@code asyncConsumer}), it hands the batch to the publisher and
 * returns at once: the consumer's thread takes its next event, and the exchange goes on, acknowledged or failed, once
 * the confirms are in, on one of a small pool of Camel's threads (never the AMQP connection's, which delivers the
 * confirms and must not wait for anything). The delivery's {@link AckWindow} decides when the broker hears of it.
 */
public final class ActionPublisher implements AsyncProcessor {

    /** Threads that carry an exchange on once its confirms are in: little work each, the waiting is the broker's. */
    private static final int CONFIRMED_THREADS = 2;

    private final MessagePublisher publisher;
    private final ObjectMapper json;
    private final Clock clock;
    private final WerkenMetrics metrics;
    private final JournalRecords journal;
    private final JournalPacker journalPacker;
    private volatile ExecutorService confirmedThreads;

    /**
     * @param journalDirect writes records straight to the journal's database; null: they go through the journal
     *     queue
     * @param journalLinger how long an event's record waits for others to share its pack ({@link JournalPacker})
     */
    public ActionPublisher(
            MessagePublisher publisher,
            ObjectMapper json,
            Clock clock,
            WerkenMetrics metrics,
            JournalRecords journal,
            JournalDirectWriter journalDirect,
            Duration journalLinger) {
        this.publisher = publisher;
        this.json = json;
        this.clock = clock;
        this.metrics = metrics;
        this.journal = journal;
        // Only with the journal on: off, no record is made, and no meter of the packer's is shown.
        this.journalPacker = journal.on()
                ? new JournalPacker(publisher, journalDirect, clock, metrics.registry(), journalLinger)
                : null;
    }

    @Override
    public void process(Exchange exchange) throws JsonProcessingException {
        Batch batch = batch(exchange);
        CompletableFuture<Void> record = batch.record() == null ? null : journalPacker.publish(batch.record());
        if (!batch.messages().isEmpty()) {
            publisher.publishAll(batch.messages());
        }
        if (record != null) {
            try {
                record.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException cause ? cause : e;
            }
        }
        published(batch);
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        Batch batch;
        try {
            batch = batch(exchange);
        } catch (JsonProcessingException | RuntimeException e) {
            exchange.setException(e);
            callback.done(true);
            return true;
        }
        CompletableFuture<Void> confirms;
        try {
            if (batch.messages().isEmpty() && batch.record() == null) {
                published(batch);
                callback.done(true);
                return true;
            }
            CompletableFuture<Void> actions = batch.messages().isEmpty()
                    ? CompletableFuture.completedFuture(null)
                    : publisher.publishAllAsync(batch.messages());
            confirms = batch.record() == null
                    ? actions
                    : CompletableFuture.allOf(actions, journalPacker.publish(batch.record()));
        } catch (RuntimeException e) {
            exchange.setException(e);
            callback.done(true);
            return true;
        }
        ExecutorService threads = confirmedThreads(exchange);
        TraceContext trace = exchange.getProperty(ExchangeProperties.TRACE, TraceContext.class);
        confirms.whenComplete((ignored, failure) -> {
            Runnable carryOn = () -> {
                // This thread logs for the event until the exchange completes (LogContext clears it then).
                if (trace != null && batch.event() != null) {
                    LogContext.resume(trace, batch.event().eventId());
                }
                if (failure == null) {
                    try {
                        published(batch);
                    } catch (RuntimeException e) {
                        exchange.setException(e);
                    }
                } else {
                    exchange.setException(
                            failure instanceof CompletionException && failure.getCause() != null
                                    ? failure.getCause()
                                    : failure);
                }
                callback.done(false);
            };
            try {
                threads.execute(carryOn);
            } catch (RejectedExecutionException e) {
                // Camel is stopping and the pool with it: finish here rather than leave the exchange in flight.
                carryOn.run();
            }
        });
        // The consumer's thread takes its next event: it no longer logs for this one.
        LogContext.clear();
        return false;
    }

    @Override
    public CompletableFuture<Exchange> processAsync(Exchange exchange) {
        CompletableFuture<Exchange> done = new CompletableFuture<>();
        process(exchange, doneSync -> done.complete(exchange));
        return done;
    }

    /** The event's action messages, in order, its journal record, and what to count once they are confirmed. */
    private Batch batch(Exchange exchange) throws JsonProcessingException {
        List<?> actions = exchange.getMessage().getBody(List.class);
        ReceivedWebhook event = exchange.getProperty(ExchangeProperties.EVENT, ReceivedWebhook.class);
        // The journal's record is durable too before the event is acknowledged: committed, or confirmed by the broker.
        JournalRecords.Entry record = journal.on()
                ? journal.dispatched(
                        event,
                        exchange.getProperty(ExchangeProperties.WORKFLOW, Workflow.class),
                        planned(exchange),
                        exchange.getProperty(ExchangeProperties.TRACEPARENT, String.class))
                : null;
        if (actions.isEmpty()) {
            return new Batch(event, actions, List.of(), record);
        }
        String traceparent = exchange.getProperty(ExchangeProperties.TRACE, TraceContext.class)
                .traceparent();
        Outbound[] messages = new Outbound[actions.size()];
        for (int i = 0; i < actions.size(); i++) {
            QueuedAction queued = (QueuedAction) actions.get(i);
            ActionMessage action = queued.message();
            Message message = AmqpMessages.persistentJson(
                    json.writeValueAsBytes(action), action.actionId(), action.type(), clock);
            message.getMessageProperties().setCorrelationId(action.eventId());
            message.getMessageProperties().setHeader(TraceContext.HEADER, traceparent);
            messages[i] = new Outbound(queued.queue(), message);
        }
        return new Batch(event, actions, List.of(messages), record);
    }

    /** Counts the confirmed batch's actions and logs the event's dispatch. */
    private void published(Batch batch) {
        for (Object queued : batch.actions()) {
            ActionMessage action = ((QueuedAction) queued).message();
            metrics.actionPublished(action.workflowId(), action.type(), ((QueuedAction) queued).queue());
        }
        dispatched(batch.event(), batch.actions().size());
    }

    private ExecutorService confirmedThreads(Exchange exchange) {
        ExecutorService threads = confirmedThreads;
        if (threads == null) {
            synchronized (this) {
                threads = confirmedThreads;
                if (threads == null) {
                    // Camel's ExecutorServiceManager names the threads and shuts them down with the context.
                    threads = exchange.getContext()
                            .getExecutorServiceManager()
                            .newFixedThreadPool(this, "DispatchConfirmed", CONFIRMED_THREADS);
                    confirmedThreads = threads;
                }
            }
        }
        return threads;
    }

    /** An event's action messages, its journal record (or null) and its actions (the body, {@link QueuedAction}s). */
    private record Batch(
            ReceivedWebhook event, List<?> actions, List<Outbound> messages, JournalRecords.Entry record) {}

    @SuppressWarnings("unchecked")
    private static List<PlannedAction> planned(Exchange exchange) {
        List<PlannedAction> planned = exchange.getProperty(ExchangeProperties.PLANNED, List.class);
        return planned == null ? List.of() : planned;
    }

    /** Once the actions are confirmed nothing may fail: an event written elsewhere may have another time format. */
    private void dispatched(ReceivedWebhook event, int published) {
        EventLog.dispatched(event.workflowId(), published);
        try {
            Instant received = receivedAt(event.receivedAt());
            metrics.dispatched(
                    event.workflowId(),
                    Duration.between(received, clock.instant()).toNanos());
        } catch (DateTimeException e) {
            // No latency to record for it.
        }
    }

    /**
     * The instant of an event's {@code received_at}. Werken writes it as {@code 2026-12-01T10:00:00.123Z} (or without
     * the fraction when it is zero), read by hand ({@link IsoMillis}): {@link DateTimeFormatter}'s parser was about 5%
     * of a dispatch thread's CPU. Any other ISO offset date-time goes through the formatter.
     */
    static Instant receivedAt(String text) {
        int length = text.length();
        if (length == 20 || length == 24) {
            // Whole seconds or milliseconds, the forms IsoMillis reads exactly.
            try {
                return IsoMillis.parse(text);
            } catch (DateTimeException e) {
                // Not its form after all: the formatter's turn.
            }
        }
        return DateTimeFormatter.ISO_OFFSET_DATE_TIME.parse(text, Instant::from);
    }
}
