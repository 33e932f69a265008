package io.werken.routes;

import java.util.Properties;

/** What an ingest route test runs: only the ingest routes, on Camel's own platform-http server, without JMX. */
final class IngestRouteProperties {

    private IngestRouteProperties() {
    }

    static Properties on(int port, String receivedQueue) {
        Properties properties = new Properties();
        properties.put("camel.main.routes-include-pattern",
                "classpath:routes/ingest-webhook.camel.yaml,classpath:routes/http-problems.camel.yaml");
        // Camel's own platform-http server: the app uses WebhookHttpServer, a bean of WerkenConfiguration not bound here.
        properties.put("camel.server.enabled", "true");
        properties.put("camel.server.port", Integer.toString(port));
        properties.put("camel.server.host", "127.0.0.1");
        properties.put("camel.management.enabled", "false");
        properties.put("werken.queue.received", receivedQueue);
        return properties;
    }
}
