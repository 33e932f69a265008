package io.werken.it;

import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A client streaming webhooks at Werken: at most {@code total} requests, at most {@code concurrency} in flight, paced
 * at one every {@code interval} so that a stream spans the faults a test injects. Records every outcome.
 */
public final class LoadStream implements AutoCloseable {

    /** One request's outcome: an HTTP status (or -1 for an I/O failure), when it ended, and what came back. */
    public record Outcome(int status, long endedNanos, String eventId, Optional<String> retryAfter, String failure) {}

    private static final Pattern EVENT_ID = Pattern.compile("\"event_id\":\"([^\"]+)\"");

    private final URI uri;
    private final int total;
    private final Semaphore inFlight;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
    private final AtomicInteger sent = new AtomicInteger();
    private final AtomicInteger done = new AtomicInteger();
    private final ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
    private volatile boolean stopped;

    public LoadStream(URI uri, int total, int concurrency) {
        this.uri = uri;
        this.total = total;
        this.inFlight = new Semaphore(concurrency);
    }

    public LoadStream start(Duration interval) {
        ticker.scheduleAtFixedRate(this::tick, 0, interval.toNanos(), TimeUnit.NANOSECONDS);
        return this;
    }

    private void tick() {
        if (stopped || sent.get() >= total || !inFlight.tryAcquire()) {
            return;
        }
        int n = sent.incrementAndGet();
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"n\":" + n + "}"))
                .build();
        http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((response, error) -> {
            long now = System.nanoTime();
            if (error != null) {
                outcomes.add(new Outcome(-1, now, null, Optional.empty(), String.valueOf(error)));
            } else {
                Matcher m = EVENT_ID.matcher(response.body());
                outcomes.add(new Outcome(
                        response.statusCode(),
                        now,
                        response.statusCode() == 202 && m.find() ? m.group(1) : null,
                        response.headers().firstValue("Retry-After"),
                        null));
            }
            done.incrementAndGet();
            inFlight.release();
        });
    }

    public long accepted() {
        return outcomes.stream().filter(o -> o.status() == 202).count();
    }

    /** The outcomes so far, in the order they ended (roughly). */
    public List<Outcome> soFar() {
        return List.copyOf(outcomes);
    }

    public int sent() {
        return sent.get();
    }

    /** Stops sending and waits for the requests in flight. */
    public List<Outcome> finish() {
        stopped = true;
        ticker.shutdownNow();
        await().atMost(Duration.ofSeconds(60)).until(() -> done.get() == sent.get());
        return List.copyOf(outcomes);
    }

    /** Waits until all {@code total} requests were answered. */
    public List<Outcome> awaitAll(Duration atMost) {
        await().atMost(atMost).until(() -> done.get() >= total);
        return finish();
    }

    @Override
    public void close() {
        stopped = true;
        ticker.shutdownNow();
    }
}
