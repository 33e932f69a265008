package io.werken.dedupe;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.spi.IdempotentRepository;

/**
 * The idempotent repository behind the ingest route's {@code idempotentConsumer}. A key is added (eagerly) when a
 * delivery starts, confirmed once its event is published, and removed if publishing failed; between add and confirm
 * it is pending, so a repeat can tell "already accepted" from "still being accepted".
 */
public interface DedupeStore extends IdempotentRepository, AutoCloseable {

    /** True once the delivery with this key has been accepted (its event confirmed by the broker). */
    boolean isConfirmed(String key);

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
    default void close() {
    }
}
