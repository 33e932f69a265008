package io.werken.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every rejection the ingest path gives, as a table: the right 4xx (never a 5xx), an application/problem+json body
 * that says what was wrong, and nothing published. Dispatch is stopped so that anything published would still be on
 * received_webhooks. Limits are set small here so the cases stay small.
 */
class WebhookRejectionsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_BODY = 16 * 1024;
    private static final String HOOK = "/webhook/mi-workflow";
    private static final String CT = "application/json";

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
        assertThat(broker.depth(werken.receivedQueue))
                .as("events on received_webhooks")
                .isZero();
        assertThat(broker.depth(werken.actionsQueue))
                .as("messages on required_actions")
                .isZero();
    }

    /** One request: what is sent, and the problem expected back. */
    record Case(
            String method, String path, String contentType, byte[] body, boolean chunked, Map<String, String> headers) {

        static Case post(String path, String contentType, String body) {
            return new Case(
                    "POST",
                    path,
                    contentType,
                    body == null ? null : body.getBytes(StandardCharsets.UTF_8),
                    false,
                    Map.of());
        }

        static Case post(String contentType, byte[] body) {
            return new Case("POST", HOOK, contentType, body, false, Map.of());
        }

        static Case json(String body) {
            return post(HOOK, CT, body);
        }

        Case sentChunked() {
            return new Case(method, path, contentType, body, true, headers);
        }

        Case withHeaders(Map<String, String> extra) {
            return new Case(method, path, contentType, body, chunked, extra);
        }

        Case method(String name) {
            return new Case(name, path, contentType, body, chunked, headers);
        }
    }

    private static Arguments rejected(String name, Case request, int status, String type, String detailMentions) {
        return Arguments.of(name, request, status, type, detailMentions);
    }

    static Stream<Arguments> rejections() {
        Map<String, String> manyHeaders = new LinkedHashMap<>();
        for (int i = 0; i < 150; i++) {
            manyHeaders.put("X-Extra-" + i, "v");
        }
        return Stream.of(
                // the body
                rejected("malformed JSON", Case.json("{\"user_id\": }"), 400, "invalid-json", "not valid JSON"),
                rejected(
                        "truncated JSON",
                        Case.json("{\"user_id\": 123, \"data\": \"some"),
                        400,
                        "invalid-json",
                        "not valid JSON"),
                rejected("empty body", Case.json(""), 400, "invalid-json", "empty"),
                rejected("only whitespace", Case.json("  \n "), 400, "invalid-json", "no JSON value"),
                rejected("trailing garbage", Case.json("{\"a\":1} xyz"), 400, "invalid-json", "not valid JSON"),
                rejected("two documents", Case.json("{} {}"), 400, "invalid-json", "not valid JSON"),
                rejected(
                        "invalid UTF-8",
                        Case.post(CT, new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'}),
                        400,
                        "invalid-json",
                        "UTF-8"),
                rejected("duplicate keys", Case.json("{\"a\":1,\"a\":2}"), 400, "invalid-json", "Duplicate field 'a'"),
                rejected(
                        "nesting 65 deep (limit 64)",
                        Case.json("[".repeat(65) + "]".repeat(65)),
                        400,
                        "invalid-json",
                        "nesting depth"),
                rejected(
                        "an integer of 700 digits (its exponent past WERKEN_MAX_JSON_NUMBER_EXPONENT)",
                        Case.json("{\"n\":" + "7".repeat(700) + "}"),
                        400,
                        "invalid-json",
                        "WERKEN_MAX_JSON_NUMBER_EXPONENT"),
                rejected(
                        "a number of 3000 digits",
                        Case.json("{\"n\":" + "9".repeat(3000) + "}"),
                        400,
                        "invalid-json",
                        "Number value length"),
                rejected(
                        "body one byte over the limit",
                        Case.json(bodyOfSize(MAX_BODY + 1)),
                        413,
                        "body-too-large",
                        MAX_BODY + " bytes"),
                rejected(
                        "chunked body over the limit",
                        Case.json(bodyOfSize(MAX_BODY * 2)).sentChunked(),
                        413,
                        "body-too-large",
                        MAX_BODY + " bytes"),
                // the content type
                rejected(
                        "no content type",
                        Case.post(HOOK, null, "{}"),
                        415,
                        "unsupported-media-type",
                        "no Content-Type"),
                rejected(
                        "text/plain", Case.post(HOOK, "text/plain", "{}"), 415, "unsupported-media-type", "text/plain"),
                rejected(
                        "form",
                        Case.post(HOOK, "application/x-www-form-urlencoded", "a=1"),
                        415,
                        "unsupported-media-type",
                        "x-www-form-urlencoded"),
                rejected(
                        "multipart",
                        Case.post(
                                HOOK,
                                "multipart/form-data; boundary=b",
                                "--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"f.txt\"\r\n\r\nx\r\n--b--\r\n"),
                        415,
                        "unsupported-media-type",
                        "multipart/form-data"),
                rejected(
                        "latin1 with non-UTF-8 bytes",
                        Case.post(
                                "application/json; charset=latin1",
                                new byte[] {'{', '"', 'n', '"', ':', '"', (byte) 0xE9, '"', '}'}),
                        415,
                        "unsupported-media-type",
                        "UTF-8"),
                rejected(
                        "content type in the query only",
                        Case.post(HOOK + "?Content-Type=application/json", null, "{}"),
                        415,
                        "unsupported-media-type",
                        "no Content-Type"),
                rejected(
                        "query overriding the header",
                        Case.post(HOOK + "?Content-Type=application/json", "text/plain", "{}"),
                        415,
                        "unsupported-media-type",
                        "'text/plain'"),
                // the workflow id and path
                rejected(
                        "unknown workflow",
                        Case.post("/webhook/no-such-flow", CT, "{}"),
                        404,
                        "unknown-workflow",
                        "no-such-flow"),
                rejected("workflow id ..", Case.post("/webhook/..", CT, "{}"), 404, "not-found", "Nothing is served"),
                rejected(
                        "workflow id with %2F",
                        Case.post("/webhook/mi%2Fworkflow", CT, "{}"), 404, "unknown-workflow", "mi/workflow"),
                rejected(
                        "workflow id with a space",
                        Case.post("/webhook/mi%20workflow", CT, "{}"),
                        404,
                        "unknown-workflow",
                        "mi workflow"),
                rejected(
                        "workflow id of 500 characters",
                        Case.post("/webhook/" + "w".repeat(500), CT, "{}"),
                        404,
                        "unknown-workflow",
                        "www..."),
                rejected(
                        "unicode workflow id",
                        Case.post("/webhook/%E2%9C%93-flujo", CT, "{}"),
                        404,
                        "unknown-workflow",
                        "\u2713-flujo"),
                rejected(
                        "unknown path",
                        Case.post("/hooks/mi-workflow", CT, "{}"),
                        404,
                        "not-found",
                        "/hooks/mi-workflow"),
                // the method
                rejected("GET", Case.post(HOOK, null, null).method("GET"), 405, "method-not-allowed", "GET"),
                rejected("PUT", Case.json("{}").method("PUT"), 405, "method-not-allowed", "PUT"),
                rejected("DELETE", Case.post(HOOK, null, null).method("DELETE"), 405, "method-not-allowed", "DELETE"),
                rejected("PATCH", Case.json("{}").method("PATCH"), 405, "method-not-allowed", "PATCH"),
                // the request line and headers
                rejected(
                        "an oversized header (10 KiB)",
                        Case.json("{}").withHeaders(Map.of("X-Big", "b".repeat(10 * 1024))),
                        431,
                        "headers-too-large",
                        "8192 bytes"),
                rejected(
                        "too many headers (150)",
                        Case.json("{}").withHeaders(manyHeaders),
                        431,
                        "headers-too-large",
                        "limit of 100"),
                rejected(
                        "a URI of 5000 characters",
                        Case.post(HOOK + "?q=" + "u".repeat(5000), CT, "{}"),
                        414,
                        "uri-too-long",
                        "4096 bytes"));
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @MethodSource("rejections")
    void isRejectedWithAProblemAndPublishesNothing(
            String name, Case sent, int status, String type, String detailMentions) throws Exception {
        HttpResponse<String> response = werken.send(request(sent));

        assertThat(response.statusCode()).isEqualTo(status);
        assertProblem(response, status, type, detailMentions);
        if (status == 405) {
            assertThat(response.headers().firstValue("Allow")).hasValue("POST");
        }
    }

    static Stream<Arguments> accepted() {
        return Stream.of(
                Arguments.of("body exactly at the limit", bodyOfSize(MAX_BODY)),
                Arguments.of(
                        "a huge string within the limit", "{\"s\":\"" + "\u00e9".repeat((MAX_BODY - 16) / 2) + "\"}"),
                Arguments.of("nesting exactly 64 deep", "[".repeat(64) + "]".repeat(64)),
                Arguments.of(
                        "an integer of 400 digits (its exponent at WERKEN_MAX_JSON_NUMBER_EXPONENT)",
                        "{\"n\":" + "7".repeat(400) + "}"));
    }

    @ParameterizedTest(name = "{0} -> 202")
    @MethodSource("accepted")
    void isAcceptedAtTheLimits(String name, String body) throws Exception {
        assertThat(body.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(MAX_BODY);

        HttpResponse<String> response = werken.post("mi-workflow", CT, body.getBytes(StandardCharsets.UTF_8));

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(broker.get(werken.receivedQueue)).isNotNull();
    }

    @Test
    void aRequestVertxCannotHonourGetsAProblemToo() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", werken.httpPort)) {
            socket.getOutputStream()
                    .write(("POST /webhook/mi-workflow HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                    + "Expect: something-odd\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}")
                            .getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

            assertThat(answer).startsWith("HTTP/1.1 417");
            assertThat(answer).containsIgnoringCase("Content-Type: application/problem+json");
            assertThat(answer).contains("\"status\":417");
        }
    }

    @Test
    void garbageInsteadOfHttpGetsAProblem() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", werken.httpPort)) {
            socket.getOutputStream().write("HELLO\u0001 WORLD\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

            assertThat(answer).startsWith("HTTP/1.").contains(" 400 ");
            assertThat(answer).containsIgnoringCase("Content-Type: application/problem+json");
            assertThat(answer).contains("\"type\":\"urn:werken:problem:malformed-request\"");
        }
    }

    @Test
    void aClientThatNeverSendsItsBodyIsCutOffWhileOthersAreServed() throws Exception {
        try (RunningWerken idle = RunningWerken.start(Map.of("werken.http.idle-timeout-seconds", "2"));
                Socket slow = new Socket("127.0.0.1", idle.httpPort)) {
            OutputStream out = slow.getOutputStream();
            out.write(("POST /webhook/mi-workflow HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                            + "Content-Length: 100\r\n\r\n{\"partial\":")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            long sentAt = System.nanoTime();

            // Meanwhile other clients are served.
            for (int i = 0; i < 3; i++) {
                assertThat(idle.post("mi-workflow", CT, "{}".getBytes()).statusCode())
                        .isEqualTo(202);
            }

            // The server closes the slow connection: a read ends (-1) without any answer.
            slow.setSoTimeout(10_000);
            InputStream in = slow.getInputStream();
            assertThat(in.read()).isEqualTo(-1);
            Duration waited = Duration.ofNanos(System.nanoTime() - sentAt);
            assertThat(waited).isBetween(Duration.ofMillis(1500), Duration.ofSeconds(8));
            await().atMost(Duration.ofSeconds(5)).until(() -> broker.depth(idle.actionsQueue) == 6);
            assertThat(broker.depth(idle.receivedQueue)).isZero();
        }
    }

    private static HttpRequest.Builder request(Case sent) {
        HttpRequest.BodyPublisher body;
        if (sent.body() == null) {
            body = HttpRequest.BodyPublishers.noBody();
        } else if (sent.chunked()) {
            // No length known in advance: HttpClient sends it with Transfer-Encoding: chunked.
            body = HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(sent.body()));
        } else {
            body = HttpRequest.BodyPublishers.ofByteArray(sent.body());
        }
        HttpRequest.Builder request =
                HttpRequest.newBuilder(werken.uri(sent.path())).method(sent.method(), body);
        if (sent.contentType() != null) {
            request.header("Content-Type", sent.contentType());
        }
        sent.headers().forEach(request::header);
        return request;
    }

    /** A JSON object of exactly {@code size} bytes. */
    private static String bodyOfSize(int size) {
        String prefix = "{\"data\":\"";
        return prefix + "x".repeat(size - prefix.length() - 2) + "\"}";
    }

    static void assertProblem(HttpResponse<String> response, int status, String type, String detailMentions)
            throws Exception {
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.get("type").asText()).isEqualTo("urn:werken:problem:" + type);
        assertThat(problem.get("title").asText()).isNotBlank();
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("detail").asText()).contains(detailMentions);
        assertThat(response.body())
                .doesNotContain("Exception")
                .doesNotContain("\tat ")
                .doesNotContain("io.werken");
    }
}
