package io.werken.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.werken.workflow.WorkflowCatalog;
import io.werken.workflow.WorkflowReloader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Werken's own metrics, {@code werken_*} on {@code GET /observe/metrics} beside Camel's (the README lists each one).
 * The paths call it where something happened; counters are looked up once per label set and then only incremented, so
 * a webhook costs a few map lookups and atomic adds. Label values come from the workflows file (workflow ids, action
 * types, queues) or from fixed sets (outcomes, reasons), never from what a sender chose: a webhook for a workflow that
 * does not exist counts under {@link #NO_WORKFLOW}.
 */
public final class WerkenMetrics {

    /** The workflow label of a webhook refused before its workflow was known. Not a valid workflow id. */
    public static final String NO_WORKFLOW = "(none)";

    /** The outcome label of an accepted webhook; a refused one's is its problem type ({@code signature-mismatch}). */
    public static final String ACCEPTED = "accepted";

    public static final String DUPLICATE = "duplicate";
    /** The outcome label of a request its client gave up on before it was answered (it closed the connection). */
    public static final String ABORTED = "aborted";

    /** Buckets for the latency histograms: from a millisecond (a confirm on an idle broker) to a minute (a backlog). */
    private static final Duration[] LATENCY_BUCKETS = {
        Duration.ofMillis(1),
        Duration.ofMillis(2),
        Duration.ofMillis(5),
        Duration.ofMillis(10),
        Duration.ofMillis(25),
        Duration.ofMillis(50),
        Duration.ofMillis(100),
        Duration.ofMillis(250),
        Duration.ofMillis(500),
        Duration.ofSeconds(1),
        Duration.ofSeconds(2),
        Duration.ofSeconds(5),
        Duration.ofSeconds(10),
        Duration.ofSeconds(30),
        Duration.ofSeconds(60)
    };

    private record WebhookKey(String workflow, String outcome) {}

    /** How many webhooks of a workflow (or {@link #NO_WORKFLOW}) were answered with an outcome, since Werken started. */
    public record WebhookCount(String workflow, String outcome, double count) {}

    private record ActionKey(String workflow, String type, String queue) {}

    private final MeterRegistry registry;
    private final ConcurrentMap<WebhookKey, Counter> webhooks = new ConcurrentHashMap<>();
    private final ConcurrentMap<ActionKey, Counter> published = new ConcurrentHashMap<>();
    private final ConcurrentMap<ActionKey, Counter> skipped = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Counter> deadLettered = new ConcurrentHashMap<>();
    private final Timer dispatchLatency;
    /** The dispatch latency by workflow, for the console's charts ({@link StatsSampler}); not served to Prometheus. */
    private final ConcurrentMap<String, LatencyHistogram> dispatchLatencyByWorkflow = new ConcurrentHashMap<>();

    private final Timer confirmLatency;
    private final Timer eventConfirmLatency;

    public WerkenMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.dispatchLatency = Timer.builder("werken.dispatch.latency")
                .description("From a webhook's acceptance to the broker's confirm of all its actions")
                .serviceLevelObjectives(LATENCY_BUCKETS)
                .register(registry);
        this.confirmLatency = Timer.builder("werken.publish.confirm")
                .description("From a publish to the broker's confirm of that message (events, actions, dead letters)")
                .serviceLevelObjectives(LATENCY_BUCKETS)
                .register(registry);
        this.eventConfirmLatency = Timer.builder("werken.publish.confirm.event")
                .description(
                        "From an event's publish by ingest to the broker's confirm: the floor under a 202's latency")
                .serviceLevelObjectives(LATENCY_BUCKETS)
                .register(registry);
    }

    /** Metrics that go nowhere, for tests and tools that do not serve them. */
    public static WerkenMetrics none() {
        return new WerkenMetrics(new SimpleMeterRegistry());
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** A webhook answered: {@link #ACCEPTED}, {@link #DUPLICATE} or its problem type, for a workflow or {@link #NO_WORKFLOW}. */
    public void webhook(String workflow, String outcome) {
        webhooks.computeIfAbsent(
                        new WebhookKey(workflow == null ? NO_WORKFLOW : workflow, outcome),
                        key -> Counter.builder("werken.webhooks")
                                .description(
                                        "Webhooks answered, by workflow and outcome (accepted, duplicate, or the problem type)")
                                .tag("workflow", key.workflow())
                                .tag("outcome", key.outcome())
                                .register(registry))
                .increment();
    }

    /** An action the broker confirmed. */
    public void actionPublished(String workflow, String type, String queue) {
        published
                .computeIfAbsent(
                        new ActionKey(workflow, type, queue),
                        key -> Counter.builder("werken.actions.published")
                                .description("Action messages the broker confirmed, by workflow, action type and queue")
                                .tag("workflow", key.workflow())
                                .tag("type", key.type())
                                .tag("queue", key.queue())
                                .register(registry))
                .increment();
    }

    /** An action whose condition ({@code when}) did not hold for an event. */
    public void actionSkipped(String workflow, String type) {
        skipped.computeIfAbsent(
                        new ActionKey(workflow, type, ""),
                        key -> Counter.builder("werken.actions.skipped")
                                .description("Actions not published because their condition (when) was false")
                                .tag("workflow", key.workflow())
                                .tag("type", key.type())
                                .register(registry))
                .increment();
    }

    /** An event put on the dead-letter queue, for one of a fixed set of reasons ({@code DeadLetterReason}). */
    public void eventDeadLettered(String reason) {
        deadLettered
                .computeIfAbsent(
                        reason,
                        key -> Counter.builder("werken.events.dead.lettered")
                                .description("Events put on the dead-letter queue, by reason")
                                .tag("reason", key)
                                .register(registry))
                .increment();
    }

    /**
     * The time from an event's acceptance to the confirm of all its actions: into the timer, and into the workflow's
     * own histogram (a map lookup and two striped adds), which the console's charts read.
     */
    public void dispatched(String workflow, long nanos) {
        dispatchLatency.record(Math.max(0, nanos), TimeUnit.NANOSECONDS);
        String key = workflow == null ? NO_WORKFLOW : workflow;
        LatencyHistogram histogram = dispatchLatencyByWorkflow.get(key);
        if (histogram == null) {
            histogram = dispatchLatencyByWorkflow.computeIfAbsent(key, k -> new LatencyHistogram());
        }
        histogram.record(nanos);
    }

    /** Every webhook count so far, by workflow and outcome. */
    public List<WebhookCount> webhookCounts() {
        List<WebhookCount> counts = new ArrayList<>(webhooks.size());
        webhooks.forEach(
                (key, counter) -> counts.add(new WebhookCount(key.workflow(), key.outcome(), counter.count())));
        return counts;
    }

    /** The dispatch latency of each workflow that has dispatched an event since Werken started. */
    public Map<String, LatencyHistogram> dispatchLatencies() {
        return Collections.unmodifiableMap(dispatchLatencyByWorkflow);
    }

    /** The time from one message's publish to its confirm; {@code event}: the message is an event (ingest's). */
    public void confirmed(long nanos, boolean event) {
        confirmLatency.record(nanos, TimeUnit.NANOSECONDS);
        if (event) {
            eventConfirmLatency.record(nanos, TimeUnit.NANOSECONDS);
        }
    }

    /**
     * The workflows file's reloads by result, the number of workflows in use, when they were loaded, and the revision
     * in use (as {@code werken_workflow_revision{revision="..."} 1}).
     */
    public void watch(WorkflowReloader reloader) {
        for (WorkflowReloader.Outcome outcome : WorkflowReloader.Outcome.values()) {
            FunctionCounter.builder("werken.workflow.reloads", reloader, r -> r.count(outcome))
                    .description("Reloads of the workflows file, by result")
                    .tag("result", outcome.name().toLowerCase(java.util.Locale.ROOT))
                    .register(registry);
        }
        Gauge.builder("werken.workflows", reloader, r -> r.current().catalog().size())
                .description("Workflows in the revision in use")
                .register(registry);
        Gauge.builder(
                        "werken.workflow.loaded.timestamp.seconds",
                        reloader,
                        r -> r.current().catalog().loadedAt().toEpochMilli() / 1000.0)
                .description("When the revision in use was loaded (Unix time)")
                .register(registry);
        AtomicReference<Gauge> revision = new AtomicReference<>();
        java.util.function.Consumer<WorkflowCatalog> showRevision = catalog -> {
            Gauge next = Gauge.builder("werken.workflow.revision", () -> 1)
                    .description("The revision of the workflows file in use (the label); always 1")
                    .tag("revision", catalog.revision())
                    .register(registry);
            Gauge before = revision.getAndSet(next);
            if (before != null && before != next) {
                registry.remove(before);
            }
        };
        showRevision.accept(reloader.current().catalog());
        reloader.onReplace(showRevision);
    }
}
