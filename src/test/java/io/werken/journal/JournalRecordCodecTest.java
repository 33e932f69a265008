package io.werken.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.werken.core.IsoMillis;
import io.werken.core.WerkenJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The journal queue's record, written and read by hand: the same JSON as Jackson's data binding of {@link JournalRecord}
 * (which earlier Werkens wrote and read), params read back as their exact text, and the times written and read as
 * {@code ISO_INSTANT} and {@code Instant.parse} do.
 */
class JournalRecordCodecTest {

    private static final ObjectMapper JSON = WerkenJson.mapper();

    private static JournalRecord full() throws IOException {
        Map<String, String> headers = new TreeMap<>(Map.of("x-github-event", "push", "x-b", "a \"quoted\" ü"));
        JsonNode params = JSON.readTree(
                "{\"repo\":\"octo/cat\",\"n\":1.50,\"big\":12345678901234567890,\"list\":[1,{\"é\":null}],\"t\":true}");
        return new JournalRecord(
                "ev-1",
                "mi-workflow",
                "rev-9",
                "2026-12-01T10:00:00.123Z",
                "2026-12-01T10:00:01Z",
                JournalRecord.DISPATCHED,
                null,
                "ev-0",
                "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
                JournalRecord.FULL,
                "{\"a\":[1,2,3],\"s\":\"\\u00e9\"}".getBytes(StandardCharsets.UTF_8),
                headers,
                List.of(
                        new JournalAction(0, "notify", "required_actions", JournalAction.PUBLISHED, null, params),
                        new JournalAction(1, "index", "q2", JournalAction.SKIPPED, null, null),
                        new JournalAction(2, "fail", "q3", JournalAction.FAILED, "params: no such field", null)));
    }

    private static JournalRecord metadata() {
        return new JournalRecord(
                "ev-2",
                "w",
                null,
                "2026-12-01T10:00:00.123Z",
                "2026-12-01T10:00:00.200Z",
                JournalRecord.DEAD_LETTERED,
                "invalid_event: no workflow",
                null,
                null,
                JournalRecord.METADATA,
                null,
                null,
                List.of());
    }

    @Test
    void writesTheBytesJacksonsDataBindingWrote() throws IOException {
        for (JournalRecord record : List.of(full(), metadata())) {
            assertThat(new String(JournalRecordCodec.write(JSON.getFactory(), record), StandardCharsets.UTF_8))
                    .isEqualTo(JSON.writeValueAsString(record));
        }
    }

    @Test
    void readsRecordsJacksonsDataBindingWrote() throws IOException {
        // The format of records already queued by an earlier Werken.
        for (JournalRecord record : List.of(full(), metadata())) {
            assertSame(JournalRecordCodec.read(JSON.getFactory(), JSON.writeValueAsBytes(record)), record);
        }
    }

    @Test
    void roundTripsAndJacksonReadsWhatItWrites() throws IOException {
        for (JournalRecord record : List.of(full(), metadata())) {
            byte[] bytes = JournalRecordCodec.write(JSON.getFactory(), record);
            assertSame(JournalRecordCodec.read(JSON.getFactory(), bytes), record);
            // An earlier Werken's writer, reading the queue during a rolling upgrade.
            assertSame(JSON.readValue(bytes, JournalRecord.class), record);
        }
    }

    @Test
    void readsEveryRecordOfAPackWithEachOnesParamsAsWritten() throws IOException {
        List<JournalRecord> records = List.of(metadata(), full(), full(), metadata());
        List<byte[]> bodies = new java.util.ArrayList<>();
        for (JournalRecord record : records) {
            bodies.add(JournalRecordCodec.write(JSON.getFactory(), record));
        }
        byte[] pack = JournalRecordCodec.pack(bodies);
        // A JSON array of the records, any JSON reader's.
        assertThat(JSON.readTree(pack).size()).isEqualTo(4);

        List<JournalRecord> read = JournalRecordCodec.readPack(JSON.getFactory(), pack);
        assertThat(read).hasSize(4);
        for (int i = 0; i < records.size(); i++) {
            assertSame(read.get(i), records.get(i));
            // The params' text is taken from the pack at the record's own place, not the first record's.
            assertThat(JournalRecordCodec.write(JSON.getFactory(), read.get(i))).isEqualTo(bodies.get(i));
        }
        assertThat(JournalRecordCodec.readPack(JSON.getFactory(), JournalRecordCodec.pack(List.of())))
                .isEmpty();
    }

    @Test
    void refusesWhatIsNoPack() {
        for (String body : List.of("{}", "[1]", "[{\"event_id\":{}}]", "[{}", "")) {
            assertThatThrownBy(
                            () -> JournalRecordCodec.readPack(JSON.getFactory(), body.getBytes(StandardCharsets.UTF_8)))
                    .as(body)
                    .isInstanceOf(IOException.class);
        }
    }

    @Test
    void readsParamsAsTheTextTheyWereWrittenAs() throws IOException {
        JournalRecord record = full();
        JournalRecord read =
                JournalRecordCodec.read(JSON.getFactory(), JournalRecordCodec.write(JSON.getFactory(), record));
        assertThat(JournalRows.paramsJson(read.actions().get(0).params()))
                .isEqualTo(JSON.writeValueAsString(record.actions().get(0).params()));
        assertThat(JournalRows.paramsJson(read.actions().get(1).params())).isNull();
        // Written again (a record that went through the writer once more) it is the same text.
        assertThat(JournalRecordCodec.write(JSON.getFactory(), read))
                .isEqualTo(JournalRecordCodec.write(JSON.getFactory(), record));
    }

