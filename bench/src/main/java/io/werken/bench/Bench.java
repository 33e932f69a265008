package io.werken.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Werken's benchmark: the broker's own ceiling (RabbitMQ PerfTest), then Werken started as a user starts it and
 * loaded with exactly N webhooks at concurrency C per scenario, every figure reported beside that ceiling.
 * <p>
 * Run it with {@code bench/run} from the repository root; {@code bench/README.md} explains each figure.
 */
public final class Bench {

    private static final int HTTP_PORT = 18000;
    private static final int MANAGEMENT_PORT = 19876;
    /** Werken's only answer for a webhook it has taken on (confirmed by the broker); anything else is a refusal. */
    private static final int WERKEN_ACCEPTED = 202;
    private static final String RECEIVED = "werken-bench.received_webhooks";
    private static final String ACTIONS = "werken-bench.required_actions";
    private static final String DLX = "werken-bench.dlx";
    private static final String SMALL_BODY = "{\"user_id\": 123, \"data\": \"some important data\"}";

    /** One load shape: which workflow, how many actions it has, and the body each webhook carries. */
    record Scenario(String name, String workflow, int actions, byte[] body) {
    }

    /** What one scenario measured. */
    record Figures(Scenario scenario, LoadGenerator.Result load, long expectedActions, long foundActions,
                   double endToEndSeconds, double werkenCpu, double brokerCpu, double werkenPeakRssMib,
                   Map<String, Double> werkenCpuByThread) {

        double endToEndActionsPerSecond() {
            return foundActions / endToEndSeconds;
        }

        long lost() {
            return Math.max(0, expectedActions - foundActions);
        }
    }

    private final int requests;
    private final int concurrency;
    private final int warmup;
    private final int perfTestSeconds;
    private final int scenarioCount;
    private final String amqpUri;
    private final String rabbitNode;
    private final Path repo;
    private final Path results;

    private Bench(int requests, int concurrency, int warmup, int perfTestSeconds, int scenarioCount, Path repo,
                  Map<String, String> options) {
        this.scenarioCount = scenarioCount;
        this.amqpUri = options.getOrDefault("amqp-uri", "amqp://guest:guest@127.0.0.1:5672/%2F");
        if (!java.net.URI.create(amqpUri).getHost().equals("127.0.0.1")) {
            throw new IllegalArgumentException("The bench only sends to 127.0.0.1");
        }
        this.rabbitNode = options.get("rabbitmq-node");
        this.requests = requests;
        this.concurrency = concurrency;
        this.warmup = warmup;
        this.perfTestSeconds = perfTestSeconds;
        this.repo = repo;
        this.results = repo.resolve("bench/results");
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = parse(args);
        boolean smoke = options.containsKey("smoke");
        Bench bench = new Bench(
                Integer.parseInt(options.getOrDefault("requests", smoke ? "300" : "20000")),
                Integer.parseInt(options.getOrDefault("concurrency", "32")),
                Integer.parseInt(options.getOrDefault("warmup", smoke ? "100" : "4000")),
                Integer.parseInt(options.getOrDefault("perf-test-seconds", smoke ? "3" : "20")),
                Integer.parseInt(options.getOrDefault("scenarios", "4")),
                Path.of(options.getOrDefault("repo", ".")).toAbsolutePath().normalize(), options);
        System.exit(bench.run(smoke) ? 0 : 1);
    }

