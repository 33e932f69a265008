package io.werken.metrics;

import java.util.concurrent.atomic.LongAdder;

/**
 * A latency distribution that a hot path records into for the price of two striped adds: counts in buckets an eighth
 * of a power of two wide (a bucket's width is at most 12.5% of its lower bound), from a microsecond to about 38 hours,
 * and the sum. It is never reset: a reader takes {@link #snapshot()}s and subtracts the one before, as
 * {@link StatsSampler} does every interval.
 */
public final class LatencyHistogram {

    /** Sub-buckets per power of two, as bits: 8. */
    private static final int SUB_BITS = 3;

    private static final int SUB = 1 << SUB_BITS;
    /** The highest power of two with buckets of its own: 2^36 us, about 19 hours (the last bucket holds all above). */
    private static final int MAX_EXPONENT = 36;

    static final int BUCKETS = (MAX_EXPONENT - SUB_BITS + 2) * SUB;

    private final LongAdder[] counts = new LongAdder[BUCKETS];
    private final LongAdder sumNanos = new LongAdder();

    public LatencyHistogram() {
        for (int i = 0; i < BUCKETS; i++) {
            counts[i] = new LongAdder();
        }
    }

    /** Records one latency. */
    public void record(long nanos) {
        long value = Math.max(0, nanos);
        counts[index(value / 1000)].increment();
        sumNanos.add(value);
    }

    /** The counts so far, bucket by bucket, and the sum. */
    public Snapshot snapshot() {
        long[] copy = new long[BUCKETS];
        for (int i = 0; i < BUCKETS; i++) {
            copy[i] = counts[i].sum();
        }
        return new Snapshot(copy, sumNanos.sum());
    }

    /** The bucket of a latency in microseconds. */
    static int index(long micros) {
        if (micros < SUB) {
            return (int) Math.max(0, micros);
        }
        int exponent = 63 - Long.numberOfLeadingZeros(micros);
        if (exponent > MAX_EXPONENT) {
            return BUCKETS - 1;
        }
        int sub = (int) (micros >>> (exponent - SUB_BITS)) & (SUB - 1);
        return (exponent - SUB_BITS + 1) * SUB + sub;
    }

    /** The lowest latency, in microseconds, that falls in bucket {@code index}. */
    static long lowerMicros(int index) {
        if (index < SUB) {
            return index;
        }
        int exponent = index / SUB + SUB_BITS - 1;
        return (long) (SUB + index % SUB) << (exponent - SUB_BITS);
    }

    /** The latency, in microseconds, just above bucket {@code index}. */
    static long upperMicros(int index) {
        return index + 1 < BUCKETS ? lowerMicros(index + 1) : lowerMicros(index) * 2;
    }

    /** Counts and sum at one moment. */
    public record Snapshot(long[] counts, long sumNanos) {

        static final Snapshot EMPTY = new Snapshot(new long[BUCKETS], 0);

        public long count() {
            long total = 0;
            for (long c : counts) {
                total += c;
            }
            return total;
        }

        /** What was recorded since {@code before}. */
        public Snapshot minus(Snapshot before) {
            long[] diff = new long[BUCKETS];
            for (int i = 0; i < BUCKETS; i++) {
                diff[i] = counts[i] - before.counts[i];
            }
            return new Snapshot(diff, sumNanos - before.sumNanos);
        }

        /** The mean in milliseconds, or null if nothing was recorded. */
        public Double meanMillis() {
            long n = count();
            return n == 0 ? null : sumNanos / 1e6 / n;
        }

        /**
         * The {@code q} quantile (0 < q <= 1) in milliseconds, interpolated within its bucket as Prometheus's
         * {@code histogram_quantile} does; null if nothing was recorded.
         */
        public Double quantileMillis(double q) {
            long n = count();
            if (n == 0) {
                return null;
            }
            // The rank of the quantile; the epsilon keeps 0.99 * 1000 at 990 whatever the floating point makes of it.
            long rank = Math.max(1, (long) Math.ceil(q * n - 1e-9));
            long below = 0;
            for (int i = 0; i < BUCKETS; i++) {
                long here = counts[i];
                if (here > 0 && below + here >= rank) {
                    double lower = lowerMicros(i);
                    double upper = upperMicros(i);
                    return (lower + (upper - lower) * (rank - below) / here) / 1000.0;
                }
                below += here;
            }
            return upperMicros(BUCKETS - 1) / 1000.0;
        }
    }
}
