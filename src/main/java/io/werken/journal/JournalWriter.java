package io.werken.journal;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.core.BatchMessageListener;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.core.task.support.TaskExecutorAdapter;

/**
 * The journal's consumer: takes the records dispatch put on the journal queue (a message holds one record, or several
 * packed by {@link JournalPacker}), in batches, writes each batch to the journal's database in transactions of at most
 * {@code WERKEN_JOURNAL_BATCH_SIZE} records, and acknowledges the batch only once they have committed. While the database
 * cannot be written, the batch is held (unacknowledged) and the write retried with a backoff; the records behind it
 * wait on the broker, so nothing is lost however long the database is away, and nothing on the webhook's path waits.
 * A Werken killed meanwhile gets the batch back from the broker at its next start; the write is idempotent, so a record
 * written before the kill is stored once. A record no write can ever take (the database refuses it alone while it takes
 * others) is logged with its event id and counted ({@code werken_journal_records_refused_total}), never dropped
 * silently.
 * <p>
 * Spring AMQP's batch listener, not a Camel route: camel-spring-rabbitmq acknowledges each message when its exchange
 * completes, and an aggregator completes its exchanges when they join it, before the batch is written.
 */
public final class JournalWriter extends ServiceSupport implements BatchMessageListener {

    private static final Logger LOG = LoggerFactory.getLogger(JournalWriter.class);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(250);
    private static final Duration LAST_BACKOFF = Duration.ofSeconds(5);
    /** Whole-batch failures, with the database reachable, before the batch is written record by record. */
    private static final int FAILURES_BEFORE_ONE_BY_ONE = 3;

    private final ConnectionFactory connectionFactory;
    private final String queue;
    private final int batchSize;
    private final JournalStore store;
    private final ObjectMapper json;
    private final ExecutorService executor;
    private final Clock clock;
    private final Counter written;
    private final Counter refused;
    private final Counter failures;
    private final AtomicLong lastWrittenMillis = new AtomicLong();
    private volatile SimpleMessageListenerContainer container;
    private volatile boolean stopping;
    private volatile String problem;
    private volatile Instant problemSince;

    public JournalWriter(
            ConnectionFactory connectionFactory,
            String queue,
            int batchSize,
            JournalStore store,
            ObjectMapper json,
            ExecutorService executor,
            MeterRegistry registry,
            Clock clock) {
        this.connectionFactory = connectionFactory;
        this.queue = queue;
        this.batchSize = batchSize;
        this.store = store;
        this.json = json;
        this.executor = executor;
        this.clock = clock;
        this.written = recordsWritten(registry);
        this.refused = Counter.builder("werken.journal.records.refused")
                .description("Journal records the database refused alone (logged with their event id)")
                .register(registry);
        this.failures = Counter.builder("werken.journal.write.failures")
                .description("Batch writes that failed and were retried")
                .register(registry);
    }

    @Override
    protected void doStart() {
        stopping = false;
        SimpleMessageListenerContainer listener = new SimpleMessageListenerContainer(connectionFactory);
        listener.setQueueNames(queue);
        listener.setConsumerBatchEnabled(true);
        // A message holds the records of the events dispatched during the packer's linger, up to 64 (JournalPacker):
        // a batch of a 64th as many messages as records (8 at 500) holds at most 8 × 64 records in memory, and still
        // some 240 records at 1,500 webhooks a second. An eighth, as before the records lingered, held up to 62 × 30
        // records there: the garbage collector kept them into the old generation, and its full collections stalled
        // the 202s (design record 12).
        int messages = messagesPerBatch(batchSize);
        listener.setBatchSize(messages);
        listener.setPrefetchCount(messages);
        // A batch is handed over when full or when no record came for this long: the journal trails by about this.
        listener.setReceiveTimeout(100);
        listener.setAcknowledgeMode(AcknowledgeMode.AUTO);
        listener.setDefaultRequeueRejected(true);
        listener.setMissingQueuesFatal(false);
        listener.setConcurrentConsumers(1);
        listener.setTaskExecutor(new TaskExecutorAdapter(executor));
        listener.setMessageListener(this);
        listener.afterPropertiesSet();
        listener.start();
        container = listener;
    }

    /** Journal records written to the database: by this writer from the queue, or by dispatch straight (the packer). */
    static Counter recordsWritten(MeterRegistry registry) {
        return Counter.builder("werken.journal.records.written")
                .description("Journal records written to the journal's database")
                .register(registry);
    }

    /** Messages the writer takes (and holds unacknowledged) at a time for transactions of {@code batchSize} records. */
    static int messagesPerBatch(int batchSize) {
        return Math.max(1, (batchSize + JournalPacker.MAX_RECORDS - 1) / JournalPacker.MAX_RECORDS);
    }

    @Override
    protected void doStop() {
        stopping = true;
        SimpleMessageListenerContainer listener = container;
        if (listener != null) {
            listener.stop();
            container = null;
        }
    }

    /** Why the journal cannot write now, or null when it can. */
    public String problem() {
        return problem;
    }

    /** Since when it cannot, or null. */
    public Instant problemSince() {
        return problemSince;
    }

