package io.werken.ingest;

import io.werken.core.LogContext;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * The ingest route's completion step (forget-log-context): the worker thread that ran the route forgets the webhook's
 * trace and event ids before the answer goes out. platform-http completes the exchange on the event loop, so a
 * completion callback would clear the wrong thread's MDC.
 */
public final class LogContextCleaner implements Processor {

    @Override
    public void process(Exchange exchange) {
        LogContext.clear();
    }
}
