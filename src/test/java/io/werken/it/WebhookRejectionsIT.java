package io.werken.it;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every rejection the ingest path gives: the right 4xx, an application/problem+json body that says what was wrong,
 * and nothing published. Dispatch is stopped so that anything published would still be on received_webhooks.
 */
class WebhookRejectionsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_BODY = 1024;

    private static RunningWerken werken;
    private static Broker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = new Broker();
        werken = RunningWerken.start(Map.of("camel.server.max-body-size", Integer.toString(MAX_BODY)));
        werken.stopDispatch();
    }

    @AfterAll
    static void stop() throws Exception {
        werken.close();
        broker.close();
    }

    @AfterEach
    void nothingWasPublished() {
        assertThat(broker.depth(werken.receivedQueue)).as("events on received_webhooks").isZero();
        assertThat(broker.depth(werken.actionsQueue)).as("messages on required_actions").isZero();
    }

    static Stream<Arguments> rejections() {
        String overLimit = "{\"data\":\"" + "x".repeat(MAX_BODY) + "\"}";
        return Stream.of(
                Arguments.of("malformed JSON", "POST", "/webhook/mi-workflow", "application/json", "{\"user_id\": ", 400, "invalid-json", "not valid JSON"),
                Arguments.of("empty body", "POST", "/webhook/mi-workflow", "application/json", "", 400, "invalid-json", "empty"),
                Arguments.of("trailing garbage", "POST", "/webhook/mi-workflow", "application/json", "{} {}", 400, "invalid-json", "not valid JSON"),
                Arguments.of("duplicate keys", "POST", "/webhook/mi-workflow", "application/json", "{\"a\":1,\"a\":2}", 400, "invalid-json", "Duplicate field 'a'"),
                Arguments.of("unknown workflow", "POST", "/webhook/no-such-flow", "application/json", "{}", 404, "unknown-workflow", "no-such-flow"),
                Arguments.of("unknown path", "POST", "/hooks/mi-workflow", "application/json", "{}", 404, "not-found", "/hooks/mi-workflow"),
                Arguments.of("GET", "GET", "/webhook/mi-workflow", null, null, 405, "method-not-allowed", "GET"),
                Arguments.of("PUT", "PUT", "/webhook/mi-workflow", "application/json", "{}", 405, "method-not-allowed", "PUT"),
                Arguments.of("DELETE", "DELETE", "/webhook/mi-workflow", null, null, 405, "method-not-allowed", "DELETE"),
                Arguments.of("body over the limit", "POST", "/webhook/mi-workflow", "application/json", overLimit, 413, "body-too-large", "1024 bytes"),
                Arguments.of("text/plain", "POST", "/webhook/mi-workflow", "text/plain", "{}", 415, "unsupported-media-type", "text/plain"),
                Arguments.of("form", "POST", "/webhook/mi-workflow", "application/x-www-form-urlencoded", "a=1", 415, "unsupported-media-type", "x-www-form-urlencoded"),
                Arguments.of("no content type", "POST", "/webhook/mi-workflow", null, "{}", 415, "unsupported-media-type", "no Content-Type"),
                Arguments.of("latin1", "POST", "/webhook/mi-workflow", "application/json; charset=latin1", "{}", 415, "unsupported-media-type", "UTF-8"),
                Arguments.of("multipart", "POST", "/webhook/mi-workflow", "multipart/form-data; boundary=b",
                        "--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"f.txt\"\r\n\r\nx\r\n--b--\r\n", 415, "unsupported-media-type", "multipart/form-data"),
                Arguments.of("content type in the query only", "POST", "/webhook/mi-workflow?Content-Type=application/json", null, "{}", 415, "unsupported-media-type", "no Content-Type"),
                Arguments.of("query overriding the header", "POST", "/webhook/mi-workflow?Content-Type=application/json", "text/plain", "{}", 415, "unsupported-media-type", "'text/plain'"));
    }

    @ParameterizedTest(name = "{0} -> {5}")
    @MethodSource("rejections")
    void isRejectedWithAProblemAndPublishesNothing(String name, String method, String path, String contentType,
                                                    String body, int status, String type, String detailMentions) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(werken.uri(path)).method(method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }

        HttpResponse<String> response = werken.send(request);

        assertThat(response.statusCode()).isEqualTo(status);
        assertProblem(response, status, type, detailMentions);
        if (status == 405) {
            assertThat(response.headers().firstValue("Allow")).hasValue("POST");
        }
    }

    @Test
    void aBodyExactlyAtTheLimitIsAccepted() throws Exception {
        String prefix = "{\"data\":\"";
        String body = prefix + "x".repeat(MAX_BODY - prefix.length() - 2) + "\"}";
        assertThat(body.getBytes(StandardCharsets.UTF_8)).hasSize(MAX_BODY);

        HttpResponse<String> response = werken.post("mi-workflow", "application/json", body.getBytes(StandardCharsets.UTF_8));

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(broker.get(werken.receivedQueue)).isNotNull();
    }

    @Test
    void aRequestVertxCannotHonourGetsAProblemToo() throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", werken.httpPort)) {
            socket.getOutputStream().write(("POST /webhook/mi-workflow HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Expect: something-odd\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}").getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

            assertThat(answer).startsWith("HTTP/1.1 417");
            assertThat(answer).containsIgnoringCase("Content-Type: application/problem+json");
            assertThat(answer).contains("\"status\":417");
        }
    }

    @Test
    void invalidUtf8IsRejected() throws Exception {
        HttpResponse<String> response = werken.post("mi-workflow", "application/json",
                new byte[] { '{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}' });

        assertThat(response.statusCode()).isEqualTo(400);
        assertProblem(response, 400, "invalid-json", "UTF-8");
    }

    static void assertProblem(HttpResponse<String> response, int status, String type, String detailMentions) throws Exception {
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.get("type").asText()).isEqualTo("urn:werken:problem:" + type);
        assertThat(problem.get("title").asText()).isNotBlank();
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("detail").asText()).contains(detailMentions);
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("io.werken");
    }
}
