package io.werken.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.GetResponse;
import io.werken.workflow.BundledWorkflows;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The original usage, end to end: HTTP webhook in, documented action messages out on the real RabbitMQ. */
class WebhookToActionsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(20);

    private static RunningWerken werken;
    private static Broker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = new Broker();
        // The bundled workflows.json, as a user running the README's commands gets it.
        werken = RunningWerken.start();
    }

    @AfterAll
    static void stop() throws Exception {
        werken.close();
        broker.close();
    }

    private static byte[] fixture(String name) throws Exception {
        return Files.readAllBytes(Path.of("src/test/resources/fixtures", name));
    }

    @Test
    void theOriginalCurlExampleBecomesTwoActionsInOrder() throws Exception {
        // curl -X POST http://localhost:8000/webhook/mi-workflow -H "Content-Type: application/json"
        //      -d '{"user_id": 123, "data": "some important data"}'
        Instant before = Instant.now().minusSeconds(1);
        HttpResponse<String> response =
                werken.post("mi-workflow", "application/json", fixture("mi-workflow-webhook.json"));

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode accepted = JSON.readTree(response.body());
        String eventId = accepted.get("event_id").asText();
        assertThat(eventId).isNotBlank();
        assertThat(accepted.get("workflow_id").asText()).isEqualTo("mi-workflow");
        assertThat(accepted.get("status").asText()).isEqualTo("accepted");

        List<GetResponse> actions = broker.take(werken.actionsQueue, 2, WAIT);

        JsonNode first = JSON.readTree(actions.get(0).getBody());
        JsonNode second = JSON.readTree(actions.get(1).getBody());
        assertThat(first.fieldNames())
                .toIterable()
                .containsExactly(
                        "action_id",
                        "event_id",
                        "workflow_id",
                        "workflow_revision",
                        "index",
                        "count",
                        "type",
                        "params",
                        "payload",
                        "received_at",
                        "headers");
        // The bundled file's revision, on both actions: the definition that produced them.
        String revision = BundledWorkflows.catalog().revision();
        assertThat(first.get("workflow_revision").asText()).isEqualTo(revision).matches("[0-9a-f]{12}");
        assertThat(second.get("workflow_revision").asText()).isEqualTo(revision);
        assertThat(first.get("action_id").asText()).isEqualTo(eventId + ":0");
        assertThat(first.get("event_id").asText()).isEqualTo(eventId);
        assertThat(first.get("workflow_id").asText()).isEqualTo("mi-workflow");
        assertThat(first.get("index").asInt()).isZero();
        assertThat(first.get("count").asInt()).isEqualTo(2);
        assertThat(first.get("type").asText()).isEqualTo("enviar_email");
        // The original workflow's params, exactly: workers written for the original read these keys.
        assertThat(first.get("params")).isEqualTo(JSON.readTree("""
                {"destinatario": "gaby@example.com", "asunto": "¡Webhook Recibido con Éxito!",
                 "cuerpo": "Se ha recibido y procesado un webhook para 'mi-workflow'."}"""));
        assertThat(first.get("payload"))
                .isEqualTo(JSON.readTree("{\"user_id\": 123, \"data\": \"some important data\"}"));
        assertThat(Instant.parse(first.get("received_at").asText()))
                .isAfter(before)
                .isBefore(Instant.now());

        assertThat(second.get("action_id").asText()).isEqualTo(eventId + ":1");
        assertThat(second.get("index").asInt()).isEqualTo(1);
        assertThat(second.get("type").asText()).isEqualTo("log_evento");
        assertThat(second.get("params"))
                .isEqualTo(JSON.readTree(
                        "{\"nivel\": \"info\", \"mensaje\": \"El workflow de mi-blog se ha ejecutado.\"}"));
        assertThat(second.get("payload")).isEqualTo(first.get("payload"));
        assertThat(second.get("received_at")).isEqualTo(first.get("received_at"));

        var props = actions.get(0).getProps();
        assertThat(props.getMessageId()).isEqualTo(eventId + ":0");
        assertThat(props.getCorrelationId()).isEqualTo(eventId);
        assertThat(props.getType()).isEqualTo("enviar_email");
        assertThat(props.getContentType()).isEqualTo("application/json");
        assertThat(props.getDeliveryMode()).isEqualTo(2);
        assertThat(props.getTimestamp()).isNotNull();
        assertThat(actions.get(1).getProps().getMessageId()).isEqualTo(eventId + ":1");
        assertThat(actions.get(1).getProps().getType()).isEqualTo("log_evento");
        // The one documented AMQP header, the trace context (no Spring AMQP bookkeeping), the same on both actions.
        assertThat(actions)
                .allSatisfy(a -> assertThat(a.getProps().getHeaders()).containsOnlyKeys("traceparent"));
        assertThat(actions.get(0).getProps().getHeaders().get("traceparent").toString())
                .matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01")
                .isEqualTo(actions.get(1)
                        .getProps()
                        .getHeaders()
                        .get("traceparent")
                        .toString());
    }

    @Test
    void theSecondOriginalWorkflowWorksToo() throws Exception {
        HttpResponse<String> response =
                werken.post("blog-nuevo-post", "application/json", fixture("blog-nuevo-post-webhook.json"));

        assertThat(response.statusCode()).isEqualTo(202);
        String eventId = JSON.readTree(response.body()).get("event_id").asText();
        List<GetResponse> actions = broker.take(werken.actionsQueue, 2, WAIT);
        assertThat(actions).extracting(a -> a.getProps().getCorrelationId()).containsOnly(eventId);
        assertThat(actions).extracting(a -> a.getProps().getType()).containsExactly("enviar_email", "log_evento");
        assertThat(JSON.readTree(actions.get(0).getBody()).get("payload"))
                .isEqualTo(JSON.readTree("{\"user\": \"adrian\", \"actions\": \"enviar_notificacion\"}"));
    }

    @Test
    void payloadNumbersPassThroughExactly() throws Exception {
        String payload =
                "{\"amount\":0.12345678901234567890123,\"big\":1e400,\"one\":1.0,\"id\":12345678901234567890123}";
        HttpResponse<String> response = werken.post("mi-workflow", "application/json", payload.getBytes());

        assertThat(response.statusCode()).isEqualTo(202);
        String action =
                new String(broker.take(werken.actionsQueue, 2, WAIT).get(0).getBody());
        assertThat(action)
                .contains("\"payload\":{\"amount\":0.12345678901234567890123,\"big\":1E+400,\"one\":1.0,"
                        + "\"id\":12345678901234567890123}");
    }

    @Test
    void anEventsReplyToNeverMakesWerkenReply() throws Exception {
        String replyQueue = werken.receivedQueue + ".reply";
        broker.declareQueue(replyQueue, Map.of());
        try {
            byte[] envelope = ("{\"event_id\":\"ev-reply\",\"workflow_id\":\"mi-workflow\","
                            + "\"received_at\":\"2026-11-26T00:00:00Z\",\"payload\":{}}")
                    .getBytes();
            broker.publish(
                    werken.receivedQueue,
                    new com.rabbitmq.client.AMQP.BasicProperties.Builder()
                            .messageId("ev-reply")
                            .replyTo(replyQueue)
                            .build(),
                    envelope);

            List<GetResponse> actions = broker.take(werken.actionsQueue, 2, WAIT);
            assertThat(actions).extracting(a -> a.getProps().getCorrelationId()).containsOnly("ev-reply");
            // Stopping dispatch waits for in-flight events: after it, the event is settled one way or the other.
            werken.stopDispatch();
            assertThat(broker.depth(replyQueue)).as("replies sent").isZero();
            assertThat(broker.depth(werken.deadLetterQueue))
                    .as("event dead-lettered after its reply failed")
                    .isZero();
            assertThat(broker.depth(werken.receivedQueue))
                    .as("event not acknowledged")
                    .isZero();
        } finally {
            werken.startDispatch();
            broker.delete(replyQueue);
        }
    }

    @Test
    void theEventEnvelopeOnReceivedWebhooksIsAsDocumented() throws Exception {
        werken.stopDispatch();
        try {
            HttpResponse<String> response =
                    werken.post("mi-workflow", "application/json; charset=utf-8", fixture("mi-workflow-webhook.json"));
            assertThat(response.statusCode()).isEqualTo(202);
            String eventId = JSON.readTree(response.body()).get("event_id").asText();

            // 202 means confirmed: the event is on the queue now, without waiting.
            GetResponse event = broker.get(werken.receivedQueue);
            assertThat(event).isNotNull();
            JsonNode envelope = JSON.readTree(event.getBody());
            assertThat(envelope.fieldNames())
                    .toIterable()
                    .containsExactly(
                            "event_id", "workflow_id", "workflow_revision", "received_at", "headers", "payload");
            assertThat(envelope.get("workflow_revision").asText())
                    .isEqualTo(BundledWorkflows.catalog().revision());
            assertThat(envelope.get("event_id").asText()).isEqualTo(eventId);
            assertThat(envelope.get("workflow_id").asText()).isEqualTo("mi-workflow");
            assertThat(Instant.parse(envelope.get("received_at").asText())).isNotNull();
            assertThat(envelope.get("received_at").asText()).endsWith("Z");
            assertThat(envelope.get("payload").get("data").asText()).isEqualTo("some important data");
            // The payload is the body exactly as sent (the fixture's spaces kept), less the line break after it.
            String body = new String(fixture("mi-workflow-webhook.json"), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(body).isEqualTo("{\"user_id\": 123, \"data\": \"some important data\"}\n");
            assertThat(new String(event.getBody(), java.nio.charset.StandardCharsets.UTF_8))
                    .endsWith(",\"headers\":{},\"payload\":" + body.strip() + "}");
            assertThat(event.getProps().getMessageId()).isEqualTo(eventId);
            assertThat(event.getProps().getContentType()).isEqualTo("application/json");
            assertThat(event.getProps().getDeliveryMode()).isEqualTo(2);
            assertThat(event.getProps().getTimestamp()).isNotNull();
        } finally {
            werken.startDispatch();
        }
    }

    @Test
    void requestHeadersNeverBecomeAmqpHeaders() throws Exception {
        werken.stopDispatch();
        try {
            HttpResponse<String> response =
                    werken.send(java.net.http.HttpRequest.newBuilder(werken.webhookUri("mi-workflow"))
                            .header("Content-Type", "application/json")
                            .header("CamelSpringRabbitmqRoutingOverrideKey", "elsewhere")
                            .header("CamelHttpResponseCode", "200")
                            .header("X-Custom", "secret")
                            .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}")));

            assertThat(response.statusCode()).isEqualTo(202);
            GetResponse event = broker.get(werken.receivedQueue);
            assertThat(event)
                    .as("the event went to received_webhooks despite the override header")
                    .isNotNull();
            Map<String, Object> headers = event.getProps().getHeaders() == null
                    ? Map.of()
                    : event.getProps().getHeaders();
            // Only the trace context: nothing the caller sent, and no Spring AMQP bookkeeping either.
            assertThat(headers).containsOnlyKeys("traceparent");
            assertThat(response.headers().map().keySet())
                    .noneMatch(h -> h.toLowerCase().startsWith("camel") || h.equalsIgnoreCase("x-custom"));
        } finally {
            werken.startDispatch();
        }
    }

    @Test
    void operatorsFindTheRoutesAndStepsInJmxUnderTheContextName() throws Exception {
        var jmx = java.lang.management.ManagementFactory.getPlatformMBeanServer();

        var routes =
                jmx.queryNames(new javax.management.ObjectName("org.apache.camel:context=werken,type=routes,*"), null);
        var steps = jmx.queryNames(
                new javax.management.ObjectName("org.apache.camel:context=werken,type=processors,*"), null);

        assertThat(routes)
                .extracting(n -> n.getKeyProperty("name"))
                .contains("\"ingest-webhook\"", "\"dispatch-actions\"", "\"dead-letter\"");
        assertThat(steps)
                .extracting(n -> n.getKeyProperty("name"))
                .contains(
                        "\"validate-webhook\"",
                        "\"publish-event\"",
                        "\"find-workflow\"",
                        "\"one-message-per-action\"",
                        "\"publish-actions\"",
                        "\"publish-dead-letter\"");
    }

    @Test
    void healthIsUpWithTheBrokerAndWorkflows() throws Exception {
        HttpResponse<String> health = werken.health();

        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(health.body()).get("status").asText()).isEqualTo("UP");
    }
}
