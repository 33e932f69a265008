package io.werken.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.werken.bench.Bench.log;
/**
 * The system under test: Werken started as the README starts it (its JVM options, its jar, the bench's ports and
 * queues) and waited on until healthy, and the RabbitMQ node it uses (its OS process, for its CPU time).
 */
final class SystemUnderTest {

    /**
     * Several benches on one machine (helpers sharing it) each set BENCH_PORT_OFFSET and BENCH_QUEUE_PREFIX of their own,
     * or one deletes the other's queues at its end and their Werkens contend for the ports.
     */
    static final int PORT_OFFSET = Integer.parseInt(System.getenv().getOrDefault("BENCH_PORT_OFFSET", "0"));

    static final String QUEUE_PREFIX = System.getenv().getOrDefault("BENCH_QUEUE_PREFIX", "werken-bench");
    static final int HTTP_PORT = 18000 + PORT_OFFSET;
    static final int MANAGEMENT_PORT = 19876 + PORT_OFFSET;
    /** Werken's only answer for a webhook it has taken on (confirmed by the broker); anything else is a refusal. */
    static final int WERKEN_ACCEPTED = 202;
    static final String RECEIVED = QUEUE_PREFIX + ".received_webhooks";
    static final String ACTIONS = QUEUE_PREFIX + ".required_actions";
    static final String DLX = QUEUE_PREFIX + ".dlx";
    static final String JOURNAL = QUEUE_PREFIX + ".journal";

    private SystemUnderTest() {
    }

    /** Deletes a directory the bench made, with everything in it; a missing one is no error. */
    static void deleteTree(Path dir) throws java.io.IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    /**
     * Starts Werken as the README does, on the bench's ports and queues, with {@code workflows} and {@code env} (the
     * journal's settings) added to its environment.
     */
    static Process startWerken(Path repo, String amqpUri, Path log, Path workflows, Map<String, String> extraEnv)
            throws Exception {
        // Another Werken on the bench's ports would answer in its place: refuse rather than measure it.
        for (int port : new int[] {HTTP_PORT, MANAGEMENT_PORT}) {
            try (java.net.Socket socket = new java.net.Socket()) {
                socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 500);
                throw new Bench.Refused("port " + port + " on 127.0.0.1 is already in use (another Werken?): the bench "
                                  + "starts its own Werken there");
            } catch (java.io.IOException free) {
                // nothing listens there
            }
        }
        List<String> command = new ArrayList<>();
        command.add(javaBin());
        // Werken's own JVM options, exactly as the README's run command passes them.
        command.add("@" + repo.resolve("jvm.options"));
        // Extra JVM options for Werken only, e.g. to profile it: BENCH_WERKEN_JAVA_OPTS="-XX:StartFlightRecording=..."
        // ({run} becomes the name of the run's log without .log, so that each Werken of a run has a file of its own).
        String javaOptions = System.getenv().getOrDefault("BENCH_WERKEN_JAVA_OPTS", "").trim()
                .replace("{run}", log.getFileName().toString().replaceFirst("\\.log$", ""));
        if (!javaOptions.isEmpty()) {
            command.addAll(List.of(javaOptions.split("\\s+")));
        }
        command.addAll(List.of("-jar", repo.resolve("target/werken.jar").toString()));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(repo.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.put("WERKEN_HTTP_HOST", "127.0.0.1");
        env.put("WERKEN_HTTP_PORT", Integer.toString(HTTP_PORT));
        env.put("WERKEN_MANAGEMENT_HOST", "127.0.0.1");
        env.put("WERKEN_MANAGEMENT_PORT", Integer.toString(MANAGEMENT_PORT));
        env.put("WERKEN_RABBITMQ_URI", amqpUri);
        env.put("WERKEN_QUEUE_RECEIVED", RECEIVED);
        env.put("WERKEN_QUEUE_ACTIONS", ACTIONS);
        env.put("WERKEN_DEAD_LETTER_EXCHANGE", DLX);
        env.put("WERKEN_WORKFLOWS", workflows.toString());
        env.putAll(extraEnv);
        env.putIfAbsent("WERKEN_LOG_LEVEL", "WARN");
        return builder.start();
    }

    static void awaitHealthy(Process werken) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest health = HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + MANAGEMENT_PORT + "/observe/health")).timeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!werken.isAlive()) {
                throw new IllegalStateException("Werken exited with " + werken.exitValue() + " (see bench/results)");
            }
            try {
                if (http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (java.io.IOException notYet) {
                // not listening yet
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
        throw new IllegalStateException("Werken did not become healthy within 60 s");
    }

    /** The broker's OS process, for its CPU time: asked of the node itself, so a second local node cannot confuse it. */
    static long brokerPid(String rabbitNode) {
        try {
            List<String> command = new ArrayList<>(List.of("rabbitmqctl"));
            if (rabbitNode != null) {
                command.addAll(List.of("-n", rabbitNode));
            }
            command.addAll(List.of("eval", "os:getpid()."));
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor(30, TimeUnit.SECONDS);
            return Long.parseLong(out.replace("\"", ""));
        } catch (Exception e) {
            log("cannot tell the broker's pid (%s): its CPU time is not reported", e.getMessage());
            return -1;
        }
    }

    static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
