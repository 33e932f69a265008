package io.werken.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** The ring of recent refusals: bounded, newest first, and safe to write from many threads at once. */
class RecentRefusalsTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-04T10:00:00Z"));

    @Test
    void itKeepsTheNewestUpToItsCapacityNewestFirst() {
        RecentRefusals refusals = new RecentRefusals(clock);
        for (int i = 0; i < 250; i++) {
            refusals.record(
                    i % 2 == 0 ? "mi-workflow" : null,
                    401,
                    "signature-mismatch",
                    "refusal " + i,
                    "10.0.0.7",
                    "/webhook/mi-workflow");
            clock.advance(Duration.ofMillis(1));
        }

        List<RecentRefusals.Refusal> held = refusals.newestFirst();

        assertThat(refusals.capacity()).isEqualTo(200);
        assertThat(held).hasSize(200);
        assertThat(held.get(0).detail()).isEqualTo("refusal 249");
        assertThat(held.get(199).detail()).isEqualTo("refusal 50");
        assertThat(held.get(0))
                .isEqualTo(new RecentRefusals.Refusal(
                        "2026-12-04T10:00:00.249Z",
                        null,
                        401,
                        "signature-mismatch",
                        "refusal 249",
                        "10.0.0.7",
                        "/webhook/mi-workflow"));
        assertThat(held.get(1).workflowId()).isEqualTo("mi-workflow");
    }

    @Test
    void fewerThanItsCapacityAreAllThereAndNothingIsHeldAtFirst() {
        RecentRefusals refusals = new RecentRefusals(clock, 5);
        assertThat(refusals.newestFirst()).isEmpty();

        refusals.record(null, 404, "not-found", "a", null, null);
        refusals.record(null, 413, "body-too-large", "b", null, null);

        assertThat(refusals.newestFirst())
                .extracting(RecentRefusals.Refusal::type)
                .containsExactly("body-too-large", "not-found");
    }

    @Test
    void aLongDetailOrPathIsCut() {
        RecentRefusals refusals = new RecentRefusals(clock, 2);
        refusals.record(null, 404, "not-found", "d".repeat(10_000), null, "/" + "p".repeat(10_000));

        RecentRefusals.Refusal held = refusals.newestFirst().get(0);
        assertThat(held.detail()).hasSize(RecentRefusals.MAX_TEXT + 3).endsWith("...");
        assertThat(held.path()).hasSize(RecentRefusals.MAX_TEXT + 3);
    }

    @Test
    void manyWritersAtOnceLeaveAtMostTheCapacityEachOnceNewestFirst() throws Exception {
        RecentRefusals refusals = new RecentRefusals(clock, 50);
        int threads = 8;
        int each = 1000;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> writers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int writer = t;
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                for (int i = 0; i < each; i++) {
                    refusals.record(null, 503, "overloaded", writer + ":" + i, null, null);
                }
            });
            thread.start();
            writers.add(thread);
        }
        start.countDown();
        for (Thread thread : writers) {
            thread.join();
        }

        List<RecentRefusals.Refusal> held = refusals.newestFirst();
        assertThat(held).hasSize(50);
        Set<String> details = new HashSet<>();
        held.forEach(r -> details.add(r.detail()));
        assertThat(details).hasSize(50);
        // Each writer's own refusals appear newest first.
        for (int t = 0; t < threads; t++) {
            String prefix = t + ":";
            List<Integer> mine = held.stream()
                    .map(RecentRefusals.Refusal::detail)
                    .filter(d -> d.startsWith(prefix))
                    .map(d -> Integer.parseInt(d.substring(prefix.length())))
                    .toList();
            assertThat(mine).isSortedAccordingTo((a, b) -> Integer.compare(b, a));
        }
    }
}
