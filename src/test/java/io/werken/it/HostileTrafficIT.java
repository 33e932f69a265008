package io.werken.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Ordinary webhooks keep flowing while a hostile client runs each attack of issue 19 in turn, against Werken as an
 * operator runs it ({@code java @jvm.options -jar}, a 192 MB heap): stalled 1 MiB uploads, trickled bodies, a body
 * streamed on past 413, expressions that would allocate without bound, numbers with absurd exponents, an oversized dry
 * run on the management port, ambiguous framing and invalid UTF-8. Every ordinary webhook gets 202 and its actions, the
 * process stays up, and its peak resident memory stays under the bound the README documents ({@link #RSS_BOUND_MIB}).
 * Everything goes to 127.0.0.1 and every attack is bounded in count and time.
 */
class HostileTrafficIT {

    /** The README's bound on Werken's resident memory under these attacks ("Limits"). */
    static final long RSS_BOUND_MIB = 450;

    private static final int REQUEST_TIMEOUT_SECONDS = 4;
    private static final String JSON = "application/json";

    private String prefix;
    private WerkenProcess werken;
    private final ExecutorService attackers = Executors.newFixedThreadPool(48);

    @BeforeEach
    void start() throws Exception {
        prefix = "it-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        Map<String, String> env = WerkenProcess.settings(prefix);
        env.put(
                "WERKEN_WORKFLOWS",
                Path.of("src/test/resources/fixtures/workflows/hostile-targets.json")
                        .toAbsolutePath()
                        .toString());
        env.put("WERKEN_REQUEST_TIMEOUT_SECONDS", Integer.toString(REQUEST_TIMEOUT_SECONDS));
        werken = WerkenProcess.start(env, "hostile");
    }

    @AfterEach
    void stop() throws Exception {
        attackers.shutdownNow();
        werken.close();
        try (Broker broker = new Broker()) {
            broker.delete(
                    prefix + "received_webhooks",
                    prefix + "required_actions",
                    prefix + "received_webhooks.dlq",
                    prefix + "werken.journal");
        }
    }

    @Test
    void ordinaryWebhooksKeepGetting202WhileEachAttackRuns() throws Exception {
        List<String> report = new ArrayList<>();
        List<LoadStream.Outcome> ordinary;
        try (LoadStream stream =
                new LoadStream(werken.webhookUri("mi-workflow"), 20_000, 8).start(Duration.ofMillis(10))) {
            report.add(stalledUploads(160, 1024 * 1024, 700 * 1024));
            report.add(trickledBodies(6));
            report.add(bodyStreamedPast413(64L * 1024 * 1024));
            report.add(expressionsThatWouldAllocateWithoutBound(6));
            report.add(absurdExponents(40));
            report.add(oversizedDryRuns(3, 12 * 1024 * 1024));
            report.add(ambiguousFramingAndInvalidUtf8());
            assertThat(werken.isAlive())
                    .as("Werken is still running after the attacks")
                    .isTrue();
            ordinary = stream.finish();
        }
        long peakRssMib = peakRssMib();
        System.out.printf(
                "HostileTrafficIT: %d ordinary webhooks during the attacks, peak RSS %d MiB%n  %s%n",
                ordinary.size(), peakRssMib, String.join("\n  ", report));

        assertThat(ordinary).as("ordinary webhooks sent during the attacks").hasSizeGreaterThan(500);
        assertThat(ordinary)
                .extracting(LoadStream.Outcome::status)
                .as("every ordinary webhook's answer")
                .containsOnly(202);
        assertThat(werken.healthStatus()).as("health after the attacks").isEqualTo(200);
        assertThat(peakRssMib).as("peak RSS (VmHWM) in MiB").isLessThan(RSS_BOUND_MIB);

        try (Broker broker = new Broker()) {
            List<String> accepted =
                    ordinary.stream().map(LoadStream.Outcome::eventId).toList();
            ActionLedger ledger = new ActionLedger();
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> {
                        ledger.add(broker.drain(prefix + "required_actions"));
                        return ledger.incomplete(accepted, 2).isEmpty();
                    });
            // The hostile expressions were accepted (their payloads are valid) and dead-lettered with the reason.
            await().atMost(Duration.ofSeconds(30)).until(() -> broker.depth(prefix + "received_webhooks.dlq") == 6);
        }
    }

    /** Many uploads that declare a large body, send most of it and stall: none may hold the heap hostage. */
    private String stalledUploads(int connections, int declared, int sent) throws Exception {
        ConcurrentLinkedQueue<Socket> open = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> outcomes = new ConcurrentLinkedQueue<>();
        List<Future<?>> uploads = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            uploads.add(attackers.submit(() -> {
                try {
                    Socket socket = connect(werken.httpPort);
                    open.add(socket);
                    OutputStream out = socket.getOutputStream();
                    out.write(head(
                            "POST",
                            "/webhook/mi-workflow",
                            "Content-Type: " + JSON + "\r\nContent-Length: " + declared));
                    writeFiller(out, sent);
                    outcomes.add(statusOrNone(socket, Duration.ofMillis(500)));
                } catch (IOException e) {
                    outcomes.add("closed");
                }
                return null;
            }));
        }
        for (Future<?> upload : uploads) {
            upload.get(60, TimeUnit.SECONDS);
        }
        // Hold what was not refused until the request deadline has passed: the server must close them itself.
        await().atMost(Duration.ofSeconds(REQUEST_TIMEOUT_SECONDS * 4L))
                .pollDelay(Duration.ofSeconds(REQUEST_TIMEOUT_SECONDS))
                .until(() -> open.stream().allMatch(HostileTrafficIT::closedByPeer));
        open.forEach(HostileTrafficIT::closeQuietly);
        return "stalled uploads (" + connections + " x " + sent / 1024 + " KiB of " + declared / 1024 + " KiB): "
                + tally(outcomes) + ", then every connection closed by Werken";
    }

    /** Bodies trickled a byte at a time: the request deadline closes them. */
    private String trickledBodies(int connections) throws Exception {
        List<Socket> sockets = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            Socket socket = connect(werken.httpPort);
            socket.getOutputStream()
                    .write(head("POST", "/webhook/mi-workflow", "Content-Type: " + JSON + "\r\nContent-Length: 4096"));
            sockets.add(socket);
        }
        long start = System.nanoTime();
        // One byte per socket every 250 ms: never idle, never done. Bounded: at most 6 deadlines long.
        await().atMost(Duration.ofSeconds(REQUEST_TIMEOUT_SECONDS * 6L))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    boolean allClosed = true;
                    for (Socket socket : sockets) {
                        try {
                            socket.getOutputStream().write('1');
                            socket.getOutputStream().flush();
                            allClosed &= closedByPeer(socket);
                        } catch (IOException e) {
                            // Closed by Werken.
                        }
                    }
                    return allClosed;
                });
        sockets.forEach(HostileTrafficIT::closeQuietly);
        return "trickled bodies (" + connections + "): all closed by Werken after "
                + Duration.ofNanos(System.nanoTime() - start).toSeconds() + " s";
    }

    /** A body far over the limit, streamed on after the 413: Werken must stop reading, not drain it. */
    private String bodyStreamedPast413(long bytes) throws Exception {
        long written = 0;
        try (Socket socket = connect(werken.httpPort)) {
            OutputStream out = socket.getOutputStream();
            out.write(head("POST", "/webhook/mi-workflow", "Content-Type: " + JSON + "\r\nContent-Length: " + bytes));
            byte[] chunk = new byte[64 * 1024];
            java.util.Arrays.fill(chunk, (byte) '1');
            try {
                while (written < bytes) {
                    out.write(chunk);
                    written += chunk.length;
                }
            } catch (IOException e) {
                // Werken closed the connection: what we expect.
            }
        }
        assertThat(written)
                .as("bytes Werken let a client send after its 413 (of %d)", bytes)
                .isLessThan(bytes / 2);
        return "body streamed past 413: Werken closed the connection after " + written / (1024 * 1024) + " MiB of "
                + bytes / (1024 * 1024) + " MiB";
    }

    /** Valid payloads that make the workflow's expression build one large string per item. */
    private String expressionsThatWouldAllocateWithoutBound(int count) throws Exception {
        String order = "x".repeat(300 * 1024);
        StringBuilder items = new StringBuilder();
        for (int i = 0; i < 600; i++) {
            items.append(i == 0 ? "" : ",")
                    .append("{\"name\":\"item-")
                    .append(i)
                    .append("\"}");
        }
        String body = "{\"order\":\"" + order + "\",\"items\":[" + items + "]}";
        List<String> statuses = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            statuses.add(post(werken.httpPort, "/webhook/fan-out", body.getBytes(StandardCharsets.UTF_8)));
        }
        assertThat(statuses).as("the hostile payloads are valid JSON: accepted").containsOnly("202");
        return "fan-out payloads (" + count + " x " + body.length() / 1024 + " KiB): " + tally(statuses);
    }

    private String absurdExponents(int count) throws Exception {
        String[] numbers = {"3e-777777", "9.5E+654321", "1e2147483650", "-4.2e-2147483649", "12E987654"};
        List<String> statuses = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String body = "{\"amount\":" + numbers[i % numbers.length] + "}";
            statuses.add(post(werken.httpPort, "/webhook/priced", body.getBytes(StandardCharsets.UTF_8)));
        }
        assertThat(statuses).as("numbers with absurd exponents").containsOnly("400");
        return "absurd exponents (" + count + "): " + tally(statuses);
    }

    private String oversizedDryRuns(int count, int size) throws Exception {
        List<String> outcomes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            try (Socket socket = connect(werken.managementPort)) {
                OutputStream out = socket.getOutputStream();
                out.write(head(
                        "POST",
                        "/workflows/mi-workflow/dry-run",
                        "Content-Type: " + JSON + "\r\nContent-Length: " + size));
                try {
                    writeFiller(out, size);
                } catch (IOException e) {
                    // Closed after the 413.
                }
                outcomes.add(statusOrNone(socket, Duration.ofSeconds(5)));
            }
        }
        assertThat(outcomes).as("oversized dry runs").allMatch(o -> o.equals("413") || o.equals("closed"));
        return "oversized dry runs (" + count + " x " + size / (1024 * 1024) + " MiB): " + tally(outcomes);
    }

    private String ambiguousFramingAndInvalidUtf8() throws Exception {
        List<String> outcomes = new ArrayList<>();
        String body = "{\"a\":1}";
        outcomes.add(raw(
                werken.httpPort,
                "POST /webhook/mi-workflow HTTP/1.1\r\nHost: a\r\nContent-Type: " + JSON + "\r\nContent-Length: "
                        + body.length() + "\r\nTransfer-Encoding: chunked\r\n\r\n7\r\n" + body + "\r\n0\r\n\r\n"));
        outcomes.add(raw(
                werken.httpPort,
                "POST /webhook/mi-workflow HTTP/1.1\r\nHost: a\r\nContent-Type: " + JSON + "\r\nContent-Length: "
                        + body.length() + "\r\nTransfer-Encoding: xchunked\r\n\r\n" + body));
        outcomes.add(raw(
                werken.httpPort,
                "POST /webhook/mi-workflow HTTP/1.1\r\nHost: a\r\nHost: b\r\nContent-Type: " + JSON
                        + "\r\nContent-Length: " + body.length() + "\r\n\r\n" + body));
        byte[] overlong = {'{', '"', 'a', '"', ':', '"', (byte) 0xC0, (byte) 0xAF, '"', '}'};
        outcomes.add(post(werken.httpPort, "/webhook/mi-workflow", overlong));
        assertThat(outcomes).as("ambiguous framing and invalid UTF-8").containsOnly("400");
        return "ambiguous framing, overlong UTF-8: " + tally(outcomes);
    }

    private long peakRssMib() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(werken.pid()), "status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
            }
        }
        throw new IllegalStateException("No VmHWM for Werken's process");
    }

    private static Socket connect(int port) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static byte[] head(String method, String path, String headers) {
        return (method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    private static void writeFiller(OutputStream out, int bytes) throws IOException {
        byte[] chunk = new byte[64 * 1024];
        java.util.Arrays.fill(chunk, (byte) ' ');
        for (int done = 0; done < bytes; done += chunk.length) {
            out.write(chunk, 0, Math.min(chunk.length, bytes - done));
        }
        out.flush();
    }

    /** One whole request on a connection of its own; the status of the answer, or "closed". */
    private static String raw(int port, String request) throws IOException {
        try (Socket socket = connect(port)) {
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            return statusOrNone(socket, Duration.ofSeconds(10));
        }
    }

    private static String post(int port, String path, byte[] body) throws IOException {
        try (Socket socket = connect(port)) {
            OutputStream out = socket.getOutputStream();
            out.write(head(
                    "POST",
                    path,
                    "Content-Type: " + JSON + "\r\nContent-Length: " + body.length + "\r\nConnection: close"));
            out.write(body);
            out.flush();
            return statusOrNone(socket, Duration.ofSeconds(30));
        }
    }

    /** The status code of the first answer on the socket, "none" if nothing came within {@code wait}, "closed" if closed. */
    private static String statusOrNone(Socket socket, Duration wait) {
        try {
            socket.setSoTimeout((int) wait.toMillis());
            InputStream in = socket.getInputStream();
            byte[] line = new byte[12];
            int n = in.readNBytes(line, 0, line.length);
            if (n < 12) {
                return "closed";
            }
            return new String(line, 9, 3, StandardCharsets.US_ASCII);
        } catch (SocketTimeoutException e) {
            return "none";
        } catch (IOException e) {
            return "closed";
        }
    }

    /** Whether the peer has closed the connection (a read gives end of stream, an answer, or a reset). */
    private static boolean closedByPeer(Socket socket) {
        try {
            socket.setSoTimeout(50);
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[4096];
            while (true) {
                int n = in.read(buffer);
                if (n < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // Already gone.
        }
    }

    private static String tally(java.util.Collection<String> outcomes) {
        Map<String, Long> counts = new java.util.TreeMap<>();
        outcomes.forEach(o -> counts.merge(o, 1L, Long::sum));
        return counts.toString();
    }
}
