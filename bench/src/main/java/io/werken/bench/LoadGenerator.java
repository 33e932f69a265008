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
 * A closed-loop HTTP load generator: exactly {@code count} POSTs, {@code concurrency} in flight at any moment, each
 * on a kept-alive connection of its own, with every request's latency recorded. A webhook counts as accepted only if
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
        Buffer payload = Buffer.buffer(body);
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
                .setURI(path).putHeader("Content-Type", "application/json");
        long[] latencies = new long[count];
        String[] eventIds = new String[count];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger finished = new AtomicInteger();
        AtomicInteger accepted = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicLong lastEnd = new AtomicLong();
        String[] firstFailure = new String[1];
        CompletableFuture<Void> done = new CompletableFuture<>();
        long start = System.nanoTime();

        Runnable[] sendNext = new Runnable[1];
        sendNext[0] = () -> {
            int i = next.getAndIncrement();
            if (i >= count) {
                return;
            }
            long t0 = System.nanoTime();
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
                        latencies[i] = t1 - t0;
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
                            sendNext[0].run();
                        }
                    });
        };
        vertx.runOnContext(v -> {
            for (int c = 0; c < Math.min(concurrency, count); c++) {
                sendNext[0].run();
            }
        });
        done.get(timeoutSeconds, TimeUnit.SECONDS);
        return new Result(count, accepted.get(), failed.get(), start, lastEnd.get(), latencies, firstFailure[0],
                eventIds);
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
