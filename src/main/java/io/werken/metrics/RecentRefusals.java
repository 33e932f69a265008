package io.werken.metrics;

import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The last webhooks Werken refused (by default {@value #DEFAULT_CAPACITY}), in memory, for the console and
 * {@code GET /refusals}: when, the workflow if it was known, the status and problem type, the detail the sender was
 * told, its address and the path; never a body. Recorded wherever the webhook port answers a refusal (the ingest
 * route's problem responder, the edge's problem pages and connection guards). A ring that a refusal takes a slot of
 * with one atomic increment and one write: no lock, and nothing at all for an accepted webhook.
 */
public final class RecentRefusals {

    public static final int DEFAULT_CAPACITY = 200;
    /** The longest detail and path kept; a sender's long path or id is cut there. */
    static final int MAX_TEXT = 500;

    /**
     * One refusal.
     *
     * @param at         when, ISO-8601 UTC to the millisecond
     * @param workflowId the workflow, or null if it was refused before one was known (or the path named none)
     * @param status     the HTTP status answered
     * @param type       the problem type's slug ({@code signature-mismatch}), or {@code status-NNN} for a problem
     *                   without one; the same as the outcome label of {@code werken_webhooks_total}
     * @param detail     the problem's detail, as the sender got it
     * @param remote     the address the request came from (the peer: a proxy's, behind one), or null
     * @param path       the request's path, or null
     */
    public record Refusal(
            String at, String workflowId, int status, String type, String detail, String remote, String path) {}

    private record Slot(long sequence, Refusal refusal) {}

    private final Clock clock;
    private final AtomicReferenceArray<Slot> slots;
    private final AtomicLong next = new AtomicLong();

    public RecentRefusals(Clock clock) {
        this(clock, DEFAULT_CAPACITY);
    }

    public RecentRefusals(Clock clock, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        this.clock = clock;
        this.slots = new AtomicReferenceArray<>(capacity);
    }

    /** Keeps a refusal, in place of the oldest once full. */
    public void record(String workflowId, int status, String type, String detail, String remote, String path) {
        Refusal refusal = new Refusal(
                DateTimeFormatter.ISO_INSTANT.format(clock.instant().truncatedTo(ChronoUnit.MILLIS)),
                workflowId,
                status,
                type,
                cut(detail),
                remote,
                cut(path));
        long sequence = next.getAndIncrement();
        slots.set((int) (sequence % slots.length()), new Slot(sequence, refusal));
    }

    /** The refusals held, newest first. */
    public List<Refusal> newestFirst() {
        long end = next.get();
        long start = Math.max(0, end - slots.length());
        List<Refusal> refusals = new ArrayList<>((int) (end - start));
        for (long sequence = end - 1; sequence >= start; sequence--) {
            Slot slot = slots.get((int) (sequence % slots.length()));
            // A slot being written (its sequence taken, its refusal not yet set) or already reused by a newer refusal
            // is left out: the answer never shows a refusal twice or out of order.
            if (slot != null && slot.sequence() == sequence) {
                refusals.add(slot.refusal());
            }
        }
        return refusals;
    }

    public int capacity() {
        return slots.length();
    }

    private static String cut(String text) {
        return text == null || text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT) + "...";
    }
}
