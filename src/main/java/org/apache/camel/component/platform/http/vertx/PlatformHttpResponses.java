package org.apache.camel.component.platform.http.vertx;

import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import org.apache.camel.Exchange;
import org.apache.camel.spi.HeaderFilterStrategy;

/**
 * Werken's one door into platform-http's own response writer, which Camel 4.17 keeps package-private: the webhook
 * consumer that does not hold a worker thread ({@code io.werken.http.EventLoopWebhookConsumer}) answers exactly as
 * Camel's consumer does (status, filtered headers, body) rather than with a copy of that code.
 * <p>
 * Camel 4.17.0 offers no supported way: {@code VertxPlatformHttpSupport.writeResponse} and {@code toHttpResponse} are
 * package-private, and {@link VertxPlatformHttpConsumer} writes its answer in a private callback of
 * {@code handleRequest} (its protected hooks, {@code processHttpRequest} and {@code populateCamelMessage}, only read the
 * request). {@code PlatformHttpResponsesTest} fails on a Camel upgrade, so that this door is checked then.
 */
public final class PlatformHttpResponses {

    private PlatformHttpResponses() {}

    /** Writes {@code exchange}'s message as the response to {@code ctx}, as {@link VertxPlatformHttpConsumer} does. */
    public static Future<Void> write(
            RoutingContext ctx, Exchange exchange, HeaderFilterStrategy headerFilterStrategy, boolean muteExceptions) {
        return VertxPlatformHttpSupport.writeResponse(ctx, exchange, headerFilterStrategy, muteExceptions);
    }
}
