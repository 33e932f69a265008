package io.werken.dedupe;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.spi.IdempotentRepository;
import org.slf4j.LoggerFactory;

/**
 * The idempotent repository behind the ingest route's {@code idempotentConsumer}. A key is added (eagerly) when a
 * delivery starts, confirmed once its event is published, and removed if publishing failed; between add and confirm
 * it is pending, so a repeat can tell "already accepted" from "still being accepted".
 */
public interface DedupeStore extends IdempotentRepository, AutoCloseable {

    /**
     * True if its calls wait on the network (a shared store): webhooks it deduplicates are then handled on a worker
     * thread, never on an event loop.
     */
    default boolean isRemote() {
        return true;
    }

    /** Where it is, for health details: {@code memory}, or the Redis host and port (never a password). */
    default String describe() {
        return "memory";
    }

    /** Null when it answers now; otherwise why not, in one line. */
    default String problem() {
        return null;
    }

    /** True once the delivery with this key has been accepted (its event confirmed by the broker). */
    boolean isConfirmed(String key);

    /**
     * Confirms the key of a delivery whose event the broker has just confirmed. The event is accepted whatever happens
     * here: if the store cannot be reached, the key simply stays pending until it expires, and the caller still gets
     * its 202 (a 503 now would make the sender send a second event).
     */
    default boolean remember(String key) {
        try {
            return confirm(key);
        } catch (DedupeStoreUnavailableException e) {
            LoggerFactory.getLogger(DedupeStore.class)
                    .warn(
                            "Delivery {} accepted, but the dedupe store could not" + " confirm it: {}",
                            key,
                            e.getMessage());
            return false;
        }
    }

    /**
     * Camel's idempotentConsumer (with skipDuplicate=false) also completes a duplicate's exchange against the key: a
     * repeat must never confirm, or by failing remove, the key of the delivery it repeats.
     */
    @Override
    default boolean confirm(Exchange exchange, String key) {
        return !isDuplicate(exchange) && confirm(key);
    }

    @Override
    default boolean remove(Exchange exchange, String key) {
        return !isDuplicate(exchange) && remove(key);
    }

    private static boolean isDuplicate(Exchange exchange) {
        return exchange != null && exchange.getProperty(ExchangePropertyKey.DUPLICATE_MESSAGE, false, Boolean.class);
    }

    @Override
    default void close() {}
}