    private boolean run(boolean smoke) throws Exception {
        Files.createDirectories(results);
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
        List<Scenario> all = List.of(
                new Scenario("mi-workflow, 2 actions", "mi-workflow", 2, SMALL_BODY.getBytes(StandardCharsets.UTF_8)),
                // The same two actions and body, with three templates and a condition (bench/workflows.json).
                new Scenario("templated, 2 actions", "bench-templated", 2, SMALL_BODY.getBytes(StandardCharsets.UTF_8)),
                new Scenario("10 actions", "bench-ten-actions", 10, SMALL_BODY.getBytes(StandardCharsets.UTF_8)),
                new Scenario("16 KB payload, 2 actions", "mi-workflow", 2, payloadOf(16 * 1024)));
        List<Scenario> scenarios = all.subList(0, Math.min(all.size(), scenarioCount));

        log("broker ceiling: RabbitMQ PerfTest, 1 producer, 1 consumer, persistent, confirms, manual ack, %d s",
            perfTestSeconds);
        double ceiling = perfTestCeiling();
        log("broker ceiling: %.0f msg/s", ceiling);

        List<Figures> figures = new ArrayList<>();
        String rabbitVersion;
        long startupMillis;
        long brokerPid = brokerPid();
        Map<String, Double> threadCpu;
        Path werkenLog = results.resolve("werken-" + stamp + ".log");
        Process werken = null;
        try (Broker broker = new Broker(amqpUri)) {
            rabbitVersion = broker.version();
            broker.deleteQueues(RECEIVED, RECEIVED + ".dlq", ACTIONS);
            long spawned = System.nanoTime();
            werken = startWerken(werkenLog);
            awaitHealthy(werken);
            startupMillis = (System.nanoTime() - spawned) / 1_000_000;
            log("Werken healthy %d ms after its JVM was started (pid %d)", startupMillis, werken.pid());

            try (LoadGenerator generator = new LoadGenerator(HTTP_PORT, concurrency, WERKEN_ACCEPTED)) {
                for (Scenario scenario : scenarios) {
                    figures.add(measure(scenario, generator, broker, werken.pid(), brokerPid));
                }
            }
            threadCpu = ProcessStats.cpuSecondsByThread(werken.pid());
        } finally {
            if (werken != null) {
                werken.destroy();
                if (!werken.waitFor(40, TimeUnit.SECONDS)) {
                    werken.destroyForcibly();
                }
            }
            try (Broker broker = new Broker(amqpUri)) {
                broker.deleteQueues(RECEIVED, RECEIVED + ".dlq", ACTIONS);
                broker.deleteExchange(DLX);
            }
        }

        String table = table(figures, ceiling, startupMillis, rabbitVersion, smoke);
        System.out.println();
        System.out.println(table);
        System.out.println("Werken CPU seconds by thread, whole run: " + threadCpu.entrySet().stream().limit(12)
                .map(e -> String.format(Locale.ROOT, "%s %.1f", e.getKey(), e.getValue()))
                .collect(java.util.stream.Collectors.joining(", ")));
        JsonObject json = json(figures, ceiling, startupMillis, rabbitVersion, smoke)
                .put("werken_cpu_seconds_by_thread", new JsonObject(new java.util.LinkedHashMap<>(threadCpu)));
        Path jsonFile = results.resolve("bench-" + stamp + ".json");
        Files.writeString(jsonFile, json.encodePrettily());
        System.out.println("JSON: " + repo.relativize(jsonFile));

        long errors;
        try (var lines = Files.lines(werkenLog)) {
            errors = lines.filter(line -> line.contains(" ERROR ")).count();
        }
        System.out.println("Werken logged " + errors + " ERROR lines (" + repo.relativize(werkenLog) + ")");
        boolean ok = figures.stream().allMatch(f -> f.lost() == 0 && f.load().failed() == 0) && errors == 0;
        if (!ok) {
            System.out.println("FAILED: webhooks were refused, actions are missing or Werken logged errors");
        }
        return ok;
    }

