package io.werken.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.werken.core.EventLog;
import io.werken.core.ExchangeProperties;
import io.werken.core.LogContext;
import io.werken.core.ReceivedWebhook;
import io.werken.metrics.WerkenMetrics;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/** Answers a webhook whose event the broker has confirmed: 202 with the event id (see {@link WebhookAccepted}). */
public final class AcceptedResponder implements Processor {

    private final ObjectMapper json;

    private final WerkenMetrics metrics;

    public AcceptedResponder(ObjectMapper json, WerkenMetrics metrics) {
        this.json = json;
        this.metrics = metrics;
    }

    @Override
    public void process(Exchange exchange) throws JsonProcessingException {
        ReceivedWebhook event = exchange.getProperty(ExchangeProperties.EVENT, ReceivedWebhook.class);
        WebhookAccepted.accepted(event).answer(exchange.getMessage(), json, 202);
        metrics.webhook(event.workflowId(), WerkenMetrics.ACCEPTED);
        EventLog.accepted(event.workflowId());
        // The answer is the route's last step: this worker thread is done with the webhook (LogContext).
        LogContext.clear();
    }
}
