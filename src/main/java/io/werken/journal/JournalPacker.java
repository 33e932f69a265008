package io.werken.journal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.werken.broker.AmqpMessages;
import io.werken.broker.MessagePublisher;
import io.werken.broker.MessagePublisher.Outbound;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.springframework.amqp.core.Message;

/**
 * Takes the records of dispatched events to the journal, several at a time: a group commit. A record waits up to the
 * linger ({@code WERKEN_JOURNAL_LINGER_MS}, 20 ms by default) for others, and goes at once when {@value #MAX_RECORDS}
 * records or {@value #MAX_BYTES} bytes wait. At most {@value #PACKS_IN_FLIGHT} packs are unfinished at a time; records
 * whose linger ran out meanwhile go together as soon as one is finished. With a linger of 0 a record that finds fewer
 * in flight goes at once, alone.
 * <p>
 * Where a pack goes: with a {@link JournalDirectWriter} (the journal on PostgreSQL, {@code WERKEN_JOURNAL_DIRECT=on}),
 * straight to the database, one transaction; if that fails, times out or is refused, to the journal queue, for the
 * journal's writer (design record 13): as one message, or several in one confirmed batch where the records' messages,
 * written only then, exceed {@value #MAX_BYTES} bytes. Without one, to the journal queue, each record's message written
 * as dispatch hands it over.
 * <p>
 * Why it lingers: the broker's work is mostly per message (route, store, confirm, deliver, acknowledge), and the
 * database's per transaction; at a moderate rate, with both quick, records would otherwise each go alone. The linger
 * delays only the event's acknowledgement on the received queue, never a 202 (design record 12,
 * docs/design/0012-journal-records-linger.md).
 * <p>
 * Each record's future completes when its pack is committed in the database or confirmed by the broker, or fails with
 * the broker's failure: dispatch acknowledges an event only once its actions and its record are confirmed, so a record
 * is durable before its event is acknowledged, packed or not. A failed message fails every event it carried; each is
 * delivered again and journaled again (the journal writes an event once, whatever the number of its records).
 * <p>
 * A message of several records has the AMQP type {@link JournalRecords#PACK_TYPE} and a JSON array of the records as
 * its body ({@link JournalRecordCodec#pack}); the journal's writer reads both kinds. How many records each pack
 * carried: {@code werken_journal_records_per_message} (its {@code _sum} ÷ {@code _count}, and {@code _max}); which way
 * they went: {@code werken_journal_records_total{path="database"|"queue"}}.
 */
public final class JournalPacker {

    /** Most records in one message. */
    static final int MAX_RECORDS = 64;
    /**
     * Most bytes of records in one message (one record larger than this goes alone); a pack for the database counts
     * its records by {@link JournalRecords.Entry#size}, an estimate until a record's message is written.
     */
    static final int MAX_BYTES = 256 * 1024;
    /** Messages of records unconfirmed at once: while they are, records wait and pack. */
    static final int PACKS_IN_FLIGHT = 2;

    private final MessagePublisher publisher;
    private final JournalDirectWriter direct;
    private final Clock clock;
    private final Executor linger;
    private final DistributionSummary recordsPerMessage;
    private final Counter toDatabase;
    private final Counter written;
    private final Counter toQueue;
    private final Object lock = new Object();
    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    private int waitingBytes;
    private int inFlight;
    private boolean lingering;

    /**
     * A packer whose records wait up to {@code linger} for others; zero: none waits, each goes as soon as fewer than
     * two packs are unfinished.
     *
     * @param direct writes packs straight to the journal's database; null: every pack is published
     */
    public JournalPacker(
            MessagePublisher publisher,
            JournalDirectWriter direct,
            Clock clock,
            MeterRegistry registry,
            Duration linger) {
        this(
                publisher,
                direct,
                clock,
                registry,
                linger.isZero()
                        ? null
                        // The JDK's delay thread runs the send itself: it only takes the records and hands them to
                        // the publisher's lanes, which never blocks.
                        : CompletableFuture.delayedExecutor(linger.toNanos(), TimeUnit.NANOSECONDS, Runnable::run));
    }

    /**
     * @param linger runs what it is given once the linger is over (tests run it when they choose); null: no linger
     */
    JournalPacker(
            MessagePublisher publisher,
            JournalDirectWriter direct,
            Clock clock,
            MeterRegistry registry,
            Executor linger) {
        this.publisher = publisher;
        this.direct = direct;
        this.clock = clock;
        this.linger = linger;
        this.recordsPerMessage = DistributionSummary.builder("werken.journal.records.per.message")
                .description("Events' records in each pack dispatch wrote to the journal's database or published to"
                        + " the journal queue")
                .register(registry);
        this.toDatabase = recordsBy(registry, "database");
        this.written = JournalWriter.recordsWritten(registry);
        this.toQueue = recordsBy(registry, "queue");
    }

