package io.werken.it;

import io.werken.WerkenApplication;
import io.werken.testing.FreePorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;

/**
 * Werken started in the test JVM exactly as {@code WerkenApplication} starts it, on free ports and with queue names
 * of its own (so test classes never see each other's messages). Close it to stop Werken and delete its queues.
 */
public final class RunningWerken implements AutoCloseable {

    public final int httpPort;
    public final int managementPort;
    public final String receivedQueue;
    public final String actionsQueue;
    public final String deadLetterQueue;
    public final String journalQueue;

    private final String brokerUri;
    private final Main main;
    private final HttpClient http =
            // HTTP/1.1, as the other ITs' clients: the JDK client's h2c upgrade attempt can hang a request past its own
            // timeout (ContractsIT waited 15 minutes on GET /openapi.json once).
            HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();

    private RunningWerken(Map<String, String> overrides) throws Exception {
        String prefix = "it-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        this.httpPort = FreePorts.next();
        this.managementPort = FreePorts.next();
        Map<String, String> properties = new HashMap<>();
        properties.put("camel.server.port", Integer.toString(httpPort));
        properties.put("camel.management.port", Integer.toString(managementPort));
        properties.put("camel.server.host", "127.0.0.1");
        properties.put("camel.management.host", "127.0.0.1");
        properties.put("werken.rabbitmq.uri", Broker.URI_VALUE);
        properties.put("werken.queue.received", prefix + "received_webhooks");
        properties.put("werken.queue.actions", prefix + "required_actions");
        properties.put("werken.journal.queue", prefix + "werken.journal");
        // The embedded journal store under a directory of its own.
        properties.put(
                "werken.embedded.data-dir",
                java.nio.file.Files.createTempDirectory("werken-data-").toString());
        properties.put("camel.main.shutdown-timeout", "5");
        properties.putAll(overrides);
        this.receivedQueue = properties.get("werken.queue.received");
        this.actionsQueue = properties.get("werken.queue.actions");
        this.deadLetterQueue = receivedQueue + ".dlq";
        this.journalQueue = properties.get("werken.journal.queue");
        this.brokerUri = properties.get("werken.rabbitmq.uri");

        main = WerkenApplication.newMain();
        properties.forEach(main::addOverrideProperty);
        main.start();
    }

    /** Starts Werken with the default test settings plus {@code overrides} (application.properties keys). */
    public static RunningWerken start(Map<String, String> overrides) throws Exception {
        return new RunningWerken(overrides);
    }

    public static RunningWerken start() throws Exception {
        return start(Map.of());
    }

    public CamelContext context() {
        return main.getCamelContext();
    }

    public HttpResponse<String> post(String workflowId, String contentType, byte[] body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(webhookUri(workflowId)).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return send(request);
    }

    public HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    public URI webhookUri(String workflowId) {
        return URI.create("http://127.0.0.1:" + httpPort + "/webhook/" + workflowId);
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + httpPort + path);
    }

    public HttpResponse<String> health() throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/observe/health")));
    }

    /**
     * The value of the first sample named {@code name} at /observe/metrics, as Prometheus reads it ("1.0"), or
     * "absent".
     */
    public String metric(String name) throws IOException, InterruptedException {
        HttpResponse<String> metrics =
                send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/observe/metrics")));
        Matcher value = Pattern.compile("(?m)^" + Pattern.quote(name) + "(?:\\{[^}]*\\})? (\\S+)$")
                .matcher(metrics.body());
        return value.find() ? value.group(1) : "absent";
    }

    public void stopDispatch() throws Exception {
        context().getRouteController().stopRoute("dispatch-actions");
    }

    public void startDispatch() throws Exception {
        context().getRouteController().startRoute("dispatch-actions");
    }

    /** Stops Werken and leaves its queues, with what they hold, for the next Werken of the test. */
    public void stopKeepingQueues() {
        main.stop();
    }

    @Override
    public void close() throws Exception {
        main.stop();
        if (brokerUri.isBlank()) {
            // The embedded broker: its queues went with it, into the test's data directory.
            return;
        }
        try (Broker broker = new Broker()) {
            broker.delete(receivedQueue, actionsQueue, deadLetterQueue, journalQueue);
        } catch (IllegalStateException e) {
            // broker unreachable: nothing to clean
        }
    }
}
