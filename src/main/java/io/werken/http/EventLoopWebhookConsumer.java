package io.werken.http;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import io.werken.core.ExchangeProperties;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Predicate;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.Processor;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.apache.camel.component.platform.http.vertx.PlatformHttpResponses;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The webhook port's platform-http consumer: it runs the route on the request's event loop instead of on a Vert.x
 * worker thread, so no thread waits while the broker confirms the event.
 * <p>
 * Camel's consumer runs every route with a blocking {@code process()} on the worker pool, one worker per request in
 * flight. This one starts the route on the event loop and passes the step that waits (publish-event) an
 * {@link ExchangeProperties#RESUME_ON} executor: that step publishes without blocking and resumes the route on the
 * same event loop once the broker has confirmed, and the answer is written there as Camel's consumer writes it.
 * A request for which {@code mayBlock} holds (a workflow whose deduplication asks a remote store) takes Camel's own
 * path on a worker thread, as does everything while the consumer is suspended.
 */
public final class EventLoopWebhookConsumer extends VertxPlatformHttpConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(EventLoopWebhookConsumer.class);

    private final Predicate<RoutingContext> mayBlock;

    public EventLoopWebhookConsumer(
            PlatformHttpEndpoint endpoint,
            Processor processor,
            List<Handler<RoutingContext>> handlers,
            String routerName,
            Predicate<RoutingContext> mayBlock) {
        super(endpoint, processor, handlers, routerName);
        this.mayBlock = mayBlock;
    }

    @Override
    protected void handleRequest(RoutingContext ctx) {
        if (isSuspended() || mayBlock.test(ctx)) {
            super.handleRequest(ctx);
            return;
        }
        Context eventLoop = Vertx.currentContext();
        Exchange exchange = createExchange(false);
        exchange.setPattern(ExchangePattern.InOut);
        Executor resumeOn = task -> eventLoop.runOnContext(v -> task.run());
        processHttpRequest(exchange, ctx).onComplete(read -> {
            if (read.failed()) {
                fail(exchange, ctx, read.cause());
                return;
            }
            exchange.setProperty(ExchangeProperties.RESUME_ON, resumeOn);
            try {
                createUoW(exchange);
            } catch (Exception e) {
                fail(exchange, ctx, e);
                return;
            }
            getAsyncProcessor().process(exchange, doneSync -> {
                if (Vertx.currentContext() == eventLoop) {
                    answer(exchange, ctx);
                } else {
                    eventLoop.runOnContext(v -> answer(exchange, ctx));
                }
            });
        });
    }

    private void answer(Exchange exchange, RoutingContext ctx) {
        PlatformHttpResponses.write(
                        ctx,
                        exchange,
                        getEndpoint().getHeaderFilterStrategy(),
                        getEndpoint().isMuteException())
                .onComplete(written -> {
                    if (written.succeeded()) {
                        complete(exchange);
                    } else {
                        fail(exchange, ctx, written.cause());
                    }
                });
    }

    /** As Camel's consumer does when a request cannot be read or answered. */
    private void fail(Exchange exchange, RoutingContext ctx, Throwable failure) {
        if (ConnectionGuard.connectionGone(ctx)) {
            // The client left before its answer (HttpErrorPages counts it as aborted): nothing failed here.
            LOG.debug("No answer written event_id=none reason=\"connection closed\" path={}", ctx.normalizedPath());
        } else {
            getExceptionHandler()
                    .handleException(
                            "Failed handling platform-http endpoint "
                                    + getEndpoint().getPath(),
                            failure);
        }
        ctx.fail(failure);
        if (getEndpoint().isHandleWriteResponseError() && failure != null) {
            exchange.setProperty(Exchange.EXCEPTION_CAUGHT, failure);
            exchange.setException(failure);
        }
        complete(exchange);
    }

    private void complete(Exchange exchange) {
        doneUoW(exchange);
        releaseExchange(exchange, false);
    }
}