    /** When the last batch was committed (epoch millis), or 0. */
    public long lastWrittenMillis() {
        return lastWrittenMillis.get();
    }

    @Override
    public void onMessageBatch(List<Message> messages) {
        List<JournalRecord> events = new ArrayList<>(messages.size());
        List<WorkflowRevision> revisions = new ArrayList<>(1);
        for (Message message : messages) {
            read(message, events, revisions);
        }
        if (events.isEmpty() && revisions.isEmpty()) {
            return;
        }
        if (events.isEmpty()) {
            write(events, revisions);
            return;
        }
        // The workflows revisions go with the first transaction.
        List<List<JournalRecord>> transactions = transactions(events, batchSize);
        for (int i = 0; i < transactions.size(); i++) {
            write(transactions.get(i), i == 0 ? revisions : List.of());
        }
    }

    /**
     * A batch's records as its transactions: messages of several records (JournalPacker) can hold more than a
     * transaction should, so at most {@code batchSize} each, in even shares (527 records at 500: 264 and 263, not 500
     * and 27), in their order.
     */
    static <T> List<List<T>> transactions(List<T> records, int batchSize) {
        if (records.isEmpty()) {
            return List.of();
        }
        int count = (records.size() + batchSize - 1) / batchSize;
        int share = (records.size() + count - 1) / count;
        List<List<T>> transactions = new ArrayList<>(count);
        for (int from = 0; from < records.size(); from += share) {
            transactions.add(records.subList(from, Math.min(records.size(), from + share)));
        }
        return transactions;
    }

    /** Writes one transaction's records, retried with a backoff while the database cannot take them. */
    private void write(List<JournalRecord> events, List<WorkflowRevision> revisions) {
        Duration backoff = FIRST_BACKOFF;
        int failed = 0;
        while (true) {
            try {
                store.write(events, revisions);
                written.increment(events.size());
                lastWrittenMillis.set(clock.millis());
                if (problem != null) {
                    LOG.info("The journal writes again to {}", store.describe());
                    problem = null;
                    problemSince = null;
                }
                return;
            } catch (IllegalArgumentException e) {
                // A record no database can take (it lacks what every entry has): the others are written.
                oneByOne(events, revisions);
                return;
            } catch (JournalUnavailableException e) {
                failures.increment();
                failed++;
                if (problem == null) {
                    problemSince = clock.instant();
                    LOG.warn(
                            "The journal cannot write to {} ({}); its records wait on queue {} and are written once "
                                    + "it can",
                            store.describe(),
                            e.getMessage(),
                            queue);
                }
                problem = e.getMessage();
                if (failed >= FAILURES_BEFORE_ONE_BY_ONE && store.reachable()) {
                    oneByOne(events, revisions);
                    return;
                }
            }
            pause(backoff);
            backoff = backoff.multipliedBy(2).compareTo(LAST_BACKOFF) > 0 ? LAST_BACKOFF : backoff.multipliedBy(2);
        }
    }

    /** The database takes other writes but not this batch: each record alone, and those it refuses are logged. */
    private void oneByOne(List<JournalRecord> events, List<WorkflowRevision> revisions) {
        for (WorkflowRevision revision : revisions) {
            try {
                store.write(List.of(), List.of(revision));
            } catch (JournalUnavailableException | IllegalArgumentException e) {
                refused.increment();
                LOG.error(
                        "The journal database refused workflows revision {}: {}", revision.revision(), e.getMessage());
            }
        }
        for (JournalRecord event : events) {
            try {
                store.write(List.of(event), List.of());
                written.increment();
            } catch (JournalUnavailableException | IllegalArgumentException e) {
                refused.increment();
                LOG.error(
                        "The journal database refused the record of event_id={}: {}", event.eventId(), e.getMessage());
            }
        }
        lastWrittenMillis.set(clock.millis());
        problem = null;
        problemSince = null;
    }

    private void read(Message message, List<JournalRecord> events, List<WorkflowRevision> revisions) {
        String type = message.getMessageProperties().getType();
        try {
            if (JournalRecords.REVISION_TYPE.equals(type)) {
                revisions.add(json.readValue(message.getBody(), WorkflowRevision.class));
            } else if (JournalRecords.PACK_TYPE.equals(type)) {
                events.addAll(JournalRecordCodec.readPack(json.getFactory(), message.getBody()));
            } else {
                events.add(JournalRecordCodec.read(json.getFactory(), message.getBody()));
            }
        } catch (IOException e) {
            refused.increment();
            LOG.error(
                    "Message {} on the journal queue {} is not a journal record ({}); it is dropped",
                    message.getMessageProperties().getMessageId(),
                    queue,
                    e.getMessage());
        }
    }

    /** Waits, unless Werken is stopping: then the batch goes back to the broker unacknowledged. */
    private void pause(Duration backoff) {
        if (stopping) {
            throw new IllegalStateException("Werken is stopping: the journal batch goes back to the queue");
        }
        try {
            Thread.sleep(backoff.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted: the journal batch goes back to the queue", e);
        }
        if (stopping) {
            throw new IllegalStateException("Werken is stopping: the journal batch goes back to the queue");
        }
    }
}
