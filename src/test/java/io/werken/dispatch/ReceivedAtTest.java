package io.werken.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;

class ReceivedAtTest {

    @Test
    void readsWhatIngestWritesExactly() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        for (Instant instant : new Instant[] {
            now,
            now.truncatedTo(ChronoUnit.SECONDS),
            Instant.parse("2024-02-29T23:59:59.999Z"),
            Instant.parse("1999-12-31T00:00:00.001Z")
        }) {
            assertThat(ActionPublisher.receivedAt(DateTimeFormatter.ISO_INSTANT.format(instant)))
                    .isEqualTo(instant);
        }
    }

    @Test
    void anyOtherIsoOffsetDateTimeStillReads() {
        assertThat(ActionPublisher.receivedAt("2026-12-01T10:00:00.123456+01:00"))
                .isEqualTo(Instant.parse("2026-12-01T09:00:00.123456Z"));
        assertThatThrownBy(() -> ActionPublisher.receivedAt("2026-02-30T10:00:00.000Z"))
                .isInstanceOf(DateTimeException.class);
        assertThatThrownBy(() -> ActionPublisher.receivedAt("yesterday")).isInstanceOf(DateTimeException.class);
    }
}
