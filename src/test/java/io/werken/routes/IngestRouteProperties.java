package io.werken.routes;

import java.util.Properties;

/** What an ingest route test runs: only the ingest routes, on Werken's webhook server, without JMX. */
final class IngestRouteProperties {

    private IngestRouteProperties() {}

    static Properties on(int port, String receivedQueue) {
        Properties properties = new Properties();
        properties.put(
                "camel.main.routes-include-pattern",
                "classpath:routes/ingest-webhook.camel.yaml,classpath:routes/http-problems.camel.yaml");
        properties.put("camel.server.port", Integer.toString(port));
        properties.put("camel.server.host", "127.0.0.1");
        properties.put("camel.management.enabled", "false");
        properties.put("werken.queue.received", receivedQueue);
        properties.put("werken.http.retry-after-seconds", "7");
        return properties;
    }
}