    private Figures measure(Scenario scenario, LoadGenerator generator, Broker broker, long werkenPid, long brokerPid)
            throws Exception {
        String path = "/webhook/" + scenario.workflow();
        log("%s: warm-up, %d webhooks", scenario.name(), warmup);
        LoadGenerator.Result warm = generator.run(path, scenario.body(), warmup, concurrency, 300);
        awaitDepth(broker, (long) warm.accepted() * scenario.actions());
        broker.purge(ACTIONS);

        log("%s: %d webhooks at concurrency %d", scenario.name(), requests, concurrency);
        double werkenCpu0 = ProcessStats.cpuSeconds(werkenPid);
        double brokerCpu0 = ProcessStats.cpuSeconds(brokerPid);
        double benchCpu0 = ProcessStats.cpuSeconds(ProcessHandle.current().pid());
        Map<String, Double> threads0 = ProcessStats.cpuSecondsByThread(werkenPid);
        LoadGenerator.Result load = generator.run(path, scenario.body(), requests, concurrency, 600);
        long expected = (long) load.accepted() * scenario.actions();
        long[] reached = awaitDepth(broker, expected);
        double e2eSeconds = (reached[1] - load.firstStartNanos()) / 1e9;
        Figures f = new Figures(scenario, load, expected, reached[0], e2eSeconds,
                ProcessStats.cpuSeconds(werkenPid) - werkenCpu0, ProcessStats.cpuSeconds(brokerPid) - brokerCpu0,
                ProcessStats.peakRssMib(werkenPid), ProcessStats.difference(ProcessStats.cpuSecondsByThread(werkenPid), threads0));
        broker.purge(ACTIONS);
        log("%s: ingest %.0f webhooks/s, p99 %.1f ms, end to end %.0f actions/s, lost %d%s", scenario.name(),
            load.requestsPerSecond(), load.percentileMillis(99), f.endToEndActionsPerSecond(), f.lost(),
            load.firstFailure() == null ? "" : ", first refusal: " + load.firstFailure());
        log("%s: CPU ms per webhook: Werken %.3f, broker %.3f, load generator %.3f", scenario.name(),
            f.werkenCpu() * 1000 / requests, f.brokerCpu() * 1000 / requests,
            (ProcessStats.cpuSeconds(ProcessHandle.current().pid()) - benchCpu0) * 1000 / requests);
        log("%s: Werken CPU ms per webhook by thread: %s", scenario.name(), f.werkenCpuByThread().entrySet().stream()
                .limit(10).map(e -> String.format(Locale.ROOT, "%s %.3f", e.getKey(), e.getValue() * 1000 / requests))
                .collect(java.util.stream.Collectors.joining(", ")));
        return f;
    }

    /**
     * Polls {@code required_actions} until it holds {@code expected} messages, or its depth has not moved for 15 s.
     * Returns the depth found and the moment it was first seen.
     */
    private static long[] awaitDepth(Broker broker, long expected) throws Exception {
        long depth = broker.depth(ACTIONS);
        long lastChange = System.nanoTime();
        while (depth < expected && System.nanoTime() - lastChange < TimeUnit.SECONDS.toNanos(15)) {
            TimeUnit.MILLISECONDS.sleep(5);
            long now = broker.depth(ACTIONS);
            if (now != depth) {
                depth = now;
                lastChange = System.nanoTime();
            }
        }
        return new long[] {depth, System.nanoTime()};
    }

