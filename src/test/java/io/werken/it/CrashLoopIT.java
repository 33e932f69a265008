package io.werken.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.rabbitmq.client.GetResponse;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One accepted webhook whose dispatch kills the JVM every time (its expression runs the heap out, and Werken's JVM
 * exits on OutOfMemoryError) must not keep killing the next process: restarted whenever it dies, as a supervisor
 * would, Werken ends up running, with the event on the dead-letter queue and the reason, and dispatches what comes
 * next. Classic queues, which have no broker delivery limit.
 */
class CrashLoopIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int LIMIT = 2;

    private final String prefix = "it-" + UUID.randomUUID().toString().substring(0, 8) + ".";
    private final List<WerkenProcess> processes = new ArrayList<>();
    private Map<String, String> env;
    private Path workflows;

    @BeforeEach
    void settings() throws Exception {
        workflows = Files.createTempFile("crash-loop-workflows", ".json");
        // Each item concatenated to a ~300 KB string: ~800 copies, more than the 192 MB heap of jvm.options.
        Files.writeString(workflows, """
                {
                  "boom": {"actions": [{"type": "explode", "params": {"parts": "{{ payload.items.map(i, payload.big + i) }}"}}]},
                  "steady": {"actions": [{"type": "note", "params": {"n": "{{ payload.n }}"}}]}
                }""");
        env = WerkenProcess.settings(prefix);
        env.put("WERKEN_WORKFLOWS", workflows.toString());
        env.put("WERKEN_WORKFLOWS_WATCH", "false");
        env.put("WERKEN_QUEUE_TYPE", "classic");
        env.put("WERKEN_QUEUE_DELIVERY_LIMIT", Integer.toString(LIMIT));
        // Evaluation budgets, where this Werken has them, set out of the way: the point is a dispatch that kills the
        // process, whatever kills it.
        env.put("WERKEN_CEL_MAX_STEPS", "2000000000");
        env.put("WERKEN_CEL_MAX_BYTES", "2000000000");
        env.put("WERKEN_CEL_MAX_MS", "2000000000");
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (WerkenProcess process : processes) {
            process.close();
        }
        Files.deleteIfExists(workflows);
        try (Broker broker = new Broker()) {
            broker.delete(
                    prefix + "received_webhooks",
                    prefix + "required_actions",
                    prefix + "received_webhooks.dlq",
                    prefix + "werken.journal");
        }
    }

    @Test
    void aWebhookWhoseDispatchKillsTheProcessEndsOnTheDeadLetterQueueAndWerkenStaysUp() throws Exception {
        String received = prefix + "received_webhooks";
        String dlq = received + ".dlq";
        try (Broker broker = new Broker()) {
            WerkenProcess first = WerkenProcess.start(env, "crash-loop-1");
            processes.add(first);
            HttpResponse<String> accepted = post(first, "boom", poison());
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
            String eventId = JSON.readTree(accepted.body()).get("event_id").asText();
            await().atMost(Duration.ofSeconds(60)).until(() -> !first.isAlive());
            assertThat(first.exitCode())
                    .as("the first process died of its dispatch, see " + first.log)
                    .isNotZero();
            assertThat(first.output()).contains("OutOfMemoryError");

            // A supervisor restarts it each time it exits; it must come to rest within a bounded number of starts.
            WerkenProcess current = first;
            int starts = 1;
            while (!current.isAlive() && starts < LIMIT + 2) {
                current = WerkenProcess.launch(env, "crash-loop-" + (++starts));
                processes.add(current);
                WerkenProcess started = current;
                await().atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(200))
                        .until(() -> !started.isAlive() || started.healthStatus() == 200 && broker.depth(dlq) > 0);
            }
            System.out.printf(
                    "CrashLoopIT: %d start(s) of Werken; the last %s%n",
                    starts, current.isAlive() ? "stays up" : "died too, exit " + current.exitCode());

            assertThat(current.isAlive())
                    .as("Werken runs after %d starts (see %s)", starts, current.log)
                    .isTrue();
            GetResponse dead = broker.take(dlq, 1, Duration.ofSeconds(10)).get(0);
            assertThat(dead.getProps().getMessageId()).isEqualTo(eventId);
            assertThat(JSON.readTree(dead.getBody()).get("event_id").asText()).isEqualTo(eventId);
            assertThat(header(dead, "x-werken-dead-letter-reason"))
                    .contains("cut off " + (LIMIT + 1) + " times")
                    .contains("WERKEN_QUEUE_DELIVERY_LIMIT");

            // What comes next is dispatched, by this same process.
            List<String> next = new ArrayList<>();
            for (int n = 0; n < 3; n++) {
                HttpResponse<String> response =
                        post(current, "steady", JSON.createObjectNode().put("n", n));
                assertThat(response.statusCode()).isEqualTo(202);
                next.add(JSON.readTree(response.body()).get("event_id").asText());
            }
            List<GetResponse> actions = broker.take(prefix + "required_actions", 3, Duration.ofSeconds(30));
            assertThat(actions)
                    .extracting(a -> a.getProps().getCorrelationId())
                    .containsExactlyInAnyOrderElementsOf(next);
            assertThat(current.isAlive()).isTrue();
            assertThat(broker.depth(received)).isZero();
        }
    }

    /** About 300 KB of string and 800 items: each {@code big + i} is a new 300 KB string. */
    private static ObjectNode poison() {
        ObjectNode payload = JSON.createObjectNode();
        payload.put("big", "z".repeat(300_000));
        ArrayNode items = payload.putArray("items");
        for (int i = 0; i < 800; i++) {
            items.add(Integer.toString(i));
        }
        return payload;
    }

    private static HttpResponse<String> post(WerkenProcess werken, String workflowId, ObjectNode payload)
            throws Exception {
        URI uri = werken.webhookUri(workflowId);
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(uri)
                                .timeout(Duration.ofSeconds(30))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(payload)))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    private static String header(GetResponse message, String name) {
        Map<String, Object> headers = message.getProps().getHeaders();
        return headers == null ? null : Objects.toString(headers.get(name), null);
    }
}
