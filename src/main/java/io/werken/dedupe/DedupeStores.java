package io.werken.dedupe;

import io.werken.core.StartupRefusedException;
import java.time.Duration;
import java.util.Locale;

/** Opens the dedupe store {@code WERKEN_DEDUPE_STORE} names, refusing settings that could accept a delivery twice. */
public final class DedupeStores {

    /** The {@code werken.dedupe.*} settings, and the confirm timeout the pending window must outlast. */
    public record Settings(
            String store,
            Duration window,
            Duration pending,
            long maxEntries,
            String redisUri,
            String redisKeyPrefix,
            Duration confirmTimeout) {}

    private DedupeStores() {}

    public static DedupeStore open(Settings settings) {
        if (settings.pending().compareTo(settings.confirmTimeout()) <= 0) {
            // A reservation that expires while its publish may still be confirmed would let a repeat make a second
            // event.
            throw new StartupRefusedException("WERKEN_DEDUPE_PENDING_SECONDS ("
                    + settings.pending().toSeconds() + ") must be longer than WERKEN_CONFIRM_TIMEOUT_MS ("
                    + settings.confirmTimeout().toMillis() + " ms)");
        }
        return switch (settings.store().trim().toLowerCase(Locale.ROOT)) {
            case "memory" -> new MemoryDedupeStore(settings.window(), settings.pending(), settings.maxEntries());
            case "redis" -> {
                try {
                    yield RedisDedupeStore.connect(
                            settings.redisUri(), settings.redisKeyPrefix(), settings.window(), settings.pending());
                } catch (IllegalArgumentException e) {
                    throw new StartupRefusedException(e.getMessage());
                }
            }
            default ->
                throw new StartupRefusedException(
                        "WERKEN_DEDUPE_STORE is '" + settings.store() + "'; it must be memory or redis");
        };
    }
}
