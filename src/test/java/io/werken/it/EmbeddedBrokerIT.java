package io.werken.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.GetResponse;
import io.werken.testing.FreePorts;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Werken with nothing but Java: without WERKEN_RABBITMQ_URI it runs its own AMQP broker, which a worker reaches with
 * a plain AMQP client at amqp://guest:guest@127.0.0.1:PORT/, with the same queues, dead letters and durability as on
 * RabbitMQ; and it refuses, in one line, to start where that port is taken.
 */
class EmbeddedBrokerIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dataDir;

    @Test
    void theReadmeWebhooksBecomeActionsForAWorkerOnTheEmbeddedBroker() throws Exception {
        int amqpPort = FreePorts.next();
        Map<String, String> env = WerkenProcess.embeddedSettings(amqpPort, dataDir);
        // An event whose actions cannot be published is retried once, then dead-lettered.
        env.put("WERKEN_DISPATCH_MAX_REDELIVERIES", "1");
        try (WerkenProcess werken = WerkenProcess.start(env, "embedded-pipeline");
                Broker worker = new Broker("amqp://guest:guest@127.0.0.1:" + amqpPort + "/")) {
            assertThat(werken.output()).contains("broker embedded amqp://127.0.0.1:" + amqpPort + ",");
            JsonNode brokerHealth = brokerHealth(werken);
            assertThat(brokerHealth.get("status").asText()).isEqualTo("UP");
            assertThat(brokerHealth.at("/data/broker.embedded").asBoolean()).isTrue();
            assertThat(brokerHealth.at("/data/broker.name").asText())
                    .contains("embedded")
                    .contains("Qpid");
            assertThat(brokerHealth.at("/data/broker").asText()).isEqualTo("127.0.0.1:" + amqpPort);

            // A second Werken on the same data directory is refused in one line, whatever port it would listen on.
            Map.Entry<Integer, String> sameDataDir =
                    WerkenProcess.command(WerkenProcess.embeddedSettings(FreePorts.next(), dataDir));
            assertThat(sameDataDir.getKey()).isEqualTo(1);
            assertThat(sameDataDir.getValue().lines().filter(line -> line.contains("ERROR")))
                    .singleElement()
                    .asString()
                    .contains("WERKEN_DATA_DIR " + dataDir)
                    .contains("in use");

            // The README's two curls.
            String first = accepted(werken, "mi-workflow", "{\"user_id\": 123, \"data\": \"some important data\"}");
            String second =
                    accepted(werken, "blog-nuevo-post", "{\"user\": \"adrian\", \"actions\": \"enviar_notificacion\"}");

            List<JsonNode> actions = new ArrayList<>();
            for (GetResponse message : worker.take("required_actions", 4, WAIT)) {
                actions.add(JSON.readTree(message.getBody()));
                assertThat(message.getProps().getDeliveryMode()).isEqualTo(2);
            }
            assertThat(actions)
                    .extracting(a ->
                            a.get("event_id").asText() + " " + a.get("type").asText())
                    .containsExactlyInAnyOrder(
                            first + " enviar_email",
                            first + " log_evento",
                            second + " enviar_email",
                            second + " log_evento");
            assertThat(actions)
                    .filteredOn(a -> a.get("event_id").asText().equals(first))
                    .extracting(a -> a.at("/payload/user_id").asInt())
                    .containsOnly(123);
            assertThat(worker.depth("received_webhooks")).isZero();

            // The journal of a first run (the embedded store under WERKEN_DATA_DIR) shows both, with their actions.
            await().atMost(WAIT)
                    .until(() -> journal(werken, "/events").get("events").size() == 2);
            JsonNode events = journal(werken, "/events").get("events");
            assertThat(events).extracting(e -> e.get("event_id").asText()).containsExactly(second, first);
            assertThat(events)
                    .extracting(e -> e.get("actions_published").asInt())
                    .containsOnly(2);
            JsonNode detail = journal(werken, "/events/" + first).get("event");
            assertThat(detail.get("payload").get("user_id").asInt()).isEqualTo(123);
            assertThat(detail.get("actions"))
                    .extracting(
                            a -> a.get("type").asText() + " " + a.get("outcome").asText())
                    .containsExactly("enviar_email published", "log_evento published");
            assertThat(dataDir.resolve("journal")).isDirectory();

            // A poison event: dead-lettered at once, with the reason.
            byte[] poison = "this is not an envelope {".getBytes(StandardCharsets.UTF_8);
            worker.publish(
                    "received_webhooks",
                    new AMQP.BasicProperties.Builder().messageId("poison-1").build(),
                    poison);
            GetResponse dead = worker.take("received_webhooks.dlq", 1, WAIT).get(0);
            assertThat(dead.getProps().getMessageId()).isEqualTo("poison-1");
            assertThat(dead.getBody()).isEqualTo(poison);
            assertThat(header(dead, "x-werken-dead-letter-reason")).contains("not valid JSON");
            assertThat(header(dead, "x-werken-original-queue")).isEqualTo("received_webhooks");

            // Actions that cannot be routed: Broker-J nacks a mandatory publish to a missing queue (RabbitMQ returns
            // it), which must fail the publish just the same: the event is dead-lettered, not acknowledged and lost.
            worker.delete("required_actions");
            String unroutable = accepted(werken, "mi-workflow", "{\"n\": 3}");
            GetResponse parked = worker.take("received_webhooks.dlq", 1, WAIT).get(0);
            assertThat(parked.getProps().getMessageId()).isEqualTo(unroutable);
            assertThat(header(parked, "x-werken-dead-letter-reason")).contains("required_actions");
            assertThat(worker.depth("received_webhooks")).isZero();
        }
    }

    @Test
    void refusesToStartInOneLineWhenTheAmqpPortIsTaken() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            Map.Entry<Integer, String> result =
                    WerkenProcess.command(WerkenProcess.embeddedSettings(taken.getLocalPort(), dataDir));

            assertThat(result.getKey()).isEqualTo(1);
            List<String> errors = result.getValue()
                    .lines()
                    .filter(line -> line.contains("ERROR"))
                    .toList();
            assertThat(errors).hasSize(1);
            assertThat(errors.get(0))
                    .contains("Werken cannot start")
                    .contains("Port " + taken.getLocalPort() + " (WERKEN_EMBEDDED_AMQP_PORT) is in use on 127.0.0.1")
                    .contains("WERKEN_RABBITMQ_URI");
            assertThat(result.getValue()).doesNotContain("\tat ").doesNotContain("Exception");
        }
    }

    @Test
    void acceptedEventsStillQueuedSurviveARestartAndRejectedOnesAreDeadLettered() throws Exception {
        int amqpPort = FreePorts.next();
        String uri = "amqp://guest:guest@127.0.0.1:" + amqpPort + "/";
        Map<String, String> settings = new HashMap<>(Map.of(
                "werken.rabbitmq.uri", "",
                "werken.embedded.amqp-port", Integer.toString(amqpPort),
                "werken.embedded.data-dir", dataDir.toString(),
                "werken.queue.received", "restart.received_webhooks",
                "werken.queue.actions", "restart.required_actions"));
        Set<String> eventIds = new TreeSet<>();
        try (RunningWerken werken = RunningWerken.start(settings);
                Broker worker = new Broker(uri)) {
            werken.stopDispatch();
            // A consumer that gives up on an event: the broker dead-letters it (RabbitMQ: x-dead-letter-exchange;
            // Broker-J: the queue's alternate binding, which Werken sets).
            worker.publish(
                    werken.receivedQueue,
                    new AMQP.BasicProperties.Builder()
                            .messageId("given-up")
                            .deliveryMode(2)
                            .build(),
                    "{}".getBytes(StandardCharsets.UTF_8));
            worker.rejectNext(werken.receivedQueue);
            assertThat(worker.take(werken.deadLetterQueue, 1, WAIT))
                    .extracting(m -> m.getProps().getMessageId())
                    .containsExactly("given-up");

            for (int i = 0; i < 5; i++) {
                HttpResponse<String> response =
                        werken.post("mi-workflow", "application/json", ("{\"n\": " + i + "}").getBytes());
                assertThat(response.statusCode()).isEqualTo(202);
                eventIds.add(JSON.readTree(response.body()).get("event_id").asText());
            }
            assertThat(worker.depth(werken.receivedQueue)).isEqualTo(5);
            assertThat(worker.depth(werken.actionsQueue)).isZero();
        }

        // Werken, and its broker with it, stopped with five accepted events not yet dispatched; started again.
        try (RunningWerken werken = RunningWerken.start(settings);
                Broker worker = new Broker(uri)) {
            List<GetResponse> actions = worker.take(werken.actionsQueue, 10, WAIT);
            Set<String> dispatched = new TreeSet<>();
            for (GetResponse action : actions) {
                dispatched.add(JSON.readTree(action.getBody()).get("event_id").asText());
            }
            assertThat(dispatched).isEqualTo(eventIds);
            assertThat(worker.depth(werken.receivedQueue)).isZero();
        }
    }

    @Test
    void whatWasAcceptedSurvivesWerkenBeingKilled() throws Exception {
        int amqpPort = FreePorts.next();
        Map<String, String> env = WerkenProcess.embeddedSettings(amqpPort, dataDir);
        Set<String> eventIds = new TreeSet<>();
        try (WerkenProcess werken = WerkenProcess.start(env, "embedded-killed")) {
            for (int i = 0; i < 20; i++) {
                eventIds.add(accepted(werken, "mi-workflow", "{\"n\": " + i + "}"));
            }
            // kill -9 at once: each event is then on received_webhooks, being dispatched, or dispatched.
            werken.kill();
        }
        try (WerkenProcess werken = WerkenProcess.start(env, "embedded-after-kill");
                Broker worker = new Broker("amqp://guest:guest@127.0.0.1:" + amqpPort + "/")) {
            await().atMost(WAIT)
                    .until(() -> worker.depth("received_webhooks") == 0
                            && worker.depth("required_actions") >= 2L * eventIds.size());
            Map<String, Set<String>> typesByEvent = new HashMap<>();
            for (GetResponse message : worker.drain("required_actions")) {
                JsonNode action = JSON.readTree(message.getBody());
                typesByEvent
                        .computeIfAbsent(action.get("event_id").asText(), k -> new TreeSet<>())
                        .add(action.get("type").asText());
            }
            // At least once: every accepted event's two actions (a redelivered one may come twice, same action_id).
            assertThat(typesByEvent.keySet()).isEqualTo(eventIds);
            assertThat(typesByEvent.values())
                    .allSatisfy(types -> assertThat(types).containsExactly("enviar_email", "log_evento"));
        }
    }

    private static String accepted(WerkenProcess werken, String workflow, String body) throws Exception {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(werken.webhookUri(workflow))
                        .header("Content-Type", "application/json")
                        .timeout(Duration.ofSeconds(30))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return JSON.readTree(response.body()).get("event_id").asText();
    }

    private static JsonNode journal(WerkenProcess werken, String path) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + werken.managementPort + path))
                        .timeout(Duration.ofSeconds(5))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path + " " + response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static JsonNode brokerHealth(WerkenProcess werken) throws IOException, InterruptedException {
        HttpResponse<String> health = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + werken.managementPort
                                + "/observe/health?exposureLevel=full&data=true"))
                        .timeout(Duration.ofSeconds(5))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        for (JsonNode check : JSON.readTree(health.body()).get("checks")) {
            if (check.get("name").asText().equals("broker")) {
                return check;
            }
        }
        throw new AssertionError("No broker check in " + health.body());
    }

    private static String header(GetResponse message, String name) {
        Object value = message.getProps().getHeaders().get(name);
        return value == null ? null : value.toString();
    }
}
