package io.werken.ingest;

import io.werken.core.ExchangeProperties;
import io.werken.core.LogContext;
import io.werken.core.TraceContext;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.platform.http.vertx.HttpMessage;

/**
 * The ingest route's first step: the webhook's trace. A sender's valid {@code traceparent} is continued with a span of
 * Werken's; a missing or invalid one starts a new trace (an invalid header is never passed on). The result is in
 * {@link ExchangeProperties#TRACE}, and every log line about the webhook from here on carries its trace id.
 */
public final class TraceContextReader implements Processor {

    @Override
    public void process(Exchange exchange) {
        TraceContext trace = TraceContext.continueOrStart(traceparent(exchange.getMessage()));
        exchange.setProperty(ExchangeProperties.TRACE, trace);
        LogContext.begin(exchange, trace);
    }

    /** The request's own header where there is one (a repeated header is not valid: no trace to continue). */
    private static String traceparent(Message in) {
        if (in instanceof HttpMessage http && http.getRequest() != null) {
            java.util.List<String> values = http.getRequest().headers().getAll(TraceContext.HEADER);
            return values.size() == 1 ? values.get(0) : null;
        }
        return in.getHeader(TraceContext.HEADER, String.class);
    }
}
