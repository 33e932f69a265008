package io.werken.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The per-workflow latency histogram: buckets that tile the range, and quantiles within a bucket's width. */
class LatencyHistogramTest {

    @Test
    void everyLatencyFallsInTheBucketWhoseBoundsHoldIt() {
        for (long micros :
                new long[] {0, 1, 7, 8, 9, 15, 16, 17, 100, 999, 1000, 12_345, 1_000_000, 59_999_999, (1L << 37) - 1}) {
            int index = LatencyHistogram.index(micros);
            assertThat(LatencyHistogram.lowerMicros(index)).as("%d us", micros).isLessThanOrEqualTo(micros);
            assertThat(LatencyHistogram.upperMicros(index)).as("%d us", micros).isGreaterThan(micros);
        }
        for (int i = 0; i + 1 < LatencyHistogram.BUCKETS; i++) {
            assertThat(LatencyHistogram.upperMicros(i)).isEqualTo(LatencyHistogram.lowerMicros(i + 1));
            if (i >= 8) {
                // No bucket is wider than an eighth of its lower bound.
                assertThat(LatencyHistogram.upperMicros(i) - LatencyHistogram.lowerMicros(i))
                        .isLessThanOrEqualTo(LatencyHistogram.lowerMicros(i) / 8);
            }
        }
        assertThat(LatencyHistogram.index(Long.MAX_VALUE / 1000)).isEqualTo(LatencyHistogram.BUCKETS - 1);
    }

    @Test
    void theP99AndMeanOfAnIntervalComeFromTheDifferenceOfTwoSnapshots() {
        LatencyHistogram histogram = new LatencyHistogram();
        for (int i = 0; i < 1000; i++) {
            histogram.record(TimeUnit.MILLISECONDS.toNanos(500));
        }
        LatencyHistogram.Snapshot before = histogram.snapshot();
        // The interval: 990 dispatches of 4 ms and 10 of 100 ms.
        for (int i = 0; i < 990; i++) {
            histogram.record(TimeUnit.MILLISECONDS.toNanos(4));
        }
        for (int i = 0; i < 10; i++) {
            histogram.record(TimeUnit.MILLISECONDS.toNanos(100));
        }

        LatencyHistogram.Snapshot interval = histogram.snapshot().minus(before);

        assertThat(interval.count()).isEqualTo(1000);
        assertThat(interval.meanMillis()).isCloseTo((990 * 4.0 + 10 * 100.0) / 1000, within(1e-9));
        assertThat(interval.quantileMillis(0.99)).isBetween(4.0, 4.0 * 1.125);
        assertThat(interval.quantileMillis(1.0)).isBetween(100.0, 100.0 * 1.125);
        assertThat(histogram.snapshot().minus(histogram.snapshot()).quantileMillis(0.99))
                .isNull();
        assertThat(histogram.snapshot().minus(histogram.snapshot()).meanMillis())
                .isNull();
    }
}
