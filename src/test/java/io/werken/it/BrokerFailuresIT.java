package io.werken.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.werken.broker.BrokerTopology;
import io.werken.testing.FreePorts;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A 2xx means the broker confirmed: when it cannot, the caller gets 503 with Retry-After, and health says DOWN. */
class BrokerFailuresIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aPublishTheBrokerCannotRouteIsNotAccepted() throws Exception {
        try (Broker broker = new Broker();
                RunningWerken werken = RunningWerken.start()) {
            // Werken (re)declares its queues whenever it opens a connection: open the publishing one first.
            assertThat(werken.post("mi-workflow", "application/json", "{}".getBytes())
                            .statusCode())
                    .isEqualTo(202);
            werken.stopDispatch();
            broker.delete(werken.receivedQueue);

            HttpResponse<String> response = werken.post("mi-workflow", "application/json", "{}".getBytes());

            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(response.headers().firstValue("Retry-After")).hasValue("5");
            WebhookRejectionsIT.assertProblem(response, 503, "broker-unavailable", "not accepted");

            werken.context()
                    .getRegistry()
                    .findSingleByType(BrokerTopology.class)
                    .declare();
            assertThat(werken.post("mi-workflow", "application/json", "{}".getBytes())
                            .statusCode())
                    .isEqualTo(202);
        }
    }

    @Test
    void withTheBrokerUnreachableWerkenStartsReportsDownAndAnswers503() throws Exception {
        int closedPort = FreePorts.next();
        try (RunningWerken werken = RunningWerken.start(Map.of(
                "werken.rabbitmq.uri",
                "amqp://guest:guest@127.0.0.1:" + closedPort + "/%2F",
                "werken.rabbitmq.connection-timeout-ms",
                "500"))) {

            HttpResponse<String> response =
                    werken.post("mi-workflow", "application/json", "{\"user_id\": 1}".getBytes());

            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(response.headers().firstValue("Retry-After")).hasValue("5");
            WebhookRejectionsIT.assertProblem(response, 503, "broker-unavailable", "retry after 5 seconds");

            HttpResponse<String> health = werken.health();
            assertThat(health.statusCode()).isEqualTo(503);
            assertThat(JSON.readTree(health.body()).get("status").asText()).isEqualTo("DOWN");
        }
    }
}
