package io.werken.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.werken.core.WerkenJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;

/**
 * The journal's writer, handed a batch as its consumer hands it over, on the embedded store: single records and packs
 * of several (JournalPacker's), in transactions of at most the batch size in even shares, and a message that is no record dropped and
 * counted without costing the others.
 */
class JournalWriterTest {

    @TempDir
    Path dir;

    private static JournalRecord record(String eventId) {
        return TestRecords.dispatched(
                eventId,
                ("{\"id\":\"" + eventId + "\"}").getBytes(StandardCharsets.UTF_8),
                List.of(new JournalAction(0, "notify", "required_actions", JournalAction.PUBLISHED, null, null)));
    }

    private static Message message(String type, byte[] body) {
        MessageProperties properties = new MessageProperties();
        properties.setType(type);
        return new Message(body, properties);
    }

    private static byte[] bytes(JournalRecord record) throws IOException {
        return JournalRecordCodec.write(WerkenJson.mapper().getFactory(), record);
    }

    @Test
    void writesEveryRecordOfSinglesAndPacksAndDropsOnlyWhatIsNoRecord() throws IOException {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (JournalStore store =
                JournalStore.open(new JournalStore.Settings(null, null, null, dir.resolve("journal"), 2))) {
            JournalWriter writer = new JournalWriter(
                    null,
                    "werken.journal",
                    3,
                    store,
                    WerkenJson.mapper(),
                    Executors.newSingleThreadExecutor(),
                    registry,
                    Clock.systemUTC());
            List<byte[]> pack = new ArrayList<>();
            for (int i = 1; i <= 5; i++) {
                pack.add(bytes(record("packed-" + i)));
            }
            writer.onMessageBatch(List.of(
                    message(JournalRecords.EVENT_TYPE, bytes(record("single-1"))),
                    message(JournalRecords.PACK_TYPE, JournalRecordCodec.pack(pack)),
                    message(JournalRecords.PACK_TYPE, "[{\"event_id\": {}}]".getBytes(StandardCharsets.UTF_8)),
                    message(
                            JournalRecords.PACK_TYPE,
                            JournalRecordCodec.pack(List.of(bytes(record("packed-6")), bytes(record("packed-7")))))));

            // Eight records (in transactions of at most three: see the tests of transactions below): every one
            // stored, with its payload and its action.
            assertThat(store.countEvents()).isEqualTo(8);
            for (String id : List.of("single-1", "packed-1", "packed-5", "packed-7")) {
                JournalRecord stored = store.find(id).orElseThrow();
                assertThat(new String(stored.payload(), StandardCharsets.UTF_8)).isEqualTo("{\"id\":\"" + id + "\"}");
                assertThat(stored.actions()).hasSize(1);
            }
            assertThat(registry.get("werken.journal.records.written").counter().count())
                    .isEqualTo(8);
            assertThat(registry.get("werken.journal.records.refused").counter().count())
                    .as("the broken pack, logged and counted")
                    .isEqualTo(1);
        }
    }

    @Test
    void theWriterHoldsAsManyMessagesAsFullPacksMakeABatchSoThatLingeringRecordsStayFewInMemory() {
        // A message carries up to 64 records: 8 messages hold at most 512 records for a batch of 500.
        assertThat(JournalWriter.messagesPerBatch(500)).isEqualTo(8);
        assertThat(JournalWriter.messagesPerBatch(64)).isEqualTo(1);
        assertThat(JournalWriter.messagesPerBatch(65)).isEqualTo(2);
        assertThat(JournalWriter.messagesPerBatch(1)).isEqualTo(1);
        assertThat(JournalWriter.messagesPerBatch(10_000)).isEqualTo(157);
    }

    @Test
    void aBatchIsWrittenInEvenTransactionsOfAtMostTheBatchSizeInItsOrder() {
        List<Integer> records = new ArrayList<>();
        for (int i = 0; i < 527; i++) {
            records.add(i);
        }
        List<List<Integer>> transactions = JournalWriter.transactions(records, 500);
        assertThat(transactions).extracting(List::size).containsExactly(264, 263);
        assertThat(transactions.get(0).get(0)).isZero();
        assertThat(transactions.get(1).get(0)).isEqualTo(264);
        assertThat(transactions.get(1).get(262)).isEqualTo(526);

        assertThat(JournalWriter.transactions(records.subList(0, 8), 3))
                .extracting(List::size)
                .containsExactly(3, 3, 2);
        assertThat(JournalWriter.transactions(records.subList(0, 500), 500))
                .extracting(List::size)
                .containsExactly(500);
        assertThat(JournalWriter.transactions(records.subList(0, 1), 500))
                .extracting(List::size)
                .containsExactly(1);
        assertThat(JournalWriter.transactions(List.of(), 500)).isEmpty();
    }
}
