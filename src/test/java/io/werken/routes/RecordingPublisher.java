package io.werken.routes;

import io.werken.broker.MessagePublisher;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.BiFunction;
import org.springframework.amqp.core.Message;

/**
 * Stands in for the broker's {@code ConfirmedPublisher} in route tests: records what the routes publish, per queue, and can be
 * told to fail the way the broker would.
 */
public final class RecordingPublisher implements MessagePublisher {

    public record Published(String queue, Message message) {}

    private final List<Published> published = Collections.synchronizedList(new ArrayList<>());
    private volatile BiFunction<String, Integer, RuntimeException> failure = (queue, attempt) -> null;
    private final java.util.Map<String, Integer> attempts = new java.util.concurrent.ConcurrentHashMap<>();

    /** All or nothing, as the broker's confirms are for one call: each queue of the batch counts an attempt. */
    @Override
    public void publishAll(List<Outbound> messages) {
        for (String queue : messages.stream().map(Outbound::queue).distinct().toList()) {
            int attempt = attempts.merge(queue, 1, Integer::sum);
            RuntimeException e = failure.apply(queue, attempt);
            if (e != null) {
                throw e;
            }
        }
        messages.forEach(m -> published.add(new Published(m.queue(), m.message())));
    }

    private volatile java.util.concurrent.CompletableFuture<Void> heldConfirms;
    private final java.util.concurrent.atomic.AtomicInteger waitingForConfirm =
            new java.util.concurrent.atomic.AtomicInteger();

    /** As the broker's publisher does: the confirm (or the failure) arrives later, on a thread of its own. */
    @Override
    public java.util.concurrent.CompletableFuture<Void> publishAllAsync(List<Outbound> messages) {
        java.util.concurrent.CompletableFuture<Void> held = heldConfirms;
        if (held == null) {
            return java.util.concurrent.CompletableFuture.runAsync(() -> publishAll(messages));
        }
        waitingForConfirm.incrementAndGet();
        return held.thenRunAsync(() -> publishAll(messages));
    }

    /** From now on no publish made without waiting is confirmed until {@link #releaseConfirms}. */
    public void holdConfirms() {
        heldConfirms = new java.util.concurrent.CompletableFuture<>();
        waitingForConfirm.set(0);
    }

    /** How many publishes made without waiting are held for their confirm. */
    public int waitingForConfirm() {
        return waitingForConfirm.get();
    }

    public void releaseConfirms() {
        java.util.concurrent.CompletableFuture<Void> held = heldConfirms;
        heldConfirms = null;
        if (held != null) {
            held.complete(null);
        }
    }

    /** Decide per queue and attempt number (from 1) whether to fail: return the exception, or null to succeed. */
    public void failWith(BiFunction<String, Integer, RuntimeException> failure) {
        this.failure = failure;
    }

    public int attempts(String queue) {
        return attempts.getOrDefault(queue, 0);
    }

    public List<Message> on(String queue) {
        synchronized (published) {
            return published.stream()
                    .filter(p -> p.queue().equals(queue))
                    .map(Published::message)
                    .toList();
        }
    }
}
