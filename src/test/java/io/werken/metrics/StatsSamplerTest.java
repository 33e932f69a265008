package io.werken.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The console's statistics: rates and latencies per interval, from the meters as they stand, kept for an hour. */
class StatsSamplerTest {

    private static final Instant T0 = Instant.parse("2026-12-04T10:00:00Z");

    private final MutableClock clock = new MutableClock(T0);
    private final WerkenMetrics metrics = WerkenMetrics.none();

    private StatsSampler sampler(String... workflows) {
        return new StatsSampler(metrics, () -> List.of(workflows), clock, 10);
    }

    private void webhooks(String workflow, String outcome, int count) {
        for (int i = 0; i < count; i++) {
            metrics.webhook(workflow, outcome);
        }
    }

    private static StatsSampler.Series series(List<StatsSampler.Series> all, String workflow) {
        return all.stream()
                .filter(s -> java.util.Objects.equals(s.workflowId(), workflow))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void eachIntervalGivesAcceptedAndRefusedPerSecondAndTheDispatchLatencyOfThatIntervalOnly() {
        // Before the sampler: none of it belongs to its first interval.
        webhooks("orders", WerkenMetrics.ACCEPTED, 1000);
        metrics.dispatched("orders", TimeUnit.SECONDS.toNanos(30));
        StatsSampler sampler = sampler("orders", "idle");

        webhooks("orders", WerkenMetrics.ACCEPTED, 32);
        webhooks("orders", WerkenMetrics.DUPLICATE, 7);
        webhooks("orders", "signature-mismatch", 2);
        webhooks("orders", "payload-invalid", 1);
        webhooks(WerkenMetrics.NO_WORKFLOW, "not-found", 5);
        for (int i = 0; i < 99; i++) {
            metrics.dispatched("orders", TimeUnit.MILLISECONDS.toNanos(4));
        }
        metrics.dispatched("orders", TimeUnit.MILLISECONDS.toNanos(200));
        clock.advance(Duration.ofSeconds(10));
        sampler.sample();
        // A second, quiet interval.
        clock.advance(Duration.ofSeconds(10));
        sampler.sample();

        List<StatsSampler.Series> window = sampler.window(15);

        assertThat(window).extracting(StatsSampler.Series::workflowId).containsExactly("idle", "orders", null);
        StatsSampler.Point busy = series(window, "orders").points().get(0);
        assertThat(busy.at()).isEqualTo(T0.plusSeconds(10));
        assertThat(busy.acceptedPerS()).isEqualTo(3.2);
        assertThat(busy.refusedPerS()).as("duplicates are not refusals").isEqualTo(0.3);
        assertThat(busy.dispatchMeanMs()).isCloseTo((99 * 4.0 + 200) / 100, within(0.001));
        assertThat(busy.dispatchP99Ms()).isBetween(4.0, 4.5);
        assertThat(series(window, "orders").points().get(1))
                .isEqualTo(new StatsSampler.Point(T0.plusSeconds(20), 0, 0, null, null));
        assertThat(series(window, null).points())
                .extracting(StatsSampler.Point::refusedPerS)
                .containsExactly(0.5, 0.0);
        assertThat(series(window, "idle").points())
                .containsExactly(
                        new StatsSampler.Point(T0.plusSeconds(10), 0, 0, null, null),
                        new StatsSampler.Point(T0.plusSeconds(20), 0, 0, null, null));
    }

    @Test
    void aRateIsOverTheTimeThatReallyPassedSinceTheLastSample() {
        StatsSampler sampler = sampler("orders");
        webhooks("orders", WerkenMetrics.ACCEPTED, 25);
        clock.advance(Duration.ofSeconds(12).plusMillis(500));
        sampler.sample();

        assertThat(series(sampler.window(1), "orders").points().get(0).acceptedPerS())
                .isEqualTo(2.0);
    }

    @Test
    void theWindowHoldsTheLastMinutesAndTheRingAnHour() {
        StatsSampler sampler = sampler("orders");
        for (int i = 0; i < 2 * 360; i++) {
            webhooks("orders", WerkenMetrics.ACCEPTED, i);
            clock.advance(Duration.ofSeconds(10));
            sampler.sample();
        }

        List<StatsSampler.Point> minute = series(sampler.window(1), "orders").points();
        assertThat(minute).hasSize(6);
        assertThat(minute.get(5).at()).isEqualTo(clock.instant());
        assertThat(minute.get(5).acceptedPerS()).isEqualTo(71.9);
        List<StatsSampler.Point> hour = series(sampler.window(60), "orders").points();
        assertThat(hour).hasSize(360);
        assertThat(hour).extracting(StatsSampler.Point::at).isSorted();
        assertThatThrownBy(() -> sampler.window(61)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> sampler.window(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aWorkflowThatLeftTheCatalogStaysWhileItHasPointsInTheWindow() {
        StatsSampler sampler = sampler();
        webhooks("gone", WerkenMetrics.ACCEPTED, 10);
        clock.advance(Duration.ofSeconds(10));
        sampler.sample();

        assertThat(sampler.window(1))
                .extracting(StatsSampler.Series::workflowId)
                .containsExactly("gone");
        clock.advance(Duration.ofMinutes(2));
        sampler.sample();
        assertThat(sampler.window(1)).isEmpty();
    }
}
