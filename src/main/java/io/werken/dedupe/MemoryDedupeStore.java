package io.werken.dedupe;

import java.time.Duration;
import java.util.concurrent.ConcurrentMap;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import org.apache.camel.support.service.ServiceSupport;

/**
 * The in-memory dedupe store: at most {@code maxEntries} keys (least recently used evicted first), each kept for the
 * window after its delivery was accepted, or for {@code pendingTtl} while it is still being accepted.
 */
public final class MemoryDedupeStore extends ServiceSupport implements DedupeStore {

    private enum State { PENDING, CONFIRMED }

    private final ConcurrentMap<String, State> keys;

    public MemoryDedupeStore(Duration window, Duration pendingTtl, long maxEntries) {
        this(window, pendingTtl, maxEntries, Ticker.systemTicker());
    }

    /** With the clock the expiries are measured by (tests pass a fake one). */
    public MemoryDedupeStore(Duration window, Duration pendingTtl, long maxEntries, Ticker ticker) {
        Cache<String, State> cache = Caffeine.newBuilder()
                .ticker(ticker)
                .executor(Runnable::run)
                .maximumSize(maxEntries)
                .expireAfter(new Expiry<String, State>() {
                    @Override
                    public long expireAfterCreate(String key, State state, long now) {
                        return ttl(state);
                    }

                    @Override
                    public long expireAfterUpdate(String key, State state, long now, long remaining) {
                        return ttl(state);
                    }

                    @Override
                    public long expireAfterRead(String key, State state, long now, long remaining) {
                        return remaining;
                    }

                    private long ttl(State state) {
                        return (state == State.PENDING ? pendingTtl : window).toNanos();
                    }
                })
                .build();
        this.keys = cache.asMap();
    }

    @Override
    public boolean add(String key) {
        return keys.putIfAbsent(key, State.PENDING) == null;
    }

    @Override
    public boolean contains(String key) {
        return keys.containsKey(key);
    }

    @Override
    public boolean remove(String key) {
        return keys.remove(key) != null;
    }

    @Override
    public boolean confirm(String key) {
        return keys.replace(key, State.CONFIRMED) != null;
    }

    @Override
    public boolean isConfirmed(String key) {
        return keys.get(key) == State.CONFIRMED;
    }

    @Override
    public void clear() {
        keys.clear();
    }

    @Override
    public void close() {
        keys.clear();
    }
}
