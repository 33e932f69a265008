package io.werken.it;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.GetResponse;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Events that cannot be dispatched land on received_webhooks.dlq with the reason, and do not hold up the rest. */
class DeadLetterIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void aPoisonMessageIsDeadLetteredAndTheEventsBehindItFlow() throws Exception {
        // One consumer: the event behind the poison must get past it, not around it.
        try (Broker broker = new Broker(); RunningWerken werken = RunningWerken.start(Map.of("werken.dispatch.consumers", "1"))) {
            werken.stopDispatch();
            byte[] poison = "this is not an envelope {".getBytes(StandardCharsets.UTF_8);
            broker.publish(werken.receivedQueue, new AMQP.BasicProperties.Builder().messageId("poison-1").build(), poison);
            byte[] vanished = """
                    {"event_id":"ev-vanished","workflow_id":"deleted-flow","received_at":"2026-11-26T00:00:00Z","payload":{}}"""
                    .getBytes(StandardCharsets.UTF_8);
            broker.publish(werken.receivedQueue, new AMQP.BasicProperties.Builder().messageId("ev-vanished").build(), vanished);
            HttpResponse<String> behind = werken.post("mi-workflow", "application/json", "{\"n\": 1}".getBytes());
            assertThat(behind.statusCode()).isEqualTo(202);
            String eventId = JSON.readTree(behind.body()).get("event_id").asText();

            werken.startDispatch();

            List<GetResponse> actions = broker.take(werken.actionsQueue, 2, WAIT);
            assertThat(actions).extracting(a -> a.getProps().getCorrelationId()).containsOnly(eventId);

            List<GetResponse> dead = broker.take(werken.deadLetterQueue, 2, WAIT);
            GetResponse poisonDead = dead.stream().filter(d -> "poison-1".equals(d.getProps().getMessageId())).findFirst().orElseThrow();
            assertThat(poisonDead.getBody()).isEqualTo(poison);
            assertThat(header(poisonDead, "x-werken-dead-letter-reason")).contains("not valid JSON");
            assertThat(header(poisonDead, "x-werken-original-queue")).isEqualTo(werken.receivedQueue);
            assertThat(header(poisonDead, "x-werken-dead-lettered-at")).isNotBlank();

            GetResponse vanishedDead = dead.stream().filter(d -> "ev-vanished".equals(d.getProps().getMessageId())).findFirst().orElseThrow();
            assertThat(vanishedDead.getBody()).isEqualTo(vanished);
            assertThat(header(vanishedDead, "x-werken-dead-letter-reason")).contains("'deleted-flow'");

            assertThat(broker.depth(werken.receivedQueue)).isZero();
        }
    }

    @Test
    void anEventWhoseActionsCannotBePublishedIsDeadLetteredAfterBoundedRetries() throws Exception {
        try (Broker broker = new Broker(); RunningWerken werken = RunningWerken.start(Map.of(
                "werken.dispatch.max-redeliveries", "2",
                "werken.dispatch.redelivery-delay-ms", "10"))) {
            // Werken (re)declares its queues whenever it opens a connection: open the publishing one first.
            assertThat(werken.post("mi-workflow", "application/json", "{}".getBytes()).statusCode()).isEqualTo(202);
            broker.take(werken.actionsQueue, 2, WAIT);
            broker.delete(werken.actionsQueue);

            HttpResponse<String> response = werken.post("mi-workflow", "application/json", "{\"n\": 2}".getBytes());
            assertThat(response.statusCode()).isEqualTo(202);
            String eventId = JSON.readTree(response.body()).get("event_id").asText();

            GetResponse dead = broker.take(werken.deadLetterQueue, 1, WAIT).get(0);
            assertThat(dead.getProps().getMessageId()).isEqualTo(eventId);
            assertThat(JSON.readTree(dead.getBody()).get("event_id").asText()).isEqualTo(eventId);
            assertThat(header(dead, "x-werken-dead-letter-reason")).contains("could not route").contains(werken.actionsQueue);
            assertThat(broker.depth(werken.receivedQueue)).isZero();
        }
    }

    private static String header(GetResponse message, String name) {
        Object value = message.getProps().getHeaders().get(name);
        return value == null ? null : value.toString();
    }
}
