package io.werken.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bodies that once froze or broke ingest, on a running Werken: numbers of absurd exponent (the 20-byte 1e999999 held
 * the webhook event loop for minutes in a multipleOf check; past 2^31 Jackson threw and the caller got a 500), and
 * bytes that are not UTF-8 JSON. Each is a 400 problem at ingest and at the dry run; meanwhile other webhooks go on
 * being accepted, even while a legal but costly payload check runs.
 */
class HostileNumbersIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CT = "application/json";

    private static RunningWerken werken;

    @BeforeAll
    static void start() throws Exception {
        werken = RunningWerken.start(
                Map.of("werken.workflows", "src/test/resources/fixtures/workflows/number-schemas.json"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (werken != null) {
            werken.close();
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"m\": 1e999999}",
                "{\"m\": 1e2147483648}",
                "{\"m\": -2.5E-2147483648}",
                "{\"ms\": [0.01, 7e-999999]}",
                "{\"m\": 12.5E+400000}",
                "{\"n\": 1e99999999999999999999}"
            })
    void aNumberOfAbsurdExponentIs400AtIngestAndAtTheDryRun(String body) throws Exception {
        for (HttpResponse<String> response :
                List.of(werken.post("priced", CT, bytes(body)), dryRun("priced", bytes(body)))) {
            JsonNode problem = assertInvalidJson(response);
            assertThat(problem.get("detail").asText())
                    .contains("out of range", "400", "WERKEN_MAX_JSON_NUMBER_EXPONENT");
        }
    }

    /** Jackson alone accepts these and hands the workflow other characters, or reads an encoding nobody named. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "7B2273223A2261C0AF62227D",
                "7B2273223A22C08022 7D",
                "7B2273223A22EDA0BDEDB88022 7D",
                "7B2273223A22F490808022 7D",
                "007B00220073002200 3A0031007D",
                "7B00220073002200 3A0031007D00",
                "FEFF007B007D",
                "0000007B0000007D",
                "FFFE00007B0000007D000000"
            })
    void bodiesThatAreNotUtf8JsonAre400AtIngestAndAtTheDryRun(String hex) throws Exception {
        byte[] body = HexFormat.of().parseHex(hex.replace(" ", ""));
        for (HttpResponse<String> response : List.of(werken.post("plain", CT, body), dryRun("plain", body))) {
            JsonNode problem = assertInvalidJson(response);
            assertThat(problem.get("detail").asText()).contains("not JSON in UTF-8");
        }
    }

    /**
     * A multipleOf check of a mebibyte of numbers near 1e300 takes seconds of CPU, and one of 1e999999 would take
     * minutes: neither holds the event loop, so webhooks of another workflow are accepted while they are in hand.
     */
    @Test
    void otherWebhooksAreAcceptedWhileACostlyPayloadIsChecked() throws Exception {
        HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        StringBuilder costly = new StringBuilder("{\"ms\": [1e300");
        while (costly.length() < 1_000_000) {
            costly.append(", 1e300");
        }
        costly.append("]}");
        CompletableFuture<HttpResponse<String>> huge =
                client.sendAsync(webhook("priced", "{\"m\": 1e999999}"), HttpResponse.BodyHandlers.ofString());
        CompletableFuture<HttpResponse<String>> checked =
                client.sendAsync(webhook("priced", costly.toString()), HttpResponse.BodyHandlers.ofString());

        List<Integer> acceptedMeanwhile = new ArrayList<>();
        for (int i = 0; i < 200 && !checked.isDone(); i++) {
            HttpResponse<String> other = werken.post("plain", CT, bytes("{\"i\": " + i + "}"));
            assertThat(other.statusCode()).as(other.body()).isEqualTo(202);
            if (!checked.isDone()) {
                acceptedMeanwhile.add(i);
            }
        }

        assertThat(acceptedMeanwhile)
                .as("webhooks accepted while the costly body was being checked")
                .isNotEmpty();
        assertThat(huge.get().statusCode()).as(huge.get().body()).isEqualTo(400);
        assertThat(checked.get().statusCode()).as(checked.get().body()).isEqualTo(202);
    }

    private static HttpRequest webhook(String workflowId, String body) {
        return HttpRequest.newBuilder(werken.webhookUri(workflowId))
                .header("Content-Type", CT)
                .timeout(Duration.ofSeconds(120))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    private static HttpResponse<String> dryRun(String workflowId, byte[] body) throws Exception {
        return werken.send(HttpRequest.newBuilder(URI.create(
                        "http://127.0.0.1:" + werken.managementPort + "/workflows/" + workflowId + "/dry-run"))
                .header("Content-Type", CT)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    private static JsonNode assertInvalidJson(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode())
                .as("%s %s", response.uri(), response.body())
                .isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.get("type").asText()).isEqualTo("urn:werken:problem:invalid-json");
        assertThat(response.body()).doesNotContain("Exception", "\tat ");
        return problem;
    }

    private static byte[] bytes(String body) {
        return body.getBytes(StandardCharsets.UTF_8);
    }
}
