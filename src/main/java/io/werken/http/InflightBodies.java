package io.werken.http;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The request-body bytes that unfinished requests may hold in the heap, shared by both ports
 * ({@code WERKEN_MAX_INFLIGHT_BODY_BYTES}): a request reserves its body's size when it starts and releases it when it
 * is answered or its connection closes, and one that finds no room is refused (503) before its body is read. Each
 * connection also has a small allowance that needs no reservation ({@link #allowance()}), so that webhooks of everyday
 * size still get through while large bodies have taken the whole budget; all allowances together are bounded by the
 * connection limit.
 */
public final class InflightBodies {

    private final long budget;
    private final long allowance;
    private final AtomicLong reserved = new AtomicLong();

    /** {@code maxConnections}: the webhook port's connection limit, over which the allowance is spread. */
    public InflightBodies(long budget, int maxConnections) {
        if (budget <= 0 || maxConnections <= 0) {
            throw new IllegalArgumentException(
                    "WERKEN_MAX_INFLIGHT_BODY_BYTES and WERKEN_MAX_CONNECTIONS must be positive");
        }
        this.budget = budget;
        this.allowance = budget / maxConnections;
    }

    /** Takes {@code bytes} from the budget, or nothing if they do not fit. */
    boolean tryReserve(long bytes) {
        long now;
        do {
            now = reserved.get();
            if (now + bytes > budget) {
                return false;
            }
        } while (!reserved.compareAndSet(now, now + bytes));
        return true;
    }

    void release(long bytes) {
        if (bytes > 0) {
            reserved.addAndGet(-bytes);
        }
    }

    /** Body bytes any request may hold without a reservation. */
    long allowance() {
        return allowance;
    }

    public long budget() {
        return budget;
    }

    /** Bytes reserved right now (for tests and the log). */
    public long reserved() {
        return reserved.get();
    }
}
