package io.werken.ingest;

import io.werken.core.ExchangeProperties;
import io.werken.dedupe.DedupeStore;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Confirms a delivery's dedupe key once its event is confirmed, before the 202 goes out (the idempotent consumer's
 * own confirm runs only when the exchange is done, after the answer): whoever has seen the 202 gets 200 duplicate for
 * any repeat. A delivery without a key has nothing to confirm.
 */
public final class DedupeKeyConfirmer implements Processor {

    private final DedupeStore store;

    public DedupeKeyConfirmer(DedupeStore store) {
        this.store = store;
    }

    @Override
    public void process(Exchange exchange) {
        String key = exchange.getProperty(ExchangeProperties.DEDUPE_KEY, String.class);
        if (key != null) {
            store.remember(key);
        }
    }
}
