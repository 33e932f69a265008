package io.werken.it;

import static org.awaitility.Awaitility.await;

import io.werken.testing.FreePorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Werken run as an operator runs it, {@code java -jar target/werken.jar} in a process of its own (built by
 * {@code package} before failsafe runs), so that tests can kill it with SIGKILL or stop it with SIGTERM. Its output
 * goes to {@code target/werken-processes/}.
 */
public final class WerkenProcess implements AutoCloseable {

    static final Path JAR = Path.of("target", "werken.jar");
    private static final Path LOGS = Path.of("target", "werken-processes");

    public final int httpPort;
    public final int managementPort;
    public final Path log;
    private final Process process;

    private WerkenProcess(Map<String, String> env, String name) throws IOException {
        this.httpPort = Integer.parseInt(env.get("WERKEN_HTTP_PORT"));
        this.managementPort = Integer.parseInt(env.get("WERKEN_MANAGEMENT_PORT"));
        Files.createDirectories(LOGS);
        this.log = LOGS.resolve(name + "-" + UUID.randomUUID().toString().substring(0, 6) + ".log");
        // With the README's JVM options, as an operator runs it.
        ProcessBuilder builder = new ProcessBuilder(java(), "@jvm.options", "-jar", jar().toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        environment(builder, env);
        this.process = builder.start();
    }

    /** {@code env} over the test's own environment; a null value removes the variable. */
    private static void environment(ProcessBuilder builder, Map<String, String> env) {
        env.forEach((name, value) -> {
            if (value == null) {
                builder.environment().remove(name);
            } else {
                builder.environment().put(name, value);
            }
        });
    }

    /** The settings of one Werken: free ports, its own queue names and the test broker. */
    public static Map<String, String> settings(String queuePrefix) throws IOException {
        Map<String, String> env = new HashMap<>();
        env.put("WERKEN_HTTP_HOST", "127.0.0.1");
        env.put("WERKEN_MANAGEMENT_HOST", "127.0.0.1");
        env.put("WERKEN_HTTP_PORT", Integer.toString(FreePorts.next()));
        env.put("WERKEN_MANAGEMENT_PORT", Integer.toString(FreePorts.next()));
        env.put("WERKEN_RABBITMQ_URI", Broker.URI_VALUE);
        env.put("WERKEN_QUEUE_RECEIVED", queuePrefix + "received_webhooks");
        env.put("WERKEN_QUEUE_ACTIONS", queuePrefix + "required_actions");
        env.put("WERKEN_QUEUE_JOURNAL", queuePrefix + "werken.journal");
        // The embedded journal store (and nothing else: the broker is RabbitMQ) under a directory of its own.
        env.put("WERKEN_DATA_DIR", Files.createTempDirectory("werken-data-").toString());
        return env;
    }

    /**
     * The settings of one Werken on its embedded broker, as a first-time user runs it: free HTTP ports, the broker on
     * {@code amqpPort} with its store in {@code dataDir}, and no {@code WERKEN_RABBITMQ_URI}, not even the test's own.
     */
    public static Map<String, String> embeddedSettings(int amqpPort, Path dataDir) throws IOException {
        Map<String, String> env = new HashMap<>();
        env.put("WERKEN_HTTP_HOST", "127.0.0.1");
        env.put("WERKEN_MANAGEMENT_HOST", "127.0.0.1");
        env.put("WERKEN_HTTP_PORT", Integer.toString(FreePorts.next()));
        env.put("WERKEN_MANAGEMENT_PORT", Integer.toString(FreePorts.next()));
        env.put("WERKEN_RABBITMQ_URI", null);
        env.put("WERKEN_EMBEDDED_AMQP_PORT", Integer.toString(amqpPort));
        env.put("WERKEN_DATA_DIR", dataDir.toString());
        return env;
    }

    /** Starts Werken and waits until its health is UP. */
    public static WerkenProcess start(Map<String, String> env, String name) throws IOException {
        WerkenProcess werken = new WerkenProcess(env, name);
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    if (!werken.process.isAlive()) {
                        throw new IllegalStateException("Werken exited with " + werken.process.exitValue() + ", see "
                                + werken.log + "; its last lines:\n" + werken.lastLines(20));
                    }
                    return werken.healthStatus() == 200;
                });
        return werken;
    }

    /** Starts Werken without waiting for it: for a test that expects it to die, or to come up only on a later start. */
    public static WerkenProcess launch(Map<String, String> env, String name) throws IOException {
        return new WerkenProcess(env, name);
    }

    /** The exit code, or null while the process runs. */
    public Integer exitCode() {
        return process.isAlive() ? null : process.exitValue();
    }

    /** Runs {@code java -jar werken.jar args...} to its end; returns the exit code and output. */
    public static Map.Entry<Integer, String> command(Map<String, String> env, String... args) throws Exception {
        return command(env, Duration.ofSeconds(60), args);
    }

    /**
     * Runs {@code java -jar werken.jar args...} to its end, for at most {@code limit}: a process still running then is
     * killed and the test fails with its output (read from a file, so that a process that never exits cannot hang
     * the test on its output pipe).
     */
    public static Map.Entry<Integer, String> command(Map<String, String> env, Duration limit, String... args)
            throws Exception {
        return command(env, List.of(), limit, args);
    }

    /** {@link #command(Map, Duration, String...)} with {@code jvmOptions} after jvm.options (tests' system properties). */
    public static Map.Entry<Integer, String> command(
            Map<String, String> env, List<String> jvmOptions, Duration limit, String... args) throws Exception {
        List<String> commandLine = new ArrayList<>(List.of(java(), "@jvm.options"));
        commandLine.addAll(jvmOptions);
        commandLine.addAll(List.of("-jar", jar().toString()));
        commandLine.addAll(List.of(args));
        Files.createDirectories(LOGS);
        Path output = LOGS.resolve("command-" + UUID.randomUUID().toString().substring(0, 6) + ".log");
        ProcessBuilder builder =
                new ProcessBuilder(commandLine).redirectErrorStream(true).redirectOutput(output.toFile());
        environment(builder, env);
        Process process = builder.start();
        if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
            throw new IllegalStateException(
                    "Command " + List.of(args) + " did not end within " + limit + ": " + Files.readString(output));
        }
        return Map.entry(process.exitValue(), Files.readString(output));
    }

    public int healthStatus() {
        try {
            return HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/observe/health"))
                                    .timeout(Duration.ofSeconds(2))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    public URI webhookUri(String workflowId) {
        return URI.create("http://127.0.0.1:" + httpPort + "/webhook/" + workflowId);
    }

    /** kill -9. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM; returns how long the process took to exit, or null if it did not within {@code limit}. */
    public Duration terminate(Duration limit) throws InterruptedException {
        long start = System.nanoTime();
        process.destroy();
        boolean exited = process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
        return exited ? Duration.ofNanos(System.nanoTime() - start) : null;
    }

    /** The operating system's id of the process (for /proc). */
    public long pid() {
        return process.pid();
    }

    /** The process's resident memory in kilobytes (VmRSS), or -1 if it cannot be read. */
    public long residentKilobytes() {
        try {
            return Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status")).stream()
                    .filter(line -> line.startsWith("VmRSS:"))
                    .map(line -> Long.parseLong(line.replaceAll("\\D", "")))
                    .findFirst()
                    .orElse(-1L);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public String output() throws IOException {
        return Files.readString(log);
    }

    /** The last {@code count} lines of the output: for a failure's message, since CI shows the message, not the file. */
    String lastLines(int count) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - count), lines.size()));
        } catch (IOException | RuntimeException e) {
            return "(unreadable: " + e + ")";
        }
    }

    private static Path jar() {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(
                    JAR.toAbsolutePath() + " is missing: run the ITs with ./mvnw verify (after package)");
        }
        return JAR;
    }

    private static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
