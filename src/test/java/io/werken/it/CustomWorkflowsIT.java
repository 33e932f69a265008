package io.werken.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.GetResponse;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A workflow catalog of the deployer's own ({@code WERKEN_WORKFLOWS} as a file path) drives dispatch. */
class CustomWorkflowsIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void actionsOfALongerWorkflowKeepTheirOrder() throws Exception {
        try (Broker broker = new Broker();
                RunningWerken werken = RunningWerken.start(
                        Map.of("werken.workflows", "src/test/resources/fixtures/workflows/three-actions.json"))) {

            HttpResponse<String> response = werken.post("three-steps", "application/json", "[1, 2, 3]".getBytes());

            assertThat(response.statusCode()).isEqualTo(202);
            List<GetResponse> actions = broker.take(werken.actionsQueue, 3, Duration.ofSeconds(20));
            assertThat(actions)
                    .extracting(a -> JSON.readTree(a.getBody()).get("type").asText())
                    .containsExactly("first", "second", "third");
            assertThat(actions)
                    .extracting(a -> JSON.readTree(a.getBody()).get("index").asInt())
                    .containsExactly(0, 1, 2);
            assertThat(JSON.readTree(actions.get(1).getBody()).get("params")).isEqualTo(JSON.createObjectNode());
            assertThat(werken.post("mi-workflow", "application/json", "{}".getBytes())
                            .statusCode())
                    .as("the bundled workflows are replaced, not merged")
                    .isEqualTo(404);
        }
    }
}
