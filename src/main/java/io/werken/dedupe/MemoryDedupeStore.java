package io.werken.dedupe;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.apache.camel.support.service.ServiceSupport;

/**
 * The in-memory dedupe store: each key kept for the window after its delivery was accepted, or for {@code pendingTtl}
 * while it is still being accepted; at most {@code maxEntries} keys, and when full the key accepted longest ago goes
 * first, so a full store shortens the window of its oldest keys only, never of recent ones.
 */
public final class MemoryDedupeStore extends ServiceSupport implements DedupeStore {

    private enum State {
        PENDING,
        CONFIRMED
    }

    private record Entry(State state, long expiresAtNanos) {}

    private final Duration window;
    private final Duration pendingTtl;
    private final long maxEntries;
    private final LongSupplier nanoClock;
    private final ReentrantLock lock = new ReentrantLock();
    /** In the order keys were accepted (a confirmed key moves to the end): the eldest is evicted first. */
    private final LinkedHashMap<String, Entry> keys = new LinkedHashMap<>();

    public MemoryDedupeStore(Duration window, Duration pendingTtl, long maxEntries) {
        this(window, pendingTtl, maxEntries, System::nanoTime);
    }

    /** With the clock the expiries are measured by, in nanoseconds (tests pass a fake one). */
    public MemoryDedupeStore(Duration window, Duration pendingTtl, long maxEntries, LongSupplier nanoClock) {
        this.window = window;
        this.pendingTtl = pendingTtl;
        this.maxEntries = maxEntries;
        this.nanoClock = nanoClock;
    }

    /** In this process's memory: its calls never wait on the network. */
    @Override
    public boolean isRemote() {
        return false;
    }

    @Override
    public boolean add(String key) {
        lock.lock();
        try {
            long now = nanoClock.getAsLong();
            dropExpiredEldest(now);
            if (live(key, now) != null) {
                return false;
            }
            keys.remove(key);
            keys.put(key, new Entry(State.PENDING, now + pendingTtl.toNanos()));
            while (keys.size() > maxEntries) {
                Iterator<String> eldest = keys.keySet().iterator();
                eldest.next();
                eldest.remove();
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean contains(String key) {
        lock.lock();
        try {
            return live(key, nanoClock.getAsLong()) != null;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean remove(String key) {
        lock.lock();
        try {
            return keys.remove(key) != null;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean confirm(String key) {
        lock.lock();
        try {
            long now = nanoClock.getAsLong();
            if (live(key, now) == null) {
                return false;
            }
            // The window starts when the delivery is accepted; the key moves to the young end.
            keys.remove(key);
            keys.put(key, new Entry(State.CONFIRMED, now + window.toNanos()));
            return true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean isConfirmed(String key) {
        lock.lock();
        try {
            Entry entry = live(key, nanoClock.getAsLong());
            return entry != null && entry.state() == State.CONFIRMED;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void clear() {
        lock.lock();
        try {
            keys.clear();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        clear();
    }

    /** The key's entry if it has not expired; an expired one is dropped. Called with the lock held. */
    private Entry live(String key, long now) {
        Entry entry = keys.get(key);
        if (entry != null && now - entry.expiresAtNanos() >= 0) {
            keys.remove(key);
            return null;
        }
        return entry;
    }

    /** Drops expired keys from the old end, so a quiet store does not keep dead keys until it fills up. */
    private void dropExpiredEldest(long now) {
        Iterator<Map.Entry<String, Entry>> eldest = keys.entrySet().iterator();
        while (eldest.hasNext()) {
            if (now - eldest.next().getValue().expiresAtNanos() < 0) {
                return;
            }
            eldest.remove();
        }
    }
}
