package io.werken.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.werken.broker.AmqpMessages;
import io.werken.broker.MessagePublisher;
import io.werken.broker.MessagePublisher.Outbound;
import io.werken.core.ExchangeProperties;
import io.werken.core.LogContext;
import io.werken.core.ReceivedWebhook;
import io.werken.core.TraceContext;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorSupport;
import org.springframework.amqp.core.Message;

/**
 * Publishes the accepted webhook's event (the {@link ReceivedWebhook} in {@link ExchangeProperties#EVENT}) to
 * {@code received_webhooks} as a persistent JSON message whose {@code message_id} is the event id, with its
 * {@code traceparent} header, and continues the route once the broker has confirmed it. The envelope carries the body's
 * bytes as its payload, unchanged ({@code ReceivedWebhookSerializer}): no tree is written anew per webhook.
 * <p>
 * When the route runs on an event loop ({@link ExchangeProperties#RESUME_ON} is set) nothing waits for the confirm:
 * the route resumes on that event loop when it arrives (or fails with the publisher's error). Otherwise (a worker
 * thread) the step blocks until the confirm, as a plain processor would.
 */
public final class EventPublisher extends AsyncProcessorSupport {

    /** The AMQP {@code type} of an event on the received queue. */
    public static final String TYPE = ReceivedWebhook.AMQP_TYPE;

    private final MessagePublisher publisher;
    private final ObjectMapper json;
    private final Clock clock;
    private final String receivedQueue;

    public EventPublisher(MessagePublisher publisher, ObjectMapper json, Clock clock, String receivedQueue) {
        this.publisher = publisher;
        this.json = json;
        this.clock = clock;
        this.receivedQueue = receivedQueue;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        ReceivedWebhook event = exchange.getProperty(ExchangeProperties.EVENT, ReceivedWebhook.class);
        TraceContext trace = exchange.getProperty(ExchangeProperties.TRACE, TraceContext.class);
        List<Outbound> outbound;
        try {
            outbound = List.of(new Outbound(receivedQueue, message(event, trace)));
        } catch (JsonProcessingException | RuntimeException e) {
            exchange.setException(e);
            callback.done(true);
            return true;
        }
        Executor resumeOn = exchange.getProperty(ExchangeProperties.RESUME_ON, Executor.class);
        if (resumeOn == null) {
            try {
                publisher.publishAll(outbound);
            } catch (RuntimeException e) {
                exchange.setException(e);
            }
            callback.done(true);
            return true;
        }
        CompletableFuture<Void> confirmed;
        try {
            confirmed = publisher.publishAllAsync(outbound);
        } catch (RuntimeException e) {
            exchange.setException(e);
            callback.done(true);
            return true;
        }
        // The event loop moves on to other webhooks until the confirm: none of them logs with this one's ids.
        LogContext.clear();
        confirmed.whenComplete((ok, failure) -> resumeOn.execute(() -> {
            // The event loop has served other webhooks meanwhile: this one's log lines carry its own ids again.
            LogContext.resume(trace, event.eventId());
            if (failure != null) {
                exchange.setException(
                        failure instanceof CompletionException && failure.getCause() != null
                                ? failure.getCause()
                                : failure);
            }
            callback.done(false);
        }));
        return false;
    }

    private Message message(ReceivedWebhook event, TraceContext trace) throws JsonProcessingException {
        Message message = AmqpMessages.persistentJson(json.writeValueAsBytes(event), event.eventId(), TYPE, clock);
        message.getMessageProperties().setHeader(TraceContext.HEADER, trace.traceparent());
        return message;
    }
}
