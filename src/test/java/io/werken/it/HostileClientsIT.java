package io.werken.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Clients that misbehave on purpose, over raw sockets so that what Werken does with the connection shows: stalled and
 * trickled uploads, bytes sent after a refusal, pipelined requests after a Connection: close, ambiguous framing, and
 * clients that leave mid-body. Werken answers each with one problem (or nothing), closes the connection, and keeps
 * serving everyone else. Limits are small here: 48 KiB bodies, a 200 KiB body budget over 25 connections (an 8 KiB
 * allowance each), and 3 s for a request to arrive (the idle timeout is far longer).
 */
class HostileClientsIT {

    private static final int MAX_BODY = 48 * 1024;
    private static final int BUDGET = 200 * 1024;
    private static final int TIMEOUT_SECONDS = 3;
    private static final String HOOK = "/webhook/mi-workflow";

    private static final java.net.http.HttpClient HTTP_1_1 = java.net.http.HttpClient.newBuilder()
            .version(java.net.http.HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private static RunningWerken werken;

    @BeforeAll
    static void start() throws Exception {
        werken = RunningWerken.start(Map.of(
                "camel.server.max-body-size", Integer.toString(MAX_BODY),
                "werken.http.max-inflight-body-bytes", Integer.toString(BUDGET),
                "werken.http.max-connections", "25",
                "werken.http.request-timeout-seconds", Integer.toString(TIMEOUT_SECONDS),
                // Far beyond any wait here, so that what cuts a slow client off is the request deadline. (Vert.x's idle
                // timer sees decoded HTTP objects only: trickled headers are no activity to it, a trickled body is.)
                "werken.http.idle-timeout-seconds", "300"));
    }

    @AfterAll
    static void stop() throws Exception {
        werken.close();
    }

    @Test
    void stalledUploadsTakeTheBudgetThenGet503WhileSmallWebhooksAreServedAndTheStalledOnesTimeOut() throws Exception {
        // Each stalled upload announces 45 000 bytes and sends 30 000: five hold 5 x (45 000 - 8 192) of the budget.
        List<Socket> stalled = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                stalled.add(stall(werken.httpPort, HOOK, 45_000, 30_000));
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> reservedNow() == 5 * (45_000 - BUDGET / 25));

            // The sixth finds no room: 503 with Retry-After before its body is read, and its connection closed.
            try (Socket sixth = stall(werken.httpPort, HOOK, 45_000, 1_000)) {
                Answer answer = Answer.read(sixth);
                assertThat(answer.status).isEqualTo(503);
                assertThat(answer.head).containsIgnoringCase("Retry-After:");
                assertThat(answer.body)
                        .contains("urn:werken:problem:overloaded")
                        .contains("request bodies");
                assertThat(answer.closedAfter).isTrue();
            }
            // An everyday webhook still goes through meanwhile.
            assertThat(werken.post("mi-workflow", "application/json", "{\"ok\":true}".getBytes())
                            .statusCode())
                    .isEqualTo(202);

            // The stalled ones are cut off by the request deadline: 408, and closed.
            for (Socket socket : stalled) {
                Answer answer = Answer.read(socket);
                assertThat(answer.status).isEqualTo(408);
                assertThat(answer.body)
                        .contains("urn:werken:problem:request-timeout")
                        .contains(TIMEOUT_SECONDS + " seconds");
                assertThat(answer.closedAfter).isTrue();
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> reservedNow() == 0);
        } finally {
            for (Socket socket : stalled) {
                socket.close();
            }
        }
    }

    @Test
    void aTrickledBodyIsCutOffByTheDeadline() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", werken.httpPort)) {
            OutputStream out = socket.getOutputStream();
            out.write(head("POST", HOOK, "Content-Length: 500\r\nContent-Type: application/json\r\n"));
            out.write('[');
            InputStream in = socket.getInputStream();
            socket.setSoTimeout(250);
            int sent = 1;
            int first = -1;
            // One byte every quarter second, each time waiting that long for an answer: 500 bytes would take two
            // minutes.
            for (int i = 0; i < 200 && first < 0; i++) {
                try {
                    first = in.read();
                    break;
                } catch (SocketTimeoutException quiet) {
                    out.write(' ');
                    sent++;
                }
            }
            assertThat(first).as("an answer before the body was sent in full").isEqualTo('H');
            assertThat(sent).isLessThan(500);
            Answer answer = Answer.readRest(socket, "H");
            assertThat(answer.status).isEqualTo(408);
            assertThat(answer.closedAfter).isTrue();
        }
    }

    @Test
    void trickledHeadersAreCutOffByTheDeadline() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", werken.httpPort)) {
            OutputStream out = socket.getOutputStream();
            out.write("POST /webhook/mi-workflow HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            socket.setSoTimeout(250);
            int read = 0;
            for (int i = 0; i < 200; i++) {
                try {
                    read = in.read();
                    break;
                } catch (SocketTimeoutException quiet) {
                    out.write(("X-Slow-" + i + ": a\r\n").getBytes(StandardCharsets.US_ASCII));
                } catch (IOException reset) {
                    read = -1;
                    break;
                }
            }
            assertThat(read)
                    .as("closed without an answer (no request had begun)")
                    .isEqualTo(-1);
        }
    }

    @Test
    void bytesSentAfterA413AreNotRead() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", werken.httpPort)) {
            OutputStream out = socket.getOutputStream();
            out.write(head("POST", HOOK, "Content-Length: 3000000\r\nContent-Type: application/json\r\n"));
            out.write(new byte[2_000]);
            Answer answer = Answer.read(socket);
            assertThat(answer.status).isEqualTo(413);
            assertThat(answer.body).contains("urn:werken:problem:body-too-large");
            assertThat(answer.closedAfter).isTrue();
            // Werken reads no more: 64 MB more (beyond any socket buffer) cannot all be written to a connection that is
            // gone.
            assertThat(writeUntilRefused(out, 64L << 20)).isLessThan(64L << 20);
        }
    }

    @Test
    void aPipelinedRequestAfterA431IsNotAnswered() throws Exception {
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 120; i++) {
            many.append("X-Extra-").append(i).append(": v\r\n");
        }
        try (Socket socket = new Socket("127.0.0.1", werken.httpPort)) {
            OutputStream out = socket.getOutputStream();
            out.write(concat(
                    head("POST", HOOK, many + "Content-Type: application/json\r\nContent-Length: 2\r\n"),
                            "{}".getBytes(),
                    head("POST", HOOK, "Content-Type: application/json\r\nContent-Length: 2\r\n"), "{}".getBytes()));
            String all = readUntilClosed(socket);
            assertThat(all).startsWith("HTTP/1.1 431");
            assertThat(count(all, "HTTP/1.1 ")).as("responses").isEqualTo(1);
        }
    }

    static Stream<Arguments> ambiguousFraming() {
        String smuggled =
                "POST /webhook/mi-workflow HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}";
        return Stream.of(
                Arguments.of(
                        "Content-Length and chunked",
                        "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n",
                        "2\r\n{}\r\n0\r\n\r\n" + smuggled,
                        "both Content-Length and Transfer-Encoding"),
                Arguments.of(
                        "chunked and Content-Length, the other way round",
                        "Transfer-Encoding: chunked\r\nContent-Length: 13\r\n",
                        "0\r\n\r\n" + smuggled.substring(0, 8),
                        "both Content-Length and Transfer-Encoding"),
                Arguments.of(
                        "xchunked with a Content-Length",
                        "Transfer-Encoding: xchunked\r\nContent-Length: 2\r\n",
                        "{}",
                        "Transfer-Encoding"),
                Arguments.of(
                        "xchunked alone",
                        "Transfer-Encoding: xchunked\r\n",
                        "2\r\n{}\r\n0\r\n\r\n",
                        "'xchunked' is not supported"),
                Arguments.of(
                        "gzip, chunked",
                        "Transfer-Encoding: gzip, chunked\r\n",
                        "2\r\n{}\r\n0\r\n\r\n",
                        "'gzip, chunked' is not supported"),
                Arguments.of("two Host headers", "Host: y\r\nContent-Length: 2\r\n", "{}", "more than one Host"));
    }

    @ParameterizedTest(name = "{0} -> one 400, closed")
    @MethodSource("ambiguousFraming")
    void ambiguousFramingIsRefusedOnceAndTheConnectionClosed(String name, String headers, String body, String detail)
            throws Exception {
        try (Socket socket = new Socket("127.0.0.1", werken.httpPort)) {
            socket.getOutputStream()
                    .write(concat(
                            head("POST", HOOK, "Content-Type: application/json\r\n" + headers),
                            body.getBytes(StandardCharsets.US_ASCII)));
            String all = readUntilClosed(socket);
            assertThat(all).startsWith("HTTP/1.1 400");
            assertThat(all).contains("urn:werken:problem:malformed-request").contains(detail);
            assertThat(count(all, "HTTP/1.1 ")).as("responses").isEqualTo(1);
        }
    }

    @Test
    void aClientThatLeavesMidBodyCountsAsAbortedNotAsAnError() throws Exception {
        double abortedBefore = series("werken_webhooks_total{outcome=\"aborted\",workflow=\"(none)\"}");
        double errorsBefore = series("werken_webhooks_total{outcome=\"internal-error\",workflow=\"(none)\"}");
        try (Socket socket = stall(werken.httpPort, HOOK, 6_000, 3_000)) {
            socket.getOutputStream().flush();
        }
        await().atMost(Duration.ofSeconds(10))
                .until(() ->
                        series("werken_webhooks_total{outcome=\"aborted\",workflow=\"(none)\"}") == abortedBefore + 1);
        assertThat(series("werken_webhooks_total{outcome=\"internal-error\",workflow=\"(none)\"}"))
                .isEqualTo(errorsBefore);
    }

    @Test
    void managementBodiesHaveTheSameLimit() throws Exception {
        // A dry run three times the body limit, with a Content-Length: refused before it is read.
        try (Socket socket = new Socket("127.0.0.1", werken.managementPort)) {
            OutputStream out = socket.getOutputStream();
            out.write(head(
                    "POST",
                    "/workflows/mi-workflow/dry-run",
                    "Content-Type: application/json\r\nContent-Length: " + 3 * MAX_BODY + "\r\n"));
            out.write(new byte[4_000]);
            Answer answer = Answer.read(socket);
            assertThat(answer.status).isEqualTo(413);
            assertThat(answer.body)
                    .contains("urn:werken:problem:body-too-large")
                    .contains(MAX_BODY + " bytes");
            assertThat(answer.closedAfter).isTrue();
        }
        // The same, chunked: refused once over the limit.
        try (Socket socket = new Socket("127.0.0.1", werken.managementPort)) {
            OutputStream out = socket.getOutputStream();
            out.write(head(
                    "POST",
                    "/workflows/mi-workflow/dry-run",
                    "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n"));
            byte[] chunk = concat("4000\r\n".getBytes(StandardCharsets.US_ASCII), new byte[0x4000], "\r\n".getBytes());
            try {
                for (int i = 0; i < 6; i++) {
                    out.write(chunk);
                }
            } catch (IOException refused) {
                // closed once over the limit, before all was sent
            }
            Answer answer = Answer.read(socket);
            assertThat(answer.status).isEqualTo(413);
            assertThat(answer.closedAfter).isTrue();
        }
        // And one within it is still served.
        HttpResponse<String> small = werken.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + werken.managementPort + "/workflows/mi-workflow/dry-run"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"user_id\":1}")));
        assertThat(small.statusCode()).isEqualTo(200);
    }

    @Test
    void aStalledManagementBodyTimesOut() throws Exception {
        try (Socket socket = stall(werken.managementPort, "/workflows/mi-workflow/dry-run", 5_000, 100)) {
            Answer answer = Answer.read(socket);
            assertThat(answer.status).isEqualTo(408);
            assertThat(answer.closedAfter).isTrue();
        }
    }

    // ---- raw HTTP --------------------------------------------------------------------------------------------

    /** A connection that sent a request head announcing {@code length} bytes, then {@code sent} of them. */
    static Socket stall(int port, String path, int length, int sent) throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        OutputStream out = socket.getOutputStream();
        out.write(head("POST", path, "Content-Type: application/json\r\nContent-Length: " + length + "\r\n"));
        byte[] body = new byte[sent];
        java.util.Arrays.fill(body, (byte) ' ');
        body[0] = '[';
        out.write(body);
        out.flush();
        return socket;
    }

    static byte[] head(String method, String path, String headers) {
        return (method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers + "\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            all.writeBytes(part);
        }
        return all.toByteArray();
    }

    /** Everything the server sends until it closes the connection; fails if it has not within 10 s. */
    static String readUntilClosed(Socket socket) throws IOException {
        socket.setSoTimeout(10_000);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n = socket.getInputStream().read(buffer);
                    n >= 0;
                    n = socket.getInputStream().read(buffer)) {
                all.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError(
                    "The connection was still open 10 s later; received: " + all.toString(StandardCharsets.UTF_8));
        } catch (IOException reset) {
            // closed with unread bytes still on their way: a reset after the answer
        }
        return all.toString(StandardCharsets.UTF_8);
    }

    /** Writes up to {@code limit} bytes; returns how many were written before the connection refused more. */
    static long writeUntilRefused(OutputStream out, long limit) {
        byte[] chunk = new byte[16 * 1024];
        long written = 0;
        try {
            while (written < limit) {
                out.write(chunk);
                written += chunk.length;
            }
        } catch (IOException refused) {
            return written;
        }
        return written;
    }

    static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    /** One answer read off a socket, and whether the server closed the connection after it. */
    record Answer(int status, String head, String body, boolean closedAfter) {

        private static final Pattern STATUS = Pattern.compile("^HTTP/1\\.1 (\\d{3}) ");
        private static final Pattern LENGTH = Pattern.compile("(?im)^content-length:\\s*(\\d+)");

        static Answer read(Socket socket) throws IOException {
            return readRest(socket, "");
        }

        /** Waits at most {@code timeout} for the answer to begin. */
        static Answer read(Socket socket, Duration timeout) throws IOException {
            socket.setSoTimeout((int) timeout.toMillis());
            int first = socket.getInputStream().read();
            if (first < 0) {
                throw new AssertionError("Closed before an answer");
            }
            return readRest(socket, String.valueOf((char) first));
        }

        /** Reads an answer whose first characters ({@code start}) were read already. */
        static Answer readRest(Socket socket, String start) throws IOException {
            socket.setSoTimeout(10_000);
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            got.writeBytes(start.getBytes(StandardCharsets.US_ASCII));
            String text = got.toString(StandardCharsets.UTF_8);
            while (!text.contains("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    throw new AssertionError("Closed before an answer: " + text);
                }
                got.write(b);
                text = got.toString(StandardCharsets.UTF_8);
            }
            String head = text.substring(0, text.indexOf("\r\n\r\n"));
            Matcher status = STATUS.matcher(head);
            assertThat(status.find()).as("status line of " + head).isTrue();
            Matcher length = LENGTH.matcher(head);
            assertThat(length.find()).as("Content-Length in " + head).isTrue();
            byte[] body = in.readNBytes(Integer.parseInt(length.group(1)));
            boolean closed;
            try {
                closed = in.read() < 0;
            } catch (SocketTimeoutException open) {
                closed = false;
            } catch (IOException reset) {
                closed = true;
            }
            return new Answer(
                    Integer.parseInt(status.group(1)), head, new String(body, StandardCharsets.UTF_8), closed);
        }
    }

    // ---- what Werken shows -----------------------------------------------------------------------------------

    private static double reservedNow() throws IOException, InterruptedException {
        return series("werken_http_inflight_body_bytes");
    }

    private static double series(String name) throws IOException, InterruptedException {
        // HTTP/1.1: the JDK client's h2c upgrade attempt can hang a scrape past its own timeout.
        String text = HTTP_1_1.send(
                        HttpRequest.newBuilder(
                                        URI.create("http://127.0.0.1:" + werken.managementPort + "/observe/metrics"))
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        return text.lines()
                .filter(line -> line.startsWith(name + " "))
                .findFirst()
                .map(line ->
                        Double.parseDouble(line.substring(name.length() + 1).trim()))
                .orElse(0.0);
    }
}