    @Test
    void readsFieldsInAnyOrderAndSkipsUnknownOnes() throws IOException {
        String body =
                "{\"actions\":[{\"params\":{\"x\":[1, 2]},\"extra\":{\"y\":1},\"outcome\":\"published\",\"index\":3,"
                        + "\"type\":\"t\"}],\"new_field\":[1,[2]],\"event_id\":\"e\",\"workflow_id\":\"w\",\"received_at\":"
                        + "\"2026-01-01T00:00:00Z\",\"outcome\":\"dispatched\",\"payload\":null,\"headers\":null}";
        JournalRecord read = JournalRecordCodec.read(JSON.getFactory(), body.getBytes(StandardCharsets.UTF_8));
        assertThat(read.eventId()).isEqualTo("e");
        assertThat(read.payload()).isNull();
        assertThat(read.headers()).isNull();
        assertThat(read.actions()).hasSize(1);
        assertThat(read.actions().get(0).index()).isEqualTo(3);
        assertThat(JournalRows.paramsJson(read.actions().get(0).params())).isEqualTo("{\"x\":[1, 2]}");
    }

    @Test
    void refusesWhatIsNoRecord() {
        for (String body :
                List.of("[]", "{\"event_id\":{}}", "{\"actions\":{}}", "{\"payload\":[1]}", "{\"a\":1", "")) {
            assertThatThrownBy(() -> JournalRecordCodec.read(JSON.getFactory(), body.getBytes(StandardCharsets.UTF_8)))
                    .as(body)
                    .isInstanceOf(IOException.class);
        }
    }

    @Test
    void formatsTimesAsIsoInstantDoes() {
        Random random = new Random(24);
        long[] fixed = {
            0L,
            1000L,
            999L,
            -1L,
            951_782_400_000L /* 2000-02-29 */,
            253_402_300_799_999L,
            -62_167_219_200_000L,
            253_402_300_800_000L,
            -62_167_219_200_001L
        };
        for (long millis : fixed) {
            assertThat(IsoMillis.format(millis))
                    .isEqualTo(DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochMilli(millis)));
        }
        for (int i = 0; i < 100_000; i++) {
            long millis = random.nextLong(-5_000_000_000_000L, 5_000_000_000_000L);
            if (i % 3 == 0) {
                millis -= millis % 1000;
            }
            assertThat(IsoMillis.format(millis))
                    .isEqualTo(DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochMilli(millis)));
        }
        Instant precise = Instant.parse("2026-12-01T10:00:00.123456789Z");
        assertThat(IsoMillis.format(precise)).isEqualTo("2026-12-01T10:00:00.123Z");
    }

    @Test
    void parsesTimesAsInstantParseDoes() {
        Random random = new Random(42);
        for (int i = 0; i < 100_000; i++) {
            long millis = random.nextLong(-5_000_000_000_000L, 5_000_000_000_000L);
            String text = DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochMilli(millis));
            assertThat(IsoMillis.parse(text)).isEqualTo(Instant.ofEpochMilli(millis));
        }
        for (String text : List.of(
                "2024-02-29T23:59:59.999Z",
                "2026-12-01T10:00:00.1Z",
                "2026-12-01T10:00:00.123456Z",
                "2026-12-01T10:00:00+02:00",
                "2026-12-01T10:00:00.000Z",
                "2026-12-01T24:00:00.000Z",
                "+12026-12-01T10:00:00Z")) {
            assertThat(IsoMillis.parse(text))
                    .as(text)
                    .isEqualTo(Instant.parse(text).truncatedTo(ChronoUnit.MILLIS));
        }
        for (String text : List.of(
                "2026-02-29T10:00:00.000Z",
                "2026-13-01T10:00:00.000Z",
                "2026-12-01T10:00:00.12xZ",
                "2026-12-01 10:00:00.000Z",
                "yesterday")) {
            assertThatThrownBy(() -> IsoMillis.parse(text)).as(text).isInstanceOf(DateTimeParseException.class);
        }
    }

    private static void assertSame(JournalRecord read, JournalRecord expected) throws IOException {
        assertThat(read.eventId()).isEqualTo(expected.eventId());
        assertThat(read.workflowId()).isEqualTo(expected.workflowId());
        assertThat(read.workflowRevision()).isEqualTo(expected.workflowRevision());
        assertThat(read.receivedAt()).isEqualTo(expected.receivedAt());
        assertThat(read.dispatchedAt()).isEqualTo(expected.dispatchedAt());
        assertThat(read.outcome()).isEqualTo(expected.outcome());
        assertThat(read.reason()).isEqualTo(expected.reason());
        assertThat(read.replayOf()).isEqualTo(expected.replayOf());
        assertThat(read.traceparent()).isEqualTo(expected.traceparent());
        assertThat(read.journal()).isEqualTo(expected.journal());
        assertThat(read.payload()).isEqualTo(expected.payload());
        assertThat(read.headers()).isEqualTo(expected.headers());
        assertThat(read.actions()).hasSameSizeAs(expected.actions());
        for (int i = 0; i < read.actions().size(); i++) {
            JournalAction a = read.actions().get(i);
            JournalAction b = expected.actions().get(i);
            assertThat(a.index()).isEqualTo(b.index());
            assertThat(a.type()).isEqualTo(b.type());
            assertThat(a.queue()).isEqualTo(b.queue());
            assertThat(a.outcome()).isEqualTo(b.outcome());
            assertThat(a.reason()).isEqualTo(b.reason());
            assertThat(JSON.readTree(String.valueOf(JournalRows.paramsJson(a.params()))))
                    .isEqualTo(JSON.readTree(String.valueOf(JournalRows.paramsJson(b.params()))));
        }
    }
}
