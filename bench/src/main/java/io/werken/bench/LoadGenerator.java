package io.werken.bench;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

/**
 * An HTTP load generator: exactly {@code count} POSTs, each on a kept-alive connection, with every request's latency
 * recorded. Closed loop ({@link #run}): {@code concurrency} in flight at any moment, as fast as the system answers.
 * At a fixed rate ({@link #runAtRate}): the requests are due evenly spaced, at most {@code concurrency} in flight, and a
 * request's latency counts from when it was due, so time spent waiting for a free connection is in it. A webhook counts as accepted only if
 * its answer has exactly the status the system under test promises (202 for Werken, 200 for the original design).
 */
final class LoadGenerator implements AutoCloseable {

    /** What one batch of requests did; {@code eventIds} has the event id of each accepted answer that gave one. */
    record Result(int sent, int accepted, int failed, long firstStartNanos, long lastEndNanos, long[] latencyNanos,
                  String firstFailure, String[] eventIds) {

        /** The event ids the answers gave, in the order the requests were sent. */
        java.util.List<String> acceptedEventIds() {
            return Arrays.stream(eventIds).filter(java.util.Objects::nonNull).toList();
        }

        double requestsPerSecond() {
            return sent / ((lastEndNanos - firstStartNanos) / 1e9);
        }

        double percentileMillis(double p) {
            long[] sorted = latencyNanos.clone();
            Arrays.sort(sorted);
            int index = (int) Math.min(sorted.length - 1, Math.ceil(p / 100.0 * sorted.length) - 1);
            return sorted[Math.max(0, index)] / 1e6;
        }
    }

    private static final String EVENT_ID = "\"event_id\":\"";

    private final Vertx vertx;
    private final HttpClient client;
    private final int port;
    private final int acceptedStatus;

    LoadGenerator(int port, int concurrency, int acceptedStatus) {
        this.port = port;
        this.acceptedStatus = acceptedStatus;
        // One event loop is plenty for a few thousand requests/s and leaves the cores to Werken and the broker.
        this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
        this.client = vertx.createHttpClient(
                new HttpClientOptions().setKeepAlive(true).setPipelining(false).setTcpNoDelay(true),
                new PoolOptions().setHttp1MaxSize(concurrency));
    }

    /** Sends {@code count} webhooks to {@code path} with {@code concurrency} in flight, and waits for all answers. */
    Result run(String path, byte[] body, int count, int concurrency, long timeoutSeconds) throws Exception {
        Batch batch = new Batch(path, body, count);
        AtomicInteger next = new AtomicInteger();
        Runnable[] sendNext = new Runnable[1];
        sendNext[0] = () -> {
            int i = next.getAndIncrement();
            if (i < count) {
                batch.send(i, System.nanoTime(), sendNext[0]);
            }
        };
        vertx.runOnContext(v -> {
            for (int c = 0; c < Math.min(concurrency, count); c++) {
                sendNext[0].run();
            }
        });
        return batch.await(timeoutSeconds);
    }

    /**
     * Sends {@code count} webhooks to {@code path} at {@code perSecond} (due every 1/perSecond s, checked each
     * millisecond), at most {@code concurrency} in flight, and waits for all answers.
     */
    Result runAtRate(String path, byte[] body, int count, int concurrency, double perSecond, long timeoutSeconds)
            throws Exception {
        Batch batch = new Batch(path, body, count);
        double intervalNanos = 1e9 / perSecond;
        // Both run on the client's one event loop: no locks.
        int[] sent = new int[1];
        int[] inFlight = new int[1];
        vertx.runOnContext(v -> vertx.setPeriodic(1, timer -> {
            long now = System.nanoTime();
            while (sent[0] < count && inFlight[0] < concurrency
                    && batch.start + (long) (sent[0] * intervalNanos) <= now) {
                int i = sent[0]++;
                inFlight[0]++;
                batch.send(i, batch.start + (long) (i * intervalNanos), () -> inFlight[0]--);
            }
            if (sent[0] == count) {
                vertx.cancelTimer(timer);
            }
        }));
        return batch.await(timeoutSeconds);
    }

    /** One call's requests: what each answered and how long it took, from {@code from} (when it was sent or due). */
    private final class Batch {

        final RequestOptions options;
        final Buffer payload;
        final int count;
        final long[] latencies;
        final String[] eventIds;
        final AtomicInteger finished = new AtomicInteger();
        final AtomicInteger accepted = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();
        final AtomicLong lastEnd = new AtomicLong();
        final String[] firstFailure = new String[1];
        final CompletableFuture<Void> done = new CompletableFuture<>();
        final long start = System.nanoTime();

        Batch(String path, byte[] body, int count) {
            this.options = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
                    .setURI(path).putHeader("Content-Type", "application/json");
            this.payload = Buffer.buffer(body);
            this.count = count;
            this.latencies = new long[count];
            this.eventIds = new String[count];
        }

        /** Sends request {@code i}; once answered, records it and runs {@code then} (unless it was the last). */
        void send(int i, long from, Runnable then) {
            client.request(options)
                    .compose(request -> request.send(payload))
                    .compose(response -> response.body().map(b -> {
                        if (response.statusCode() != acceptedStatus && firstFailure[0] == null) {
                            firstFailure[0] = response.statusCode() + " " + b;
                        } else if (response.statusCode() == acceptedStatus) {
                            eventIds[i] = eventIdOf(b);
                        }
                        return response.statusCode();
                    }))
                    .onComplete(ar -> {
                        long t1 = System.nanoTime();
                        latencies[i] = t1 - from;
                        lastEnd.accumulateAndGet(t1, Math::max);
                        if (ar.succeeded() && ar.result() == acceptedStatus) {
                            accepted.incrementAndGet();
                        } else {
                            failed.incrementAndGet();
                            if (ar.failed() && firstFailure[0] == null) {
                                firstFailure[0] = String.valueOf(ar.cause());
                            }
                        }
                        if (finished.incrementAndGet() == count) {
                            done.complete(null);
                        } else {
                            then.run();
                        }
                    });
        }

        Result await(long timeoutSeconds) throws Exception {
            done.get(timeoutSeconds, TimeUnit.SECONDS);
            return new Result(count, accepted.get(), failed.get(), start, lastEnd.get(), latencies, firstFailure[0],
                    eventIds);
        }
    }

    /** Werken's 202 names the event ({@code "event_id":"..."}); the original's 200 does not (null). */
    private static String eventIdOf(Buffer body) {
        String text = body.toString();
        int at = text.indexOf(EVENT_ID);
        if (at < 0) {
            return null;
        }
        int from = at + EVENT_ID.length();
        int to = text.indexOf('"', from);
        return to < 0 ? null : text.substring(from, to);
    }

    @Override
    public void close() {
        client.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }
}