    private double perfTestCeiling() throws Exception {
        Path lib = repo.resolve("bench/perf-test/target/lib");
        List<String> command = List.of(javaBin(), "-cp", lib + "/*", "com.rabbitmq.perf.PerfTest",
                "--uri", amqpUri, "--producers", "1", "--consumers", "1", "--flag", "persistent",
                "--confirm", "100", "--qos", "100", "--time", Integer.toString(perfTestSeconds),
                "--queue", "werken-bench.perf-test", "--auto-delete", "true", "--id", "ceiling");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        Pattern rate = Pattern.compile("sending rate avg: (\\d+) msg/s");
        double ceiling = Double.NaN;
        StringBuilder output = new StringBuilder();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                output.append(line).append('\n');
                Matcher m = rate.matcher(line);
                if (m.find()) {
                    ceiling = Double.parseDouble(m.group(1));
                }
            }
        }
        if (process.waitFor() != 0 || Double.isNaN(ceiling)) {
            throw new IllegalStateException("PerfTest failed (exit " + process.exitValue() + "):\n" + output);
        }
        return ceiling;
    }

    private Process startWerken(Path log) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(javaBin());
        // Werken's own JVM options, exactly as the README's run command passes them.
        command.add("@" + repo.resolve("jvm.options"));
        // Extra JVM options for Werken only, e.g. to profile it: BENCH_WERKEN_JAVA_OPTS="-XX:StartFlightRecording=..."
        String javaOptions = System.getenv().getOrDefault("BENCH_WERKEN_JAVA_OPTS", "").trim();
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
        env.put("WERKEN_WORKFLOWS", repo.resolve("bench/workflows.json").toString());
        env.putIfAbsent("WERKEN_LOG_LEVEL", "WARN");
        return builder.start();
    }

    private static void awaitHealthy(Process werken) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
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
    private long brokerPid() {
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

    private static String table(List<Figures> figures, double ceiling, long startupMillis, String rabbitVersion,
                                boolean smoke) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "Werken bench%s, %s UTC: %d cores, RabbitMQ %s, Java %s%n%n",
                smoke ? " (SMOKE: too few requests for figures to mean anything)" : "",
                DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC).format(Instant.now()),
                Runtime.getRuntime().availableProcessors(), rabbitVersion, System.getProperty("java.version")));
        s.append(String.format(Locale.ROOT,
                "Broker ceiling (PerfTest: persistent, confirmed, manually acked): %.0f msg/s. "
                + "Werken startup to healthy: %d ms.%n%n", ceiling, startupMillis));
        s.append("| scenario | webhooks (refused) | ingest webhooks/s | p50 ms | p99 ms | max ms | end-to-end actions/s "
                 + "| actions/s ÷ ceiling | broker msg/s ÷ ceiling | lost | Werken CPU s | broker CPU s "
                 + "| Werken peak RSS MiB |\n");
        s.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Figures f : figures) {
            LoadGenerator.Result load = f.load();
            double webhooksPerSecond = f.endToEndActionsPerSecond() / f.scenario().actions();
            // Each webhook costs the broker 1 + actions confirmed publishes.
            double brokerMessages = webhooksPerSecond * (1 + f.scenario().actions());
            s.append(String.format(Locale.ROOT,
                    "| %s | %d (%d) | %.0f | %.1f | %.1f | %.1f | %.0f | %.2f | %.2f | %d | %.1f | %.1f | %.0f |%n",
                    f.scenario().name(), load.sent(), load.failed(), load.requestsPerSecond(),
                    load.percentileMillis(50), load.percentileMillis(99), load.percentileMillis(100),
                    f.endToEndActionsPerSecond(), f.endToEndActionsPerSecond() / ceiling, brokerMessages / ceiling,
                    f.lost(), f.werkenCpu(), f.brokerCpu(), f.werkenPeakRssMib()));
        }
        return s.toString();
    }

    private static JsonObject json(List<Figures> figures, double ceiling, long startupMillis, String rabbitVersion,
                                   boolean smoke) {
        JsonArray scenarios = new JsonArray();
        for (Figures f : figures) {
            LoadGenerator.Result load = f.load();
            scenarios.add(new JsonObject()
                    .put("scenario", f.scenario().name())
                    .put("workflow", f.scenario().workflow())
                    .put("actions_per_webhook", f.scenario().actions())
                    .put("body_bytes", f.scenario().body().length)
                    .put("webhooks_sent", load.sent())
                    .put("webhooks_accepted", load.accepted())
                    .put("webhooks_refused", load.failed())
                    .put("ingest_webhooks_per_second", load.requestsPerSecond())
                    .put("latency_ms", new JsonObject().put("p50", load.percentileMillis(50))
                            .put("p99", load.percentileMillis(99)).put("max", load.percentileMillis(100)))
                    .put("end_to_end_seconds", f.endToEndSeconds())
                    .put("end_to_end_actions_per_second", f.endToEndActionsPerSecond())
                    .put("actions_expected", f.expectedActions())
                    .put("actions_found", f.foundActions())
                    .put("lost", f.lost())
                    .put("werken_cpu_seconds", f.werkenCpu())
                    .put("broker_cpu_seconds", f.brokerCpu())
                    .put("werken_peak_rss_mib", f.werkenPeakRssMib())
                    .put("werken_cpu_seconds_by_thread", new JsonObject(new java.util.LinkedHashMap<>(f.werkenCpuByThread()))));
        }
        return new JsonObject()
                .put("date", Instant.now().toString())
                .put("smoke", smoke)
                .put("cores", Runtime.getRuntime().availableProcessors())
                .put("rabbitmq_version", rabbitVersion)
                .put("java_version", System.getProperty("java.version"))
                .put("broker_ceiling_msg_per_second", ceiling)
                .put("werken_startup_to_healthy_ms", startupMillis)
                .put("scenarios", scenarios);
    }

    /** A JSON object of about {@code bytes} bytes: the small body plus a filler string. */
    private static byte[] payloadOf(int bytes) {
        String head = "{\"user_id\": 123, \"data\": \"";
        String tail = "\"}";
        return (head + "x".repeat(bytes - head.length() - tail.length()) + tail).getBytes(StandardCharsets.UTF_8);
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> options = new java.util.HashMap<>();
        for (String arg : args) {
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("Unknown argument " + arg);
            }
            String[] kv = arg.substring(2).split("=", 2);
            options.put(kv[0], kv.length > 1 ? kv[1] : "true");
        }
        return options;
    }

    private static void log(String format, Object... args) {
        System.out.println("bench: " + String.format(Locale.ROOT, format, args));
    }
}
