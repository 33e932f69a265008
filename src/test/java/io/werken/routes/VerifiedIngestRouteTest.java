package io.werken.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.werken.broker.PublishFailedException;
import io.werken.testing.FreePorts;
import io.werken.verify.TestSigner;
import io.werken.workflow.SecretResolver;
import io.werken.workflow.WorkflowCatalog;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;
import org.junit.jupiter.api.Test;

/**
 * The ingest route with signature verification and the in-memory dedupe store, the broker replaced by a
 * {@link RecordingPublisher}: what a sender sees, and what gets published.
 */
class VerifiedIngestRouteTest extends CamelMainTestSupport {

    private static final String QUEUE = "test.received_webhooks";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SW_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final String SW_OLD_SECRET = "whsec_c2VjcmV0LWJlZm9yZS10aGUtcm90YXRpb24=";
    private static final String GH_SECRET = "It's a Secret to Everybody";
    private static final String PARTNER_SECRET = "partner-secret";

    private static final int PORT = FreePorts.next();
    private final RecordingPublisher publisher = new RecordingPublisher();
    private final HttpClient http = HttpClient.newHttpClient();

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        return IngestRouteProperties.on(PORT, QUEUE);
    }

    @Override
    protected void configure(MainConfigurationProperties configuration) {
        Path fixture = Path.of("src/test/resources/fixtures/workflows/verified.json");
        try (InputStream in = Files.newInputStream(fixture)) {
            RouteTestWiring.of(
                    configuration,
                    publisher,
                    WorkflowCatalog.load(
                            fixture.toString(),
                            in,
                            WorkflowCatalog.Settings.withSecrets(SecretResolver.of(Map.of(
                                    "SW_SECRET",
                                    SW_SECRET,
                                    "SW_OLD_SECRET",
                                    SW_OLD_SECRET,
                                    "GH_SECRET",
                                    GH_SECRET,
                                    "PARTNER_SECRET",
                                    PARTNER_SECRET)))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private HttpResponse<String> post(String workflow, byte[] body, Map<String, String> headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + PORT + "/webhook/" + workflow))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Map<String, String> standardHeaders(String secret, String id, long timestamp, byte[] body) {
        return Map.of(
                "webhook-id",
                id,
                "webhook-timestamp",
                Long.toString(timestamp),
                "webhook-signature",
                TestSigner.standardWebhooks(secret, id, timestamp, body));
    }

    private static String type(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body()).get("type").asText();
    }

    @Test
    void aStandardWebhookSignedWithTheCurrentOrThePreviousSecretIsAccepted() throws Exception {
        byte[] body = "{\"type\": \"user.created\"}".getBytes(StandardCharsets.UTF_8);
        long now = Instant.now().getEpochSecond();

        HttpResponse<String> current =
                post("sw", body, standardHeaders(SW_SECRET, "msg_" + UUID.randomUUID(), now, body));
        HttpResponse<String> previous =
                post("sw", body, standardHeaders(SW_OLD_SECRET, "msg_" + UUID.randomUUID(), now, body));

        assertThat(current.statusCode()).isEqualTo(202);
        assertThat(previous.statusCode()).isEqualTo(202);
        assertThat(publisher.on(QUEUE)).hasSize(2);
    }

    @Test
    void aWrongSignatureIs401NamingTheCheckAndRevealingNoSecretAndNothingIsPublished() throws Exception {
        byte[] body = "{\"type\": \"user.created\"}".getBytes(StandardCharsets.UTF_8);
        long now = Instant.now().getEpochSecond();
        Map<String, String> headers = standardHeaders(
                "whsec_"
                        + java.util.Base64.getEncoder()
                                .encodeToString("not-the-secret".getBytes(StandardCharsets.UTF_8)),
                "msg_1",
                now,
                body);
        String expected = TestSigner.standardWebhooks(SW_SECRET, "msg_1", now, body);

        HttpResponse<String> response = post("sw", body, headers);

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(type(response)).isEqualTo("urn:werken:problem:signature-mismatch");
        assertThat(response.body())
                .doesNotContain(SW_SECRET.substring(6))
                .doesNotContain(expected.substring(3))
                .doesNotContain(SW_OLD_SECRET.substring(6));
        assertThat(publisher.on(QUEUE)).isEmpty();
    }

    @Test
    void eachFailedCheckHasItsOwnProblemType() throws Exception {
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        long now = Instant.now().getEpochSecond();

        assertThat(type(post("sw", body, Map.of()))).isEqualTo("urn:werken:problem:signature-missing");
        assertThat(type(post(
                        "sw",
                        body,
                        Map.of("webhook-id", "m", "webhook-timestamp", "yesterday", "webhook-signature", "v1,AAAA"))))
                .isEqualTo("urn:werken:problem:signature-malformed");
        assertThat(type(post("sw", body, standardHeaders(SW_SECRET, "m", now - 301, body))))
                .isEqualTo("urn:werken:problem:timestamp-out-of-tolerance");
        assertThat(type(post("gh", body, Map.of("X-Hub-Signature-256", "sha1=abc"))))
                .isEqualTo("urn:werken:problem:signature-malformed");
        assertThat(publisher.on(QUEUE)).isEmpty();
    }

    @Test
    void githubAndHmacSchemesVerifyTheirHeaders() throws Exception {
        byte[] body = "{\"action\": \"opened\"}".getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> github =
                post("gh", body, Map.of("X-Hub-Signature-256", TestSigner.github(GH_SECRET, body)));
        HttpResponse<String> partner = post(
                "partner",
                body,
                Map.of("X-Signature", "sig=" + TestSigner.hmacBase64("HmacSHA512", PARTNER_SECRET, body)));
        HttpResponse<String> reserialised = post(
                "gh",
                "{\"action\":\"opened\"}".getBytes(StandardCharsets.UTF_8),
                Map.of("X-Hub-Signature-256", TestSigner.github(GH_SECRET, body)));

        assertThat(github.statusCode()).isEqualTo(202);
        assertThat(partner.statusCode()).isEqualTo(202);
        assertThat(reserialised.statusCode()).isEqualTo(401);
        assertThat(type(reserialised)).isEqualTo("urn:werken:problem:signature-mismatch");
        assertThat(publisher.on(QUEUE)).hasSize(2);
    }

    @Test
    void aSignatureHeaderSentTwiceIsRefused() throws Exception {
        // java.net.http sends only one of two same-named headers: write the request by hand.
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        String request = "POST /webhook/gh HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "X-Hub-Signature-256: sha256=00\r\n"
                + "X-Hub-Signature-256: " + TestSigner.github(GH_SECRET, body) + "\r\n"
                + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n{}";
        String response;
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", PORT)) {
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }

        assertThat(response)
                .startsWith("HTTP/1.1 401")
                .contains("urn:werken:problem:signature-malformed")
                .contains("sent more than once");
        assertThat(publisher.on(QUEUE)).isEmpty();
    }

    @Test
    void verificationSeesTheExactBytesReceivedBeforeAnyParsing() throws Exception {
        // Not valid UTF-8: a body decoded to text and re-encoded would no longer match its signature.
        byte[] body = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};

        HttpResponse<String> response =
                post("gh", body, Map.of("X-Hub-Signature-256", TestSigner.github(GH_SECRET, body)));

        assertThat(response.statusCode())
                .as("the signature passed, then the JSON check refused the bytes")
                .isEqualTo(400);
        assertThat(type(response)).isEqualTo("urn:werken:problem:invalid-json");
    }

    @Test
    void aRepeatedDeliveryIs200DuplicateWithTheOriginalEventIdAndPublishesNothing() throws Exception {
        byte[] body = "{\"type\": \"user.created\"}".getBytes(StandardCharsets.UTF_8);
        Map<String, String> headers = standardHeaders(
                SW_SECRET, "msg_" + UUID.randomUUID(), Instant.now().getEpochSecond(), body);

        HttpResponse<String> first = post("sw", body, headers);
        HttpResponse<String> repeat = post("sw", body, headers);

        assertThat(first.statusCode()).isEqualTo(202);
        assertThat(repeat.statusCode()).isEqualTo(200);
        assertThat(repeat.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode original = JSON.readTree(first.body());
        JsonNode duplicate = JSON.readTree(repeat.body());
        assertThat(duplicate.get("event_id")).isEqualTo(original.get("event_id"));
        assertThat(duplicate.get("workflow_id").asText()).isEqualTo("sw");
        assertThat(duplicate.get("status").asText()).isEqualTo("duplicate");
        assertThat(publisher.on(QUEUE)).hasSize(1);
        assertThat(publisher.on(QUEUE).get(0).getMessageProperties().getMessageId())
                .isEqualTo(original.get("event_id").asText());
    }

    @Test
    void keysComeFromIdempotencyKeyOrTheWorkflowsPayloadPathPerWorkflow() throws Exception {
        String key = UUID.randomUUID().toString();
        byte[] order = ("{\"id\": \"" + key + "\", \"total\": 10}").getBytes(StandardCharsets.UTF_8);
        byte[] sameOrderRetried =
                ("{\"id\": \"" + key + "\", \"total\": 10, \"attempt\": 2}").getBytes(StandardCharsets.UTF_8);

        assertThat(post("orders", order, Map.of()).statusCode()).isEqualTo(202);
        assertThat(post("orders", sameOrderRetried, Map.of()).statusCode()).isEqualTo(200);
        assertThat(post("orders", "{}".getBytes(), Map.of("Idempotency-Key", key))
                        .statusCode())
                .as("the same key names the same delivery, whichever way it arrives")
                .isEqualTo(200);
        byte[] gh = "{}".getBytes();
        Map<String, String> ghHeaders =
                Map.of("X-Hub-Signature-256", TestSigner.github(GH_SECRET, gh), "Idempotency-Key", key);
        assertThat(post("gh", gh, ghHeaders).statusCode())
                .as("keys are per workflow")
                .isEqualTo(202);
        assertThat(post("gh", gh, ghHeaders).statusCode()).isEqualTo(200);
        assertThat(post("orders", "{\"id\": 7.5}".getBytes(), Map.of()).statusCode())
                .as("no usable key: no dedupe")
                .isEqualTo(202);
        assertThat(post("orders", "{\"id\": 7.5}".getBytes(), Map.of()).statusCode())
                .isEqualTo(202);
        assertThat(publisher.on(QUEUE)).hasSize(4);
    }

    @Test
    void aDeliveryWhosePublishFailedIsNotRememberedSoTheRetryGoesThrough() throws Exception {
        Map<String, String> headers =
                Map.of("Idempotency-Key", UUID.randomUUID().toString());
        publisher.failWith((queue, attempt) -> attempt == 1 ? new PublishFailedException("no confirm") : null);

        HttpResponse<String> failed = post("orders", "{}".getBytes(), headers);
        assertThat(failed.statusCode()).isEqualTo(503);
        // The key is released when the failed exchange completes, just after its 503 went out: a retry that arrives
        // in between is told 409 (still being accepted) and retries in turn.
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(
                                post("orders", "{}".getBytes(), headers).statusCode())
                        .isEqualTo(202));
        HttpResponse<String> repeat = post("orders", "{}".getBytes(), headers);

        assertThat(repeat.statusCode()).isEqualTo(200);
        assertThat(publisher.on(QUEUE)).hasSize(1);
    }

    @Test
    void aRepeatWhileTheFirstIsStillBeingConfirmedIs409AndNeverASecondEvent() throws Exception {
        Map<String, String> headers =
                Map.of("Idempotency-Key", UUID.randomUUID().toString());
        CountDownLatch publishing = new CountDownLatch(1);
        CountDownLatch confirm = new CountDownLatch(1);
        publisher.failWith((queue, attempt) -> {
            publishing.countDown();
            try {
                confirm.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        });

        CompletableFuture<HttpResponse<String>> first = CompletableFuture.supplyAsync(() -> {
            try {
                return post("orders", "{}".getBytes(), headers);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(publishing.await(10, TimeUnit.SECONDS)).isTrue();
        HttpResponse<String> whileInFlight = post("orders", "{}".getBytes(), headers);
        confirm.countDown();

        assertThat(whileInFlight.statusCode()).isEqualTo(409);
        assertThat(whileInFlight.headers().firstValue("Retry-After")).hasValue("7");
        assertThat(type(whileInFlight)).isEqualTo("urn:werken:problem:delivery-in-progress");
        assertThat(first.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(
                                post("orders", "{}".getBytes(), headers).statusCode())
                        .isEqualTo(200));
        assertThat(publisher.on(QUEUE)).hasSize(1);
    }

    @Test
    void theBundledUnsignedWorkflowsAreUntouchedByVerification() throws Exception {
        // orders has no verify block: unsigned requests pass, signature headers are simply ignored.
        HttpResponse<String> response =
                post("orders", "{\"user_id\": 123}".getBytes(), Map.of("X-Hub-Signature-256", "sha256=00"));

        assertThat(response.statusCode()).isEqualTo(202);
    }
}
