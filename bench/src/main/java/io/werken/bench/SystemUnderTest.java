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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
        return startWerken(repo, amqpUri, log, workflows, extraEnv, werkenJvmOptions(repo));
    }

    /** As above, with {@code jvmOptions} in place of Werken's own (aot/train's: no cache, but the cache's output). */
    static Process startWerken(Path repo, String amqpUri, Path log, Path workflows, Map<String, String> extraEnv,
                               List<String> jvmOptions) throws Exception {
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
        command.add(werkenJava());
        // Werken's own JVM options, exactly as the README's run command passes them; on a JDK 25 or later, as the
        // ./werken launcher passes them (its AOT cache, if the file exists, instead of Java 17's class-data archive).
        command.addAll(jvmOptions);
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

    /** Asks Werken's management server for its health and metrics, as a monitoring system does (aot/train). */
    static void observe() {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(1)).build();
        for (String path : List.of("/observe/health", "/observe/metrics")) {
            try {
                http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + MANAGEMENT_PORT + path))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding());
            } catch (Exception e) {
                log("cannot ask Werken for %s: %s", path, e.getMessage());
            }
        }
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

    /**
     * The JDK Werken runs on: BENCH_WERKEN_JAVA_HOME (e.g. a JDK 25, to measure its AOT cache), else the bench's own.
     */
    static String werkenJava() {
        String home = System.getenv().getOrDefault("BENCH_WERKEN_JAVA_HOME", "").trim();
        return home.isEmpty() ? javaBin() : Path.of(home, "bin", "java").toString();
    }

    /** The feature release of the JDK Werken runs on (17, 25), from its release file; 0 if it cannot be told. */
    static int werkenJavaRelease() {
        Path release = Path.of(werkenJava()).getParent().getParent().resolve("release");
        try {
            Matcher m = Pattern.compile("(?m)^JAVA_VERSION=\"(\\d+)").matcher(Files.readString(release));
            return m.find() ? Integer.parseInt(m.group(1)) : 0;
        } catch (java.io.IOException e) {
            return 0;
        }
    }

    /**
     * Werken's JVM options: {@code @jvm.options} before JDK 25; from JDK 25 on, as ./werken passes them, the lines of
     * jvm.options without its class-data archive (Java 17's, which a JDK 25 cannot read and which cannot be combined
     * with an AOT cache) and {@code -XX:AOTCache=target/werken.aot} if that file exists (made by aot/train), unless
     * BENCH_WERKEN_AOT_CACHE=off (or another cache file there).
     */
    static List<String> werkenJvmOptions(Path repo) throws java.io.IOException {
        if (werkenJavaRelease() < 25) {
            return List.of("@" + repo.resolve("jvm.options"));
        }
        List<String> options = jvmOptionsWithoutArchive(repo);
        String cache = System.getenv().getOrDefault("BENCH_WERKEN_AOT_CACHE", "").trim();
        Path file = repo.resolve(cache.isEmpty() ? "target/werken.aot" : cache);
        if (!cache.equals("off") && Files.isRegularFile(file)) {
            options.add("-XX:AOTCache=" + file);
        }
        return options;
    }

    /** The options of jvm.options, one by one, without its comments and its class-data archive. */
    static List<String> jvmOptionsWithoutArchive(Path repo) throws java.io.IOException {
        List<String> options = new ArrayList<>();
        for (String line : Files.readAllLines(repo.resolve("jvm.options"))) {
            String option = line.replaceFirst("#.*", "").trim();
            if (!option.isEmpty() && !option.startsWith("-XX:SharedArchiveFile=")) {
                options.add(option);
            }
        }
        return options;
    }

    /** Werken's java and JVM options as the bench starts it, for the report. */
    static String werkenJvm() {
        try {
            String extra = System.getenv().getOrDefault("BENCH_WERKEN_JAVA_OPTS", "").trim();
            return "Java " + werkenJavaRelease() + " (" + werkenJava() + ") " + String.join(" ",
                    werkenJvmOptions(Path.of("").toAbsolutePath())) + (extra.isEmpty() ? "" : " " + extra);
        } catch (java.io.IOException e) {
            return werkenJava();
        }
    }

    static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
