package io.werken.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.GetResponse;
import io.werken.verify.TestSigner;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Signed webhooks end to end against the real RabbitMQ, with the workflows' secrets in files: what the sender sees,
 * and what reaches the queues. Dedupe uses the default in-memory store.
 */
class VerifiedWebhooksIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SW_CURRENT = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final String SW_PREVIOUS = "whsec_c2VjcmV0LWJlZm9yZS10aGUtcm90YXRpb24=";

    private static Broker broker;
    private static RunningWerken werken;

    @BeforeAll
    static void start() throws Exception {
        broker = new Broker();
        werken = RunningWerken.start(
                Map.of("werken.workflows", "src/test/resources/fixtures/workflows/verified-file-secrets.json"));
    }

    @AfterAll
    static void stop() throws Exception {
        werken.close();
        broker.close();
    }

    private static HttpResponse<String> post(String workflow, byte[] body, Map<String, String> headers)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(werken.webhookUri(workflow))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        return werken.send(request);
    }

    private static Map<String, String> signed(String secret, String id, byte[] body) {
        long now = Instant.now().getEpochSecond();
        return Map.of(
                "webhook-id",
                id,
                "webhook-timestamp",
                Long.toString(now),
                "webhook-signature",
                TestSigner.standardWebhooks(secret, id, now, body));
    }

    @Test
    void aStandardWebhookSignedWithEitherSecretIsAcceptedOnceAndDispatched() throws Exception {
        byte[] body = "{\"type\": \"invoice.paid\", \"amount\": 12.50}".getBytes(StandardCharsets.UTF_8);
        String id = "msg_" + UUID.randomUUID();

        HttpResponse<String> accepted = post("sw", body, signed(SW_PREVIOUS, id, body));
        HttpResponse<String> resent = post("sw", body, signed(SW_CURRENT, id, body));

        assertThat(accepted.statusCode()).isEqualTo(202);
        assertThat(resent.statusCode()).isEqualTo(200);
        String eventId = JSON.readTree(accepted.body()).get("event_id").asText();
        assertThat(JSON.readTree(resent.body()))
                .isEqualTo(JSON.readTree(
                        "{\"event_id\": \"" + eventId + "\", \"workflow_id\": \"sw\", \"status\": \"duplicate\"}"));
        GetResponse action =
                broker.take(werken.actionsQueue, 1, Duration.ofSeconds(20)).get(0);
        JsonNode message = JSON.readTree(action.getBody());
        assertThat(message.get("event_id").asText()).isEqualTo(eventId);
        assertThat(message.get("payload").get("amount").decimalValue()).isEqualByComparingTo("12.50");
        assertThat(broker.depth(werken.actionsQueue))
                .as("the repeat published nothing")
                .isZero();
    }

    @Test
    void unsignedStaleOrForgedWebhooksAre401AndNothingReachesTheQueues() throws Exception {
        // With dispatch stopped, anything accepted would stay on the event queue, whatever the other tests do.
        werken.stopDispatch();
        long before = broker.depth(werken.receivedQueue);
        byte[] body = "{\"type\": \"invoice.paid\"}".getBytes(StandardCharsets.UTF_8);
        long stale = Instant.now().getEpochSecond() - 301;
        String forgedSecret =
                "whsec_" + java.util.Base64.getEncoder().encodeToString("guess".getBytes(StandardCharsets.UTF_8));

        HttpResponse<String> unsigned = post("sw", body, Map.of());
        HttpResponse<String> old = post(
                "sw",
                body,
                Map.of(
                        "webhook-id",
                        "msg_old",
                        "webhook-timestamp",
                        Long.toString(stale),
                        "webhook-signature",
                        TestSigner.standardWebhooks(SW_CURRENT, "msg_old", stale, body)));
        HttpResponse<String> forged = post("sw", body, signed(forgedSecret, "msg_forged", body));
        HttpResponse<String> github = post("gh", body, Map.of("X-Hub-Signature-256", "sha256=" + "0".repeat(64)));

        WebhookRejectionsIT.assertProblem(unsigned, 401, "signature-missing", "webhook-id");
        WebhookRejectionsIT.assertProblem(old, 401, "timestamp-out-of-tolerance", "seconds old");
        WebhookRejectionsIT.assertProblem(forged, 401, "signature-mismatch", "webhook-signature");
        WebhookRejectionsIT.assertProblem(github, 401, "signature-mismatch", "X-Hub-Signature-256");
        assertThat(forged.body()).doesNotContain(SW_CURRENT.substring(6)).doesNotContain(SW_PREVIOUS.substring(6));
        assertThat(broker.depth(werken.receivedQueue)).isEqualTo(before);
        werken.startDispatch();
    }

    @Test
    void githubAndCustomHmacHeadersReachTheRouteBecauseAWorkflowNamesThem() throws Exception {
        byte[] body = "{\"zen\": \"Keep it logically awesome.\"}".getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> github =
                post("gh", body, Map.of("X-Hub-Signature-256", TestSigner.github("It's a Secret to Everybody", body)));
        HttpResponse<String> partner = post(
                "partner",
                body,
                Map.of("X-Partner-Signature", TestSigner.hmacHex("HmacSHA256", "partner-test-secret", body)));

        assertThat(github.statusCode()).isEqualTo(202);
        assertThat(partner.statusCode()).isEqualTo(202);
        broker.take(werken.actionsQueue, 2, Duration.ofSeconds(20));
    }

    @Test
    void aPayloadDedupePathAcceptsEachOrderOnce() throws Exception {
        String order = "{\"order\": {\"id\": \"" + UUID.randomUUID() + "\"}}";

        HttpResponse<String> first = post("orders", order.getBytes(StandardCharsets.UTF_8), Map.of());
        HttpResponse<String> repeat = post("orders", order.getBytes(StandardCharsets.UTF_8), Map.of());

        assertThat(first.statusCode()).isEqualTo(202);
        assertThat(repeat.statusCode()).isEqualTo(200);
        assertThat(broker.take(werken.actionsQueue, 2, Duration.ofSeconds(20))).hasSize(2);
        assertThat(broker.depth(werken.receivedQueue)).isZero();
    }
}
