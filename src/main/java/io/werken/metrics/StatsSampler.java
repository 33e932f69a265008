package io.werken.metrics;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's charts, from Werken's own meters: every interval, for each workflow, the webhooks accepted and refused
 * per second over that interval (refused: every outcome but accepted and duplicate) and the dispatch latency (99th
 * percentile and mean) of the events dispatched in it, kept for {@value #MAX_MINUTES} minutes in a ring. It reads the
 * counters and histograms of {@link WerkenMetrics} as they stand and subtracts the previous reading, so the webhook's
 * path does nothing for it. Run by one scheduled thread that Camel's executor service manager names and stops
 * ({@code ManagementConfiguration}); {@code GET /stats} reads it.
 */
public final class StatsSampler implements Runnable {

    /** How long the samples are kept, and the longest window {@link #window} gives. */
    public static final int MAX_MINUTES = 60;

    private static final Logger LOG = LoggerFactory.getLogger(StatsSampler.class);
    private static final double[] NOTHING = new double[2];

    /**
     * One interval of one workflow.
     *
     * @param at              the end of the interval
     * @param acceptedPerS    webhooks accepted per second
     * @param refusedPerS     webhooks refused per second
     * @param dispatchP99Ms   the 99th percentile of the dispatch latency in milliseconds (within 12.5%), or null if
     *                        no event was dispatched in the interval
     * @param dispatchMeanMs  the mean dispatch latency in milliseconds, or null if no event was dispatched
     */
    public record Point(
            Instant at, double acceptedPerS, double refusedPerS, Double dispatchP99Ms, Double dispatchMeanMs) {

        static Point idle(Instant at) {
            return new Point(at, 0, 0, null, null);
        }
    }

    /** A workflow's points, oldest first; {@code workflowId} null for webhooks refused before a workflow was known. */
    public record Series(String workflowId, List<Point> points) {}

    /** The points of one reading: only the workflows something happened to. */
    private record Sample(Instant at, Map<String, Point> points) {}

    private final WerkenMetrics metrics;
    private final Supplier<Collection<String>> workflowIds;
    private final Clock clock;
    private final int intervalSeconds;
    private final Sample[] ring;
    private long samples;
    private Instant lastAt;
    private Map<String, double[]> lastCounts = new HashMap<>();
    private final Map<String, LatencyHistogram.Snapshot> lastLatencies = new HashMap<>();

    /**
     * @param workflowIds the workflows in use, which get a series (of zeros) even when idle
     * @param intervalSeconds how often {@link #run} is called; the ring holds {@value #MAX_MINUTES} minutes of them
     */
    public StatsSampler(
            WerkenMetrics metrics, Supplier<Collection<String>> workflowIds, Clock clock, int intervalSeconds) {
        if (intervalSeconds < 1) {
            throw new IllegalArgumentException("The sampling interval must be at least a second");
        }
        this.metrics = metrics;
        this.workflowIds = workflowIds;
        this.clock = clock;
        this.intervalSeconds = intervalSeconds;
        this.ring = new Sample[MAX_MINUTES * 60 / intervalSeconds + 1];
        this.lastAt = clock.instant();
        // What the meters held before the first interval began is no part of it.
        this.lastCounts = counts();
        metrics.dispatchLatencies().forEach((id, histogram) -> lastLatencies.put(id, histogram.snapshot()));
    }

    public int intervalSeconds() {
        return intervalSeconds;
    }

    /** Takes a sample; a failure is logged, never thrown, so that the schedule keeps running. */
    @Override
    public void run() {
        try {
            sample();
        } catch (RuntimeException e) {
            LOG.warn("Could not sample the console's statistics: {}", e.toString());
        }
    }

    /** Reads the meters and adds the interval since the last reading to the ring. */
    public synchronized void sample() {
        Instant now = clock.instant();
        double seconds = Duration.between(lastAt, now).toNanos() / 1e9;
        if (seconds <= 0) {
            return;
        }
        Map<String, double[]> counts = counts();
        Map<String, LatencyHistogram> latencies = metrics.dispatchLatencies();
        Set<String> ids = new TreeSet<>(counts.keySet());
        ids.addAll(latencies.keySet());
        Map<String, Point> points = new HashMap<>();
        for (String id : ids) {
            double[] count = counts.getOrDefault(id, NOTHING);
            double[] before = lastCounts.getOrDefault(id, NOTHING);
            double accepted = (count[0] - before[0]) / seconds;
            double refused = (count[1] - before[1]) / seconds;
            LatencyHistogram histogram = latencies.get(id);
            LatencyHistogram.Snapshot dispatched = LatencyHistogram.Snapshot.EMPTY;
            if (histogram != null) {
                LatencyHistogram.Snapshot snapshot = histogram.snapshot();
                dispatched = snapshot.minus(lastLatencies.getOrDefault(id, LatencyHistogram.Snapshot.EMPTY));
                lastLatencies.put(id, snapshot);
            }
            if (accepted > 0 || refused > 0 || dispatched.count() > 0) {
                points.put(
                        id,
                        new Point(
                                now,
                                round(accepted),
                                round(refused),
                                round(dispatched.quantileMillis(0.99)),
                                round(dispatched.meanMillis())));
            }
        }
        ring[(int) (samples % ring.length)] = new Sample(now, Map.copyOf(points));
        samples++;
        lastCounts = counts;
        lastAt = now;
    }

    /**
     * The samples of the last {@code minutes} (1 to {@value #MAX_MINUTES}), oldest first, as one series per workflow
     * in use or with something in them, by workflow id (those refused before a workflow was known last); a workflow
     * idle in an interval has a point of zeros there.
     */
    public synchronized List<Series> window(int minutes) {
        if (minutes < 1 || minutes > MAX_MINUTES) {
            throw new IllegalArgumentException("minutes must be from 1 to " + MAX_MINUTES);
        }
        Instant since = clock.instant().minus(Duration.ofMinutes(minutes));
        List<Sample> inWindow = new ArrayList<>();
        for (long i = Math.max(0, samples - ring.length); i < samples; i++) {
            Sample sample = ring[(int) (i % ring.length)];
            if (sample.at().isAfter(since)) {
                inWindow.add(sample);
            }
        }
        Set<String> ids = new TreeSet<>(workflowIds.get());
        inWindow.forEach(sample -> ids.addAll(sample.points().keySet()));
        boolean noWorkflow = ids.remove(WerkenMetrics.NO_WORKFLOW);
        List<String> ordered = new ArrayList<>(ids);
        if (noWorkflow) {
            ordered.add(WerkenMetrics.NO_WORKFLOW);
        }
        List<Series> series = new ArrayList<>(ordered.size());
        for (String id : ordered) {
            List<Point> points = new ArrayList<>(inWindow.size());
            for (Sample sample : inWindow) {
                points.add(sample.points().getOrDefault(id, Point.idle(sample.at())));
            }
            series.add(new Series(id.equals(WerkenMetrics.NO_WORKFLOW) ? null : id, points));
        }
        return series;
    }

    /** Accepted and refused so far, by workflow. */
    private Map<String, double[]> counts() {
        Map<String, double[]> counts = new HashMap<>();
        for (WerkenMetrics.WebhookCount count : metrics.webhookCounts()) {
            if (count.outcome().equals(WerkenMetrics.DUPLICATE)) {
                continue;
            }
            double[] pair = counts.computeIfAbsent(count.workflow(), id -> new double[2]);
            pair[count.outcome().equals(WerkenMetrics.ACCEPTED) ? 0 : 1] += count.count();
        }
        return counts;
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }

    private static Double round(Double value) {
        return value == null ? null : round(value.doubleValue());
    }
}
