package io.werken.http;

import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpEngine;

/**
 * platform-http's Vert.x engine, pinned to the webhook port. With the management server on a port of its own there
 * are two Vert.x servers, and the stock engine, unable to tell which is meant, would look for a router on 8080.
 */
public final class WebhookHttpEngine extends VertxPlatformHttpEngine {

    private final int port;

    public WebhookHttpEngine(int port) {
        this.port = port;
    }

    @Override
    public int getServerPort() {
        return port;
    }
}
