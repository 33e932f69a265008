package io.werken.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.werken.broker.AmqpMessages;
import io.werken.broker.MessagePublisher;
import io.werken.broker.PublishFailedException;
import io.werken.core.WerkenJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;

/**
 * The journal's group commit: without a linger a record goes at once while fewer than two messages of records are
 * unconfirmed, and the records that come meanwhile go together once one is confirmed; with a linger the records wait
 * for it (or for a message's worth) and go together; each record's future follows the confirm of the message that
 * carried it, and only that message's.
 */
class JournalPackerTest {

    private static final ObjectMapper JSON = WerkenJson.mapper();

    /** A broker that confirms (or nacks) each batch of messages only when the test says so. */
    private static final class Broker implements MessagePublisher {
        final List<Message> sent = new ArrayList<>();
        final List<Integer> batchSizes = new ArrayList<>();
        final List<CompletableFuture<Void>> confirms = new ArrayList<>();

        @Override
        public void publishAll(List<Outbound> messages) {
            throw new UnsupportedOperationException();
        }

        @Override
        public synchronized CompletableFuture<Void> publishAllAsync(List<Outbound> messages) {
            for (Outbound message : messages) {
                assertThat(message.queue()).isEqualTo("werken.journal");
                sent.add(message.message());
            }
            batchSizes.add(messages.size());
            CompletableFuture<Void> confirm = new CompletableFuture<>();
            confirms.add(confirm);
            return confirm;
        }

        List<String> eventsOf(int message) throws IOException {
            Message m = sent.get(message);
            if (JournalRecords.PACK_TYPE.equals(m.getMessageProperties().getType())) {
                return JournalRecordCodec.readPack(JSON.getFactory(), m.getBody()).stream()
                        .map(JournalRecord::eventId)
                        .toList();
            }
            assertThat(m.getMessageProperties().getType()).isEqualTo(JournalRecords.EVENT_TYPE);
            return List.of(
                    JournalRecordCodec.read(JSON.getFactory(), m.getBody()).eventId());
        }
    }

    private final Broker broker = new Broker();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final JournalPacker packer = new JournalPacker(broker, null, Clock.systemUTC(), registry, Duration.ZERO);

    /** The linger's timer, run when the test says its time is over. */
    private static final class Linger implements Executor {
        final List<Runnable> started = new ArrayList<>();

        @Override
        public synchronized void execute(Runnable whenOver) {
            started.add(whenOver);
        }

        void over() {
            List<Runnable> due = List.copyOf(started);
            started.clear();
            due.forEach(Runnable::run);
        }
    }

    private final Linger linger = new Linger();
    private final JournalPacker lingering = new JournalPacker(broker, null, Clock.systemUTC(), registry, linger);

    private static JournalRecords.Entry record(String eventId, int payloadBytes) {
        return new JournalRecords.Entry(
                TestRecords.dispatched(eventId, "x".repeat(payloadBytes).getBytes(StandardCharsets.UTF_8), List.of()),
                JournalPackerTest::message);
    }

