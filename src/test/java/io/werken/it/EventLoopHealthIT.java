package io.werken.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.impl.VertxInternal;
import io.werken.http.WebhookHttpServer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Health follows the webhook server's event loops: DOWN, naming the blocked loop, while a task holds them (here a task
 * of the test that waits on a latch, on every loop of the webhook server's Vert.x), and UP again once they run. The
 * health endpoint answers throughout (the management server has a Vert.x of its own), and a caller without the admin
 * token gets the status alone.
 */
class EventLoopHealthIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "it-health-token-" + Long.toHexString(System.nanoTime());

    private static RunningWerken werken;

    @BeforeAll
    static void start() throws Exception {
        werken = RunningWerken.start(Map.of(
                "werken.http.event-loop-blocked-ms",
                "1000",
                "werken.management.admin-token",
                TOKEN,
                "camel.main.name",
                "werken-event-loop"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (werken != null) {
            werken.close();
        }
    }

    @Test
    void healthIsDownWhileTheWebhookEventLoopIsBlockedAndUpAfter() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> health(null).statusCode() == 200);
        assertThat(check(health(TOKEN), "webhook-event-loop").get("status").asText())
                .isEqualTo("UP");

        CountDownLatch release = new CountDownLatch(1);
        VertxInternal vertx = (VertxInternal) werken.context()
                .getRegistry()
                .findSingleByType(WebhookHttpServer.class)
                .getVertx();
        vertx.getEventLoopGroup()
                .forEach(loop -> loop.execute(() -> {
                    try {
                        release.await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> health(TOKEN).statusCode() == 503);
            JsonNode blocked = check(health(TOKEN), "webhook-event-loop");
            assertThat(blocked.get("status").asText()).isEqualTo("DOWN");
            assertThat(blocked.get("message").asText())
                    .matches("webhook event loop blocked for \\d+ ms \\(.*eventloop.*\\)");

            // Without the token: the status, and nothing of the checks, whatever the query asks for.
            HttpResponse<String> anonymous = health(null);
            assertThat(anonymous.statusCode()).isEqualTo(503);
            assertThat(fieldNames(JSON.readTree(anonymous.body()))).containsExactly("status");
            assertThat(JSON.readTree(anonymous.body()).get("status").asText()).isEqualTo("DOWN");
        } finally {
            release.countDown();
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> health(null).statusCode() == 200);
        assertThat(check(health(TOKEN), "webhook-event-loop").get("status").asText())
                .isEqualTo("UP");
    }

    private static HttpResponse<String> health(String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(
                        "http://127.0.0.1:" + werken.managementPort + "/observe/health?exposureLevel=full&data=true"))
                .timeout(Duration.ofSeconds(10));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return werken.send(request);
    }

    private static JsonNode check(HttpResponse<String> response, String name) throws Exception {
        for (JsonNode check : JSON.readTree(response.body()).get("checks")) {
            if (check.get("name").asText().equals(name)) {
                return check;
            }
        }
        throw new AssertionError("no check " + name + " in " + response.body());
    }

    static java.util.List<String> fieldNames(JsonNode node) {
        java.util.List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
