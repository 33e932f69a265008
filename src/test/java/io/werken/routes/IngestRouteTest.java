package io.werken.routes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.werken.broker.PublishFailedException;
import io.werken.testing.FreePorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;
import org.apache.camel.util.CaseInsensitiveMap;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.AmqpConnectException;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;

/** The ingest-webhook route with the application's wiring, the broker replaced by a {@link RecordingPublisher}. */
class IngestRouteTest extends CamelMainTestSupport {

    private static final String QUEUE = "test.received_webhooks";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final int PORT = FreePorts.next();
    private final RecordingPublisher publisher = new RecordingPublisher();
    private final AtomicReference<Map<String, Object>> headersSeenByTheRoute = new AtomicReference<>(Map.of());
    private final java.util.List<Map<String, String>> logContextOnEntry =
            java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    private final HttpClient http = HttpClient.newHttpClient();

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        Properties properties = IngestRouteProperties.on(PORT, QUEUE);
        // One worker thread: every request runs on the thread the one before ran on.
        properties.put("werken.http.worker-threads", "1");
        return properties;
    }

    @Override
    protected void configure(MainConfigurationProperties configuration) {
        RouteTestWiring.of(configuration, publisher);
    }

    /** Records the headers the route was given, just before the validator sees them. */
    @Override
    protected void doPostSetup() throws Exception {
        AdviceWith.adviceWith(context, "ingest-webhook", route -> {
            route.weaveById("validate-webhook")
                    .before()
                    .process(exchange -> headersSeenByTheRoute.set(
                            new CaseInsensitiveMap(exchange.getMessage().getHeaders())));
            route.weaveById("read-trace-context").before().process(exchange -> {
                Map<String, String> mdc = org.slf4j.MDC.getCopyOfContextMap();
                logContextOnEntry.add(mdc == null ? Map.of() : mdc);
            });
        });
    }

    private HttpResponse<String> post(String body) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + PORT + "/webhook/mi-workflow"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aWebhooksTraceAndEventIdsDoNotReachTheNextRequestOnTheSameThread() throws Exception {
        assertThat(post("{\"user_id\": 1}").statusCode()).isEqualTo(202);
        assertThat(post("not json").statusCode()).isEqualTo(400);
        assertThat(post("{\"user_id\": 3}").statusCode()).isEqualTo(202);

        assertThat(logContextOnEntry)
                .hasSize(3)
                .allSatisfy(mdc -> assertThat(mdc).doesNotContainKeys("trace_id", "event_id"));
    }

    @Test
    void noThreadWaitsWhileTheBrokerConfirms() throws Exception {
        // One worker thread (see the properties): were the route to wait for its confirm on a worker, only one of
        // these webhooks could reach the broker until that confirm arrived.
        publisher.holdConfirms();
        int webhooks = 8;
        java.util.List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> answers =
                new java.util.ArrayList<>();
        for (int i = 0; i < webhooks; i++) {
            answers.add(http.sendAsync(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + PORT + "/webhook/mi-workflow"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"n\": " + i + "}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        try {
            org.awaitility.Awaitility.await()
                    .atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> publisher.waitingForConfirm() == webhooks);
            assertThat(answers).noneMatch(java.util.concurrent.CompletableFuture::isDone);
        } finally {
            publisher.releaseConfirms();
        }
        for (java.util.concurrent.CompletableFuture<HttpResponse<String>> answer : answers) {
            assertThat(answer.get(10, java.util.concurrent.TimeUnit.SECONDS).statusCode())
                    .isEqualTo(202);
        }
        assertThat(publisher.on(QUEUE)).hasSize(webhooks);
    }

    @Test
    void aSendersTraceIsContinuedOnTheEventWithWerkensOwnSpan() throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + PORT + "/webhook/mi-workflow"))
                        .header("Content-Type", "application/json")
                        .header("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
                        .POST(HttpRequest.BodyPublishers.ofString("{}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(202);
        String traceparent = (String) publisher
                .on(QUEUE)
                .get(publisher.on(QUEUE).size() - 1)
                .getMessageProperties()
                .getHeader("traceparent");
        assertThat(traceparent)
                .startsWith("00-4bf92f3577b34da6a3ce929d0e0e4736-")
                .doesNotContain("00f067aa0ba902b7")
                .endsWith("-01");
    }

    @Test
    void anAcceptedWebhookIsPublishedOnceAsADocumentedEnvelope() throws Exception {
        HttpResponse<String> response = post("{\"user_id\": 123}");

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode answer = JSON.readTree(response.body());
        String eventId = answer.get("event_id").asText();
        assertThat(answer.fieldNames()).toIterable().containsExactly("event_id", "workflow_id", "status");
        assertThat(answer.get("workflow_id").asText()).isEqualTo("mi-workflow");
        assertThat(answer.get("status").asText()).isEqualTo("accepted");
        assertThat(publisher.on(QUEUE)).hasSize(1);
        Message message = publisher.on(QUEUE).get(0);
        assertThat(message.getMessageProperties().getMessageId()).isEqualTo(eventId);
        assertThat(message.getMessageProperties().getType()).isEqualTo("webhook.received");
        assertThat(message.getMessageProperties().getAppId()).isEqualTo("werken");
        assertThat(message.getMessageProperties().getContentType()).isEqualTo("application/json");
        assertThat(message.getMessageProperties().getContentEncoding()).isEqualTo("utf-8");
        assertThat(message.getMessageProperties().getTimestamp()).isNotNull();
        // Only the trace context, a new trace since the sender sent none.
        assertThat(message.getMessageProperties().getHeaders()).containsOnlyKeys("traceparent");
        assertThat((String) message.getMessageProperties().getHeader("traceparent"))
                .matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
        assertThat(message.getMessageProperties().getDeliveryMode()).isEqualTo(MessageDeliveryMode.PERSISTENT);
        JsonNode envelope = JSON.readTree(message.getBody());
        assertThat(envelope.get("payload").get("user_id").asInt()).isEqualTo(123);
    }

    @Test
    void theEnvelopeCarriesTheBodyExactlyAsSent() throws Exception {
        // Spaces, line breaks, the sender's key order, number spellings and escapes Jackson would write otherwise.
        String value = "{\"zeta\": 1.0,\n  \"alpha\" : [1e2, -0, 0.50, 1E-3, 12345678901234567890123],\r\n"
                + "\t\"m\": {\"caf\\u00e9\": \"\u00e9\u2713\ud83d\ude00 \\\"q\\\" \\/\"}, \"n\": null }";
        // A UTF-8 byte order mark and whitespace around the value, which the envelope cannot carry, are left out.
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        byte[] text = (" \r\n" + value + "\n\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] body = java.util.Arrays.copyOf(bom, bom.length + text.length);
        System.arraycopy(text, 0, body, bom.length, text.length);

        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + PORT + "/webhook/mi-workflow"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(202);
        String eventId = JSON.readTree(response.body()).get("event_id").asText();
        Message message = publisher.on(QUEUE).get(publisher.on(QUEUE).size() - 1);
        String envelope = new String(message.getBody(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(envelope)
                .startsWith("{\"event_id\":\"" + eventId + "\",\"workflow_id\":\"mi-workflow\",")
                .endsWith(",\"headers\":{},\"payload\":" + value + "}");
        JsonNode read = JSON.readTree(message.getBody());
        assertThat(read.fieldNames())
                .toIterable()
                .containsExactly("event_id", "workflow_id", "workflow_revision", "received_at", "headers", "payload");
        assertThat(read.get("payload")).isEqualTo(JSON.readTree(value));
    }

    @Test
    void aBodyWithADuplicateKeyIsStillRefused() throws Exception {
        HttpResponse<String> response = post("{\"user_id\": 1, \"user_id\": 2}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(response.body()).get("detail").asText()).contains("Duplicate field 'user_id'");
        assertThat(publisher.on(QUEUE)).isEmpty();
    }

    @Test
    void onlyTheContentTypeHeaderEntersTheRouteAndNeverFromTheQueryString() throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + PORT
                                + "/webhook/mi-workflow?Content-Type=text/plain&CamelHttpResponseCode=200&X-Custom=q"))
                        .header("Content-Type", "application/json")
                        .header("X-Custom", "secret")
                        .header("CamelSpringRabbitmqRoutingOverrideKey", "elsewhere")
                        .header("Authorization", "Bearer token")
                        .POST(HttpRequest.BodyPublishers.ofString("{}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(202);
        Map<String, Object> seen = headersSeenByTheRoute.get();
        assertThat(seen).containsEntry("Content-Type", "application/json");
        assertThat(seen).containsEntry("workflow_id", "mi-workflow");
        assertThat(seen.keySet())
                .noneMatch(h -> h.equalsIgnoreCase("X-Custom") || h.equalsIgnoreCase("Authorization"))
                .doesNotContain("CamelSpringRabbitmqRoutingOverrideKey");
        assertThat(seen.get("CamelHttpResponseCode")).isNull();
        assertThat(response.headers().map().keySet())
                .noneMatch(h -> h.toLowerCase().startsWith("camel"));
    }

    @Test
    void aMissingConfirmIs503WithRetryAfter() throws Exception {
        publisher.failWith((queue, attempt) -> new PublishFailedException("No publisher confirm within 5000 ms"));

        HttpResponse<String> response = post("{}");

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).hasValue("7");
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(JSON.readTree(response.body()).get("type").asText())
                .isEqualTo("urn:werken:problem:broker-unavailable");
    }

    @Test
    void aLostConnectionIs503() throws Exception {
        publisher.failWith((queue, attempt) -> new AmqpConnectException(new java.net.ConnectException("refused")));

        HttpResponse<String> response = post("{}");

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.body()).doesNotContain("refused");
    }

    @Test
    void anUnexpectedFailureIs500WithoutInternals() throws Exception {
        publisher.failWith((queue, attempt) -> new IllegalStateException("secret internal state"));

        HttpResponse<String> response = post("{}");

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(JSON.readTree(response.body()).get("type").asText()).isEqualTo("urn:werken:problem:internal-error");
        assertThat(response.body()).doesNotContain("secret").doesNotContain("Exception");
    }
}
