package io.werken.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RandomIdsTest {

    @Test
    void idsAreVersionFourUuidsAndDoNotRepeat() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 20_000; i++) {
            String id = RandomIds.uuid();
            UUID uuid = UUID.fromString(id);
            assertThat(uuid.version()).isEqualTo(4);
            assertThat(uuid.variant()).isEqualTo(2);
            assertThat(uuid.toString()).isEqualTo(id);
            assertThat(seen.add(id)).as("repeated id %s", id).isTrue();
        }
    }

    @Test
    void timeOrderedIdsAreVersionSevenUuidsThatCarryTheirMillisecondAndSortByIt() {
        long millis = 1_796_000_000_123L; // 2026-11-30
        Set<String> seen = new HashSet<>();
        String previous = null;
        for (int i = 0; i < 20_000; i++) {
            String id = RandomIds.timeOrdered(millis + i / 10);
            UUID uuid = UUID.fromString(id);
            assertThat(uuid.version()).isEqualTo(7);
            assertThat(uuid.variant()).isEqualTo(2);
            assertThat(uuid.toString()).isEqualTo(id);
            assertThat(uuid.getMostSignificantBits() >>> 16).isEqualTo(millis + i / 10);
            assertThat(seen.add(id)).as("repeated id %s", id).isTrue();
            if (previous != null && i % 10 == 0) {
                // A later millisecond sorts after, as text too (PostgreSQL's text index order for these ids).
                assertThat(id).isGreaterThan(previous);
            }
            previous = id;
        }
        // The 74 bits after the time are random: ids of one millisecond differ there.
        assertThat(RandomIds.timeOrdered(millis).substring(15))
                .isNotEqualTo(RandomIds.timeOrdered(millis).substring(15));
    }

    @Test
    void threadsDrawDifferentIds() throws Exception {
        String[] other = new String[1];
        Thread thread = new Thread(() -> other[0] = RandomIds.uuid());
        thread.start();
        thread.join();
        assertThat(other[0]).isNotEqualTo(RandomIds.uuid());
    }
}
