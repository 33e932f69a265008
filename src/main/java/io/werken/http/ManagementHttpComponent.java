package io.werken.http;

import org.apache.camel.component.platform.http.PlatformHttpComponent;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpEngine;

/**
 * platform-http on the management port, for Werken's own management routes ({@code management-http:/workflows}):
 * Camel's management server owns that port's Vert.x router, and this component's engine serves routes from it.
 */
public final class ManagementHttpComponent extends PlatformHttpComponent {

    /** The component's name in routes. */
    public static final String NAME = "management-http";

    public ManagementHttpComponent(int managementPort) {
        setEngine(new ManagementEngine(managementPort));
    }

    /**
     * Vert.x's engine, pinned to the management port. Camel's engine binds itself in the registry as
     * {@code platform-http-engine} when it starts, which would take the webhook routes to this port: this one does not.
     */
    private static final class ManagementEngine extends VertxPlatformHttpEngine {

        private final int port;

        ManagementEngine(int port) {
            this.port = port;
        }

        @Override
        protected void doInit() {
            // Not bound in the registry: platform-http-engine stays the webhook port's.
        }

        @Override
        public int getServerPort() {
            return port;
        }
    }
}
