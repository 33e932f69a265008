package io.werken.dispatch;

import io.werken.core.ExchangeProperties;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs each redelivery of a failed dispatch with the event it is about, so an operator can follow one event. */
public final class DispatchRetryLogger implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(DispatchRetryLogger.class);

    @Override
    public void process(Exchange exchange) {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (cause == null) {
            cause = exchange.getException();
        }
        Object eventId = exchange.getProperty(ExchangeProperties.MESSAGE_ID);
        LOG.warn(
                "Retrying dispatch event_id={} attempt={} reason=\"{}\"",
                eventId == null ? "none" : eventId,
                exchange.getIn().getHeader(Exchange.REDELIVERY_COUNTER, Integer.class),
                cause == null ? "unknown" : cause.getMessage());
    }
}
