package io.werken.http;

import io.vertx.ext.web.RoutingContext;
import java.util.function.Predicate;
import org.apache.camel.Processor;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.apache.camel.component.platform.http.spi.PlatformHttpConsumer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpEngine;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;

/**
 * platform-http's Vert.x engine, pinned to the webhook port. With the management server on a port of its own there
 * are two Vert.x servers, and the stock engine, unable to tell which is meant, would look for a router on 8080.
 * The webhook endpoint itself ({@link #WEBHOOK_PATH}) gets the consumer that runs its route on the event loop
 * ({@link EventLoopWebhookConsumer}); any other route on this port (an own route, say) keeps Camel's, which runs it on
 * a worker thread and so may block.
 */
public final class WebhookHttpEngine extends VertxPlatformHttpEngine {

    /** The path of the ingest route's endpoint. */
    public static final String WEBHOOK_PATH = "/webhook/{workflow_id}";

    private final int port;
    private final Predicate<RoutingContext> mayBlock;

    /** {@code mayBlock}: whether handling this webhook request may wait on the network (it then runs on a worker). */
    public WebhookHttpEngine(int port, Predicate<RoutingContext> mayBlock) {
        this.port = port;
        this.mayBlock = mayBlock;
    }

    @Override
    public int getServerPort() {
        return port;
    }

    @Override
    public PlatformHttpConsumer createConsumer(PlatformHttpEndpoint endpoint, Processor processor) {
        if (!WEBHOOK_PATH.equals(endpoint.getPath())) {
            return super.createConsumer(endpoint, processor);
        }
        return new EventLoopWebhookConsumer(
                endpoint,
                processor,
                getHandlers(),
                VertxPlatformHttpRouter.getRouterNameFromPort(getServerPort()),
                mayBlock);
    }
}