    /** The record's message, as {@link JournalRecords} writes it. */
    private static MessagePublisher.Outbound message(JournalRecord record) {
        try {
            Message message = AmqpMessages.persistentJson(
                    JournalRecordCodec.write(JSON.getFactory(), record),
                    "journal-" + record.eventId(),
                    JournalRecords.EVENT_TYPE,
                    Clock.systemUTC());
            message.getMessageProperties().setCorrelationId(record.eventId());
            return new MessagePublisher.Outbound("werken.journal", message);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void withMessagesToSpareARecordGoesAtOnceAloneAsTheSingleRecordItAlwaysWas() throws IOException {
        JournalRecords.Entry first = record("e-1", 10);
        CompletableFuture<Void> confirmed = packer.publish(first);
        packer.publish(record("e-2", 10));

        assertThat(broker.sent).hasSize(2);
        assertThat(broker.sent.get(0)).isSameAs(first.message().message());
        assertThat(broker.eventsOf(1)).containsExactly("e-2");
        assertThat(confirmed).isNotDone();
        broker.confirms.get(0).complete(null);
        assertThat(confirmed).isCompleted();
    }

    @Test
    void recordsThatComeWhileTwoMessagesAreUnconfirmedGoTogetherOnceOneIsConfirmed() throws IOException {
        List<CompletableFuture<Void>> confirmed = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            confirmed.add(packer.publish(record("e-" + i, 10)));
        }
        assertThat(broker.sent).as("two in flight, three waiting").hasSize(2);

        broker.confirms.get(1).complete(null);
        assertThat(broker.sent).hasSize(3);
        assertThat(broker.eventsOf(2)).containsExactly("e-3", "e-4", "e-5");
        assertThat(broker.sent.get(2).getMessageProperties().getMessageId()).isEqualTo("journal-e-3+2");
        assertThat(broker.sent.get(2).getMessageProperties().getCorrelationId()).isNull();
        // Each record follows its own message's confirm.
        assertThat(confirmed.get(0)).isNotDone();
        assertThat(confirmed.get(1)).isCompleted();
        assertThat(confirmed.subList(2, 5)).noneMatch(CompletableFuture::isDone);

        broker.confirms.get(2).complete(null);
        assertThat(confirmed.subList(2, 5)).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
        assertThat(confirmed.get(0)).isNotDone();
        // Three messages, of 1, 1 and 3 records.
        var perMessage = registry.get("werken.journal.records.per.message").summary();
        assertThat(perMessage.count()).isEqualTo(3);
        assertThat(perMessage.totalAmount()).isEqualTo(5);
        assertThat(perMessage.max()).isEqualTo(3);
    }

    @Test
    void aNackedMessageFailsEveryRecordItCarriedAndNoOtherAndTheWaitingOnesStillGo() throws IOException {
        List<CompletableFuture<Void>> confirmed = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            confirmed.add(packer.publish(record("e-" + i, 10)));
        }
        broker.confirms.get(0).complete(null);
        // e-3..e-6 went together; e-7 waits behind them and e-2.
        confirmed.add(packer.publish(record("e-7", 10)));
        PublishFailedException nack = new PublishFailedException("the broker nacked it");
        broker.confirms.get(2).completeExceptionally(nack);

        assertThat(confirmed.subList(2, 6)).allMatch(CompletableFuture::isCompletedExceptionally);
        assertThat(confirmed.get(1)).isNotDone();
        assertThat(broker.eventsOf(3)).containsExactly("e-7");
        broker.confirms.get(3).complete(null);
        assertThat(confirmed.get(6)).isCompleted().isNotCompletedExceptionally();
    }

    @Test
    void aMessageHoldsAtMost64RecordsAnd256KiBAndALargerRecordGoesAlone() throws IOException {
        packer.publish(record("first", 10));
        packer.publish(record("second", 10));
        for (int i = 0; i < 70; i++) {
            packer.publish(record("small-" + i, 10));
        }
        broker.confirms.get(0).complete(null);
        broker.confirms.get(1).complete(null);
        assertThat(broker.eventsOf(2)).hasSize(64).startsWith("small-0");
        assertThat(broker.eventsOf(3)).hasSize(6).endsWith("small-69");

        // About 110 KB each in base64: two fit in one message, not three.
        for (int i = 0; i < 3; i++) {
            packer.publish(record("large-" + i, 80 * 1024));
        }
        packer.publish(record("huge", 300 * 1024));
        broker.confirms.get(2).complete(null);
        broker.confirms.get(3).complete(null);
        assertThat(broker.eventsOf(4)).containsExactly("large-0", "large-1");
        assertThat(broker.eventsOf(5)).containsExactly("large-2");
        broker.confirms.get(4).complete(null);
        assertThat(broker.eventsOf(6)).containsExactly("huge");
        assertThat(broker.sent.get(6).getMessageProperties().getType()).isEqualTo(JournalRecords.EVENT_TYPE);
    }

    @Test
    void withALingerRecordsWaitForItAndThenGoTogetherInOneMessage() throws IOException {
        List<CompletableFuture<Void>> confirmed = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            confirmed.add(lingering.publish(record("e-" + i, 10)));
        }
        assertThat(broker.sent).as("all three linger").isEmpty();
        assertThat(linger.started).as("one linger, the oldest record's").hasSize(1);