    /**
     * Takes {@code record} (an event's, as {@link JournalRecords} made it) to the journal, alone or with others; the
     * future completes once the database has committed it or the broker has confirmed it, and fails (never throws) if
     * its message cannot be written. Never blocks: it may complete on the AMQP connection's thread or the direct
     * writer's.
     */
    public CompletableFuture<Void> publish(JournalRecords.Entry record) {
        if (direct == null || direct.paused()) {
            // The pack will be published: the record's message is written here, on dispatch's thread, and not on the
            // AMQP connection's thread that sends the next pack when a confirm comes, nor on the JDK's delay thread
            // that ends a linger. (A pack the database fails or times out outside a pause is written where that
            // happens: on the direct writer's thread, or the delay thread once, as the pause begins.)
            try {
                record.message();
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        CompletableFuture<Void> confirmed = new CompletableFuture<>();
        List<Waiting> pack = null;
        boolean startLinger = false;
        int size = record.size();
        synchronized (lock) {
            waiting.add(new Waiting(record, confirmed, size));
            waitingBytes += size;
            if (inFlight < PACKS_IN_FLIGHT && (linger == null || full())) {
                pack = take();
            } else if (linger != null && !lingering && waiting.size() == 1) {
                // A record that finds none waiting starts the linger; the records that come meanwhile join it. Records
                // whose linger is over and wait for a place in flight start none: they go at the next confirm.
                lingering = true;
                startLinger = true;
            }
        }
        if (pack != null) {
            send(pack);
        }
        if (startLinger) {
            linger.execute(this::lingered);
        }
        return confirmed;
    }

    /** The linger is over: what waits goes, as many messages as there are free places in flight. */
    private void lingered() {
        List<List<Waiting>> packs = new ArrayList<>(PACKS_IN_FLIGHT);
        synchronized (lock) {
            lingering = false;
            while (!waiting.isEmpty() && inFlight < PACKS_IN_FLIGHT) {
                packs.add(take());
            }
        }
        for (List<Waiting> pack : packs) {
            send(pack);
        }
    }

    /** A message's worth of records waits: it goes without lingering further. Called holding the lock. */
    private boolean full() {
        return waiting.size() >= MAX_RECORDS || waitingBytes >= MAX_BYTES;
    }

    /** The next message's records, oldest first; one more message in flight. Called holding the lock. */
    private List<Waiting> take() {
        List<Waiting> pack = new ArrayList<>(Math.min(waiting.size(), MAX_RECORDS));
        int bytes = 0;
        while (!waiting.isEmpty() && pack.size() < MAX_RECORDS) {
            int size = waiting.peek().size();
            if (!pack.isEmpty() && bytes + size > MAX_BYTES) {
                break;
            }
            pack.add(waiting.poll());
            bytes += size;
        }
        waitingBytes -= bytes;
        inFlight++;
        return pack;
    }

    private void send(List<Waiting> pack) {
        recordsPerMessage.record(pack.size());
        CompletableFuture<Void> confirms;
        if (direct == null) {
            confirms = publishPack(pack);
        } else {
            List<JournalRecord> records = new ArrayList<>(pack.size());
            for (Waiting record : pack) {
                records.add(record.record().record());
            }
            confirms = direct.write(records)
                    .thenRun(() -> {
                        toDatabase.increment(pack.size());
                        written.increment(pack.size());
                    })
                    .exceptionallyCompose(failure -> publishPack(pack));
        }
        confirms.whenComplete((ignored, failure) -> {
            List<Waiting> next;
            synchronized (lock) {
                inFlight--;
                // Records still lingering wait for their linger, unless a message's worth waits; the others have
                // waited for this place in flight.
                next = waiting.isEmpty() || (lingering && !full()) ? null : take();
            }
            for (Waiting record : pack) {
                if (failure == null) {
                    record.confirmed().complete(null);
                } else {
                    record.confirmed().completeExceptionally(failure);
                }
            }
            if (next != null) {
                send(next);
            }
        });
    }

    /** Records dispatch took to the journal by {@code path}: {@code database} (straight) or {@code queue}. */
    private static Counter recordsBy(MeterRegistry registry, String path) {
        return Counter.builder("werken.journal.records")
                .tag("path", path)
                .description("Events' records dispatch took to the journal: straight to its database, or through the"
                        + " journal queue (the database down or slow, or the embedded store)")
                .register(registry);
    }

    /**
     * The pack on the journal queue, as one message, or as several in one confirmed batch where its records' messages
     * (written now if they were not) hold more than {@value #MAX_BYTES} bytes: a pack made for the database was bounded
     * by an estimate. Completes once the broker has confirmed them all.
     */
    private CompletableFuture<Void> publishPack(List<Waiting> pack) {
        try {
            List<Outbound> messages = new ArrayList<>(1);
            List<Outbound> records = new ArrayList<>(pack.size());
            int bytes = 0;
            for (Waiting waiting : pack) {
                Outbound record = waiting.record().message();
                int size = record.message().getBody().length;
                if (!records.isEmpty() && bytes + size > MAX_BYTES) {
                    messages.add(message(records));
                    records = new ArrayList<>(pack.size());
                    bytes = 0;
                }
                records.add(record);
                bytes += size;
            }
            messages.add(message(records));
            return publisher.publishAllAsync(messages).thenRun(() -> toQueue.increment(pack.size()));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** One record's message as it is; several as one message of their records. */
    private Outbound message(List<Outbound> records) {
        Outbound first = records.get(0);
        if (records.size() == 1) {
            return first;
        }
        List<byte[]> bodies = new ArrayList<>(records.size());
        for (Outbound record : records) {
            bodies.add(record.message().getBody());
        }
        String firstEvent = first.message().getMessageProperties().getCorrelationId();
        Message message = AmqpMessages.persistentJson(
                JournalRecordCodec.pack(bodies),
                "journal-" + firstEvent + "+" + (records.size() - 1),
                JournalRecords.PACK_TYPE,
                clock);
        return new Outbound(first.queue(), message);
    }

    /** A record waiting to go, with the size it was counted at ({@link JournalRecords.Entry#size}). */
    private record Waiting(JournalRecords.Entry record, CompletableFuture<Void> confirmed, int size) {}
}
