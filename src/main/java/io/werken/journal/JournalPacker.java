package io.werken.journal;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.werken.broker.AmqpMessages;
import io.werken.broker.MessagePublisher;
import io.werken.broker.MessagePublisher.Outbound;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.springframework.amqp.core.Message;

/**
 * Publishes the records of dispatched events to the journal queue, several in one message when several wait: a group
 * commit. At most {@value #PACKS_IN_FLIGHT} messages of records are unconfirmed at a time; the records that come
 * meanwhile wait, and go together, up to {@value #MAX_RECORDS} records or {@value #MAX_BYTES} bytes a message, as soon
 * as one is confirmed. A record that finds fewer in flight goes at once, alone, as it did before packing: with little
 * traffic nothing waits and the message is the single record it always was; under load a message carries the records
 * of every event dispatched during one confirm, and the broker stores, confirms and delivers one message for them
 * instead of one each (bench/README.md, "What the journal costs").
 * <p>
 * Each record's future completes when the broker has confirmed the message that carries it, or fails with that
 * message: dispatch acknowledges an event only once its actions and its record are confirmed, so a record is durable
 * before its event is acknowledged, packed or not. A failed message fails every event it carried; each is delivered
 * again and journaled again (the journal writes an event once, whatever the number of its records).
 * <p>
 * A message of several records has the AMQP type {@link JournalRecords#PACK_TYPE} and a JSON array of the records as
 * its body ({@link JournalRecordCodec#pack}); the journal's writer reads both kinds. How many records each message
 * carried: {@code werken_journal_records_per_message} (its {@code _sum} ÷ {@code _count}, and {@code _max}).
 */
public final class JournalPacker {

    /** Most records in one message. */
    static final int MAX_RECORDS = 64;
    /** Most bytes of records in one message (one record larger than this goes alone). */
    static final int MAX_BYTES = 256 * 1024;
    /** Messages of records unconfirmed at once: while they are, records wait and pack. */
    static final int PACKS_IN_FLIGHT = 2;

    private final MessagePublisher publisher;
    private final Clock clock;
    private final DistributionSummary recordsPerMessage;
    private final Object lock = new Object();
    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    private int inFlight;

    public JournalPacker(MessagePublisher publisher, Clock clock, MeterRegistry registry) {
        this.publisher = publisher;
        this.clock = clock;
        this.recordsPerMessage = DistributionSummary.builder("werken.journal.records.per.message")
                .description("Events' records in each message dispatch published to the journal queue")
                .register(registry);
    }

    /**
     * Publishes {@code record} (an event's, as {@link JournalRecords} made it), alone or with others; the future
     * completes once the broker has confirmed it. Never blocks: it may complete on the AMQP connection's thread.
     */
    public CompletableFuture<Void> publish(Outbound record) {
        CompletableFuture<Void> confirmed = new CompletableFuture<>();
        List<Waiting> pack;
        synchronized (lock) {
            waiting.add(new Waiting(record, confirmed));
            pack = inFlight < PACKS_IN_FLIGHT ? take() : null;
        }
        if (pack != null) {
            send(pack);
        }
        return confirmed;
    }

    /** The next message's records, oldest first; one more message in flight. Called holding the lock. */
    private List<Waiting> take() {
        List<Waiting> pack = new ArrayList<>(Math.min(waiting.size(), MAX_RECORDS));
        int bytes = 0;
        while (!waiting.isEmpty() && pack.size() < MAX_RECORDS) {
            int size = waiting.peek().record().message().getBody().length;
            if (!pack.isEmpty() && bytes + size > MAX_BYTES) {
                break;
            }
            pack.add(waiting.poll());
            bytes += size;
        }
        inFlight++;
        return pack;
    }

    private void send(List<Waiting> pack) {
        recordsPerMessage.record(pack.size());
        CompletableFuture<Void> confirms;
        try {
            confirms = publisher.publishAllAsync(List.of(message(pack)));
        } catch (RuntimeException e) {
            confirms = CompletableFuture.failedFuture(e);
        }
        confirms.whenComplete((ignored, failure) -> {
            List<Waiting> next;
            synchronized (lock) {
                inFlight--;
                next = waiting.isEmpty() ? null : take();
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

    /** One record as it is; several as one message of their records. */
    private Outbound message(List<Waiting> pack) {
        Outbound first = pack.get(0).record();
        if (pack.size() == 1) {
            return first;
        }
        List<byte[]> bodies = new ArrayList<>(pack.size());
        for (Waiting record : pack) {
            bodies.add(record.record().message().getBody());
        }
        String firstEvent = first.message().getMessageProperties().getCorrelationId();
        Message message = AmqpMessages.persistentJson(
                JournalRecordCodec.pack(bodies),
                "journal-" + firstEvent + "+" + (pack.size() - 1),
                JournalRecords.PACK_TYPE,
                clock);
        return new Outbound(first.queue(), message);
    }

    private record Waiting(Outbound record, CompletableFuture<Void> confirmed) {}
}
