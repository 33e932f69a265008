package io.werken.dedupe;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The in-memory dedupe store's window and bound. */
class MemoryDedupeStoreTest {

    @Test
    void theMemoryStoreForgetsAKeyAfterTheWindowAndAPendingOneSooner() {
        AtomicLong nanos = new AtomicLong();
        MemoryDedupeStore store = new MemoryDedupeStore(Duration.ofHours(24), Duration.ofSeconds(60), 1000, nanos::get);

        assertThat(store.add("w:a")).isTrue();
        assertThat(store.add("w:a")).isFalse();
        assertThat(store.isConfirmed("w:a")).isFalse();
        assertThat(store.confirm("w:a")).isTrue();
        assertThat(store.isConfirmed("w:a")).isTrue();
        assertThat(store.add("w:b")).isTrue();

        nanos.addAndGet(Duration.ofSeconds(61).toNanos());
        assertThat(store.contains("w:b"))
                .as("a pending key whose instance never finished is released")
                .isFalse();
        assertThat(store.contains("w:a")).isTrue();

        nanos.addAndGet(Duration.ofHours(24).minusSeconds(62).toNanos());
        assertThat(store.add("w:a")).as("still within the window").isFalse();
        nanos.addAndGet(Duration.ofSeconds(2).toNanos());
        assertThat(store.add("w:a")).as("the window has passed").isTrue();
    }

    @Test
    void theMemoryStoreIsBoundedAndForgetsItsOldestKeysFirst() {
        MemoryDedupeStore store = new MemoryDedupeStore(Duration.ofHours(24), Duration.ofSeconds(60), 100);

        for (int i = 0; i < 1000; i++) {
            store.add("w:" + i);
        }

        // When full, the keys accepted longest ago go first: every one of the newest 100 is still remembered.
        assertThat(java.util.stream.IntStream.range(900, 1000)
                        .filter(i -> store.contains("w:" + i))
                        .count())
                .isEqualTo(100);
        assertThat(java.util.stream.IntStream.range(0, 900)
                        .filter(i -> store.contains("w:" + i))
                        .count())
                .isZero();
    }

    @Test
    void aRemovedKeyCanBeAddedAgain() {
        MemoryDedupeStore store = new MemoryDedupeStore(Duration.ofHours(24), Duration.ofSeconds(60), 10);

        store.add("w:a");
        store.remove("w:a");

        assertThat(store.add("w:a")).isTrue();
    }

    @Test
    void anAcceptedDeliveryStaysAcceptedWhenTheStoreCannotConfirmIt() {
        MemoryDedupeStore unreachable = new MemoryDedupeStore(Duration.ofHours(24), Duration.ofSeconds(60), 10);
        DedupeStore failing = new DedupeStore() {
            @Override
            public boolean confirm(String key) {
                throw new DedupeStoreUnavailableException("Redis is unavailable", null);
            }

            @Override
            public boolean isConfirmed(String key) {
                return false;
            }

            @Override
            public boolean add(String key) {
                return unreachable.add(key);
            }

            @Override
            public boolean contains(String key) {
                return unreachable.contains(key);
            }

            @Override
            public boolean remove(String key) {
                return unreachable.remove(key);
            }

            @Override
            public void clear() {
                unreachable.clear();
            }

            @Override
            public void start() {}

            @Override
            public void stop() {}
        };

        assertThat(failing.remember("w:a")).isFalse();
    }
}