        linger.over();
        assertThat(broker.sent).hasSize(1);
        assertThat(broker.eventsOf(0)).containsExactly("e-1", "e-2", "e-3");
        assertThat(confirmed).noneMatch(CompletableFuture::isDone);
        broker.confirms.get(0).complete(null);
        assertThat(confirmed).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());

        // The next record starts a linger of its own.
        lingering.publish(record("e-4", 10));
        assertThat(broker.sent).hasSize(1);
        linger.over();
        assertThat(broker.eventsOf(1)).containsExactly("e-4");
        assertThat(broker.sent.get(1).getMessageProperties().getType()).isEqualTo(JournalRecords.EVENT_TYPE);
    }

    @Test
    void aMessagesWorthOfRecordsGoesWithoutWaitingForTheLingerAndTheRestStillLinger() throws IOException {
        for (int i = 0; i < 66; i++) {
            lingering.publish(record("e-" + i, 10));
        }
        assertThat(broker.sent).as("64 records went at once, two linger").hasSize(1);
        assertThat(broker.eventsOf(0)).hasSize(64).startsWith("e-0").endsWith("e-63");

        broker.confirms.get(0).complete(null);
        assertThat(broker.sent).as("a free place does not cut the linger short").hasSize(1);
        linger.over();
        assertThat(broker.eventsOf(1)).containsExactly("e-64", "e-65");

        // 256 KiB waiting is a message's worth too: about 110 KB each in base64, so the third fills it.
        for (int i = 0; i < 3; i++) {
            lingering.publish(record("large-" + i, 80 * 1024));
        }
        assertThat(broker.sent).hasSize(3);
        assertThat(broker.eventsOf(2)).containsExactly("large-0", "large-1");
        linger.over();
        broker.confirms.get(1).complete(null);
        assertThat(broker.eventsOf(3)).containsExactly("large-2");
    }

    @Test
    void recordsWhoseLingerIsOverWhileTwoMessagesAreUnconfirmedGoAsSoonAsOneIs() throws IOException {
        for (int i = 0; i < 128; i++) {
            lingering.publish(record("full-" + i, 10));
        }
        assertThat(broker.sent).as("two messages of 64 in flight").hasSize(2);
        List<CompletableFuture<Void>> late = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            late.add(lingering.publish(record("late-" + i, 10)));
        }
        linger.over();
        assertThat(broker.sent).as("no place in flight").hasSize(2);
        late.add(lingering.publish(record("later-4", 10)));
        assertThat(linger.started)
                .as("it joins the records waiting for a place, with no linger of its own")
                .isEmpty();

        broker.confirms.get(1).complete(null);
        assertThat(broker.sent).hasSize(3);
        assertThat(broker.eventsOf(2)).containsExactly("late-1", "late-2", "late-3", "later-4");
        broker.confirms.get(2).complete(null);
        assertThat(late).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
    }

    @Test
    void aLingerOfSomeMillisecondsSendsTheRecordsWithNothingElseHappening() throws IOException {
        JournalPacker timed = new JournalPacker(broker, null, Clock.systemUTC(), registry, Duration.ofMillis(20));
        List<CompletableFuture<Void>> confirmed = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            confirmed.add(timed.publish(record("e-" + i, 10)));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> sentEvents().size() == 3);
        assertThat(sentEvents()).containsExactly("e-1", "e-2", "e-3");
        synchronized (broker) {
            broker.confirms.forEach(confirm -> confirm.complete(null));
        }
        assertThat(confirmed).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
    }

    private List<String> sentEvents() throws IOException {
        synchronized (broker) {
            List<String> events = new ArrayList<>();
            for (int i = 0; i < broker.sent.size(); i++) {
                events.addAll(broker.eventsOf(i));
            }
            return events;
        }
    }

    @Test
    void aPublisherThatRefusesAtOnceFailsTheRecordsAndLeavesNoneWaiting() throws IOException {
        JournalPacker closed = new JournalPacker(
                new MessagePublisher() {
                    @Override
                    public void publishAll(List<Outbound> messages) {}

                    @Override
                    public CompletableFuture<Void> publishAllAsync(List<Outbound> messages) {
                        throw new PublishFailedException("the publisher is closed");
                    }
                },
                null,
                Clock.systemUTC(),
                new SimpleMeterRegistry(),
                Duration.ZERO);
        for (int i = 0; i < 5; i++) {
            assertThat(closed.publish(record("e-" + i, 10))).isCompletedExceptionally();
        }
    }

    /** A direct writer onto {@code database}, with a timeout and a pause no test waits out. */
    private static JournalDirectWriter directWriter(java.util.function.Consumer<List<JournalRecord>> database) {
        return new JournalDirectWriter(database, Duration.ofSeconds(5), Duration.ofSeconds(5), System::nanoTime);
    }

    /** A direct writer onto a database that stores each pack as the list of its event ids in {@code written}. */
    private static JournalDirectWriter recordingWriter(List<List<String>> written) {
        return directWriter(records ->
                written.add(records.stream().map(JournalRecord::eventId).toList()));
    }

    /** A direct writer onto a database that is down. */
    private static JournalDirectWriter downWriter() {
        return directWriter(records -> {
            throw new JournalUnavailableException("connection refused", null);
        });
    }

    /** A record of {@code eventId} whose message, when it is written, counts in {@code writes}. */
    private static JournalRecords.Entry counted(String eventId, java.util.concurrent.atomic.AtomicInteger writes) {
        return new JournalRecords.Entry(TestRecords.dispatched(eventId, new byte[10], List.of()), record -> {
            writes.incrementAndGet();
            return message(record);
        });
    }

    @Test
    void withADirectWriterAPackGoesStraightToTheDatabaseAndNeverToTheBroker() throws Exception {
        List<List<String>> written = java.util.Collections.synchronizedList(new ArrayList<>());
        try (JournalDirectWriter direct = recordingWriter(written)) {
            JournalPacker straight = new JournalPacker(broker, direct, Clock.systemUTC(), registry, linger);
            java.util.concurrent.atomic.AtomicInteger messagesWritten = new java.util.concurrent.atomic.AtomicInteger();
            List<CompletableFuture<Void>> committed = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                committed.add(straight.publish(counted("e-" + i, messagesWritten)));
            }
            linger.over();

            CompletableFuture.allOf(committed.toArray(CompletableFuture[]::new))
                    .get(5, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(written).containsExactly(List.of("e-1", "e-2", "e-3"));
            assertThat(broker.sent).isEmpty();
            assertThat(messagesWritten).as("no record was written as a message").hasValue(0);
            assertThat(registry.get("werken.journal.records")
                            .tag("path", "database")
                            .counter()
                            .count())
                    .isEqualTo(3);
        }
    }

    @Test
    void aPackTheDatabaseDoesNotTakeGoesToTheBrokerAsOneMessageAndFollowsItsConfirm() throws Exception {
        try (JournalDirectWriter down = downWriter()) {
            JournalPacker fallingBack = new JournalPacker(broker, down, Clock.systemUTC(), registry, linger);
            List<CompletableFuture<Void>> confirmed = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                confirmed.add(fallingBack.publish(record("e-" + i, 10)));
            }
            linger.over();

            await().atMost(Duration.ofSeconds(5)).until(() -> broker.confirms.size() == 1);
            assertThat(broker.eventsOf(0)).containsExactly("e-1", "e-2", "e-3");
            assertThat(confirmed).noneMatch(CompletableFuture::isDone);
            broker.confirms.get(0).complete(null);
            assertThat(confirmed).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
            assertThat(registry.get("werken.journal.records")
                            .tag("path", "queue")
                            .counter()
                            .count())
                    .isEqualTo(3);
            assertThat(registry.get("werken.journal.records")
                            .tag("path", "database")
                            .counter()
                            .count())
                    .isZero();
        }
    }

    @Test
    void aPackForTheDatabaseLargerThanAMessageGoesToTheBrokerAsSeveralMessagesInOneConfirmedBatch() throws Exception {
        try (JournalDirectWriter down = downWriter()) {
            JournalPacker fallingBack = new JournalPacker(broker, down, Clock.systemUTC(), registry, linger);
            // Params are not in the pack's estimate: three records of about 100 KB of params each make one pack for
            // the database, and two messages (two records, then one) within 256 KiB each on the queue.
            com.fasterxml.jackson.databind.JsonNode params =
                    JSON.createObjectNode().put("body", "p".repeat(100 * 1024));
            List<CompletableFuture<Void>> confirmed = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                confirmed.add(fallingBack.publish(new JournalRecords.Entry(
                        TestRecords.dispatched(
                                "e-" + i,
                                new byte[10],
                                List.of(new JournalAction(0, "send", "q", JournalAction.PUBLISHED, null, params))),
                        JournalPackerTest::message)));
            }
            linger.over();

            await().atMost(Duration.ofSeconds(5)).until(() -> broker.confirms.size() == 1);
            assertThat(broker.batchSizes).containsExactly(2);
            assertThat(broker.eventsOf(0)).containsExactly("e-1", "e-2");
            assertThat(broker.eventsOf(1)).containsExactly("e-3");
            assertThat(broker.sent).allMatch(m -> m.getBody().length <= JournalPacker.MAX_BYTES);
            assertThat(confirmed).noneMatch(CompletableFuture::isDone);
            broker.confirms.get(0).complete(null);
            assertThat(confirmed).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
        }
    }

    @Test
    void aPackForTheDatabaseIsBoundedByTheEstimatedSizeOfItsRecords() throws Exception {
        List<List<String>> written = java.util.Collections.synchronizedList(new ArrayList<>());
        try (JournalDirectWriter direct = recordingWriter(written)) {
            JournalPacker straight = new JournalPacker(broker, direct, Clock.systemUTC(), registry, linger);
            // About 110 KB each in base64 by the estimate: the third makes 256 KiB wait, and a pack of the first two
            // goes at once; the third lingers.
            List<CompletableFuture<Void>> committed = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                committed.add(straight.publish(record("large-" + i, 80 * 1024)));
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> written.size() == 1);
            linger.over();
            CompletableFuture.allOf(committed.toArray(CompletableFuture[]::new))
                    .get(5, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(written).containsExactly(List.of("large-0", "large-1"), List.of("large-2"));
        }
    }

    @Test
    void theEstimatedSizeOfARecordIsCloseToItsMessageWithoutParams() throws IOException {
        for (int payload : new int[] {50, 1024, 80 * 1024}) {
            JournalRecord record = new JournalRecord(
                    "01a24b46-8a0d-70f4-bb7b-80f005863f8e",
                    "mi-workflow",
                    "f0bc32d4cae1",
                    "2026-12-06T12:14:03.789Z",
                    "2026-12-06T12:14:03.801Z",
                    JournalRecord.DISPATCHED,
                    null,
                    null,
                    "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
                    JournalRecord.FULL,
                    "x".repeat(payload).getBytes(StandardCharsets.UTF_8),
                    new java.util.TreeMap<>(
                            java.util.Map.of("content-type", "application/json", "x-github-event", "push")),
                    List.of(
                            new JournalAction(
                                    0, "enviar_email", "required_actions", JournalAction.PUBLISHED, null, null),
                            new JournalAction(1, "log_evento", "required_actions", JournalAction.SKIPPED, null, null)));
            int written = JournalRecordCodec.write(JSON.getFactory(), record).length;
            assertThat(JournalRecords.estimatedSize(record))
                    .as("a payload of %d bytes, written as %d", payload, written)
                    .isBetween(written * 3 / 4, written * 5 / 4);
        }
    }

    @Test
    void aRecordsMessageIsWrittenAsDispatchHandsItOverWhenItsPackWillBePublished() throws Exception {
        java.util.concurrent.atomic.AtomicInteger messagesWritten = new java.util.concurrent.atomic.AtomicInteger();
        // No direct writer: every pack is published.
        lingering.publish(counted("queued", messagesWritten));
        assertThat(messagesWritten)
                .as("written in publish, before the linger ends")
                .hasValue(1);
        linger.over();

        // A direct writer in its pause after a failure: the same.
        try (JournalDirectWriter down = downWriter()) {
            JournalPacker fallingBack = new JournalPacker(broker, down, Clock.systemUTC(), registry, linger);
            fallingBack.publish(counted("first", messagesWritten));
            assertThat(messagesWritten).as("not before the database failed").hasValue(1);
            linger.over();
            await().atMost(Duration.ofSeconds(5)).until(down::paused);
            assertThat(messagesWritten).as("written for the fallback").hasValue(2);

            fallingBack.publish(counted("paused", messagesWritten));
            assertThat(messagesWritten)
                    .as("written in publish, during the pause")
                    .hasValue(3);
        }
    }

    @Test
    void aRecordWhoseMessageCannotBeWrittenFailsAloneAndNothingIsLeftWaiting() throws IOException {
        CompletableFuture<Void> failed = packer.publish(
                new JournalRecords.Entry(TestRecords.dispatched("unwritable", new byte[10], List.of()), record -> {
                    throw new IllegalStateException("Cannot write the journal record of event unwritable");
                }));
        assertThat(failed).isCompletedExceptionally();
        packer.publish(record("next", 10));
        assertThat(broker.eventsOf(0)).containsExactly("next");
    }
}
