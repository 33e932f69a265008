package io.werken.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.GetResponse;
import io.werken.testing.FreePorts;
import java.io.IOException;
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
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "see your first action", as a newcomer does it: Werken on its embedded broker, the mi-workflow curl,
 * and each example worker under {@code examples/workers/} (Python with pika, Java with the RabbitMQ client) printing
 * the actions with the sender's trace; a redelivered action is acked and printed as a duplicate, not handled twice.
 * Werken prints its event log lines, and none with {@code WERKEN_EVENT_LOG=off}.
 */
class ExampleWorkersIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String README_BODY = "{\"user_id\": 123, \"data\": \"some important data\"}";
    private static final Path LOGS = Path.of("target", "werken-processes");

    @TempDir
    Path dataDir;

    @Test
    void eachExampleWorkerPrintsTheReadmeWebhooksActionsWithTheSendersTraceAndEachActionOnce() throws Exception {
        int amqpPort = FreePorts.next();
        String amqpUrl = "amqp://guest:guest@127.0.0.1:" + amqpPort + "/%2F";
        try (WerkenProcess werken =
                        WerkenProcess.start(WerkenProcess.embeddedSettings(amqpPort, dataDir), "example-workers");
                Broker broker = new Broker(amqpUrl)) {
            List<String> seen = new ArrayList<>();
            for (List<String> worker : List.of(
                    List.of(python(), "examples/workers/python/worker.py"),
                    List.of(java(), "-cp", amqpClientClasspath(), "examples/workers/java/Worker.java"))) {
                String trace = UUID.randomUUID().toString().replace("-", "");
                try (Worker running = Worker.start(worker, amqpUrl)) {
                    await().atMost(WAIT)
                            .until(() -> running.output().contains("waiting for actions on required_actions"));
                    String eventId = accepted(werken, "00-" + trace + "-00f067aa0ba902b7-01");

                    // Werken's dispatch span continues the sender's trace: the same trace id, a span of its own.
                    await().atMost(WAIT)
                            .untilAsserted(() -> assertThat(running.lines("handled"))
                                    .satisfiesExactly(
                                            line -> assertThat(line)
                                                    .matches(action("handled", eventId, 0, "enviar_email", trace)),
                                            line -> assertThat(line)
                                                    .matches(action("handled", eventId, 1, "log_evento", trace))));
                    assertThat(werken.output())
                            .containsPattern("INFO .* events trace_id=" + trace + " event_id=" + eventId
                                    + " - accepted workflow=mi-workflow\n")
                            .containsPattern("INFO .* events trace_id=" + trace + " event_id=" + eventId
                                    + " - dispatched workflow=mi-workflow actions=2\n");

                    // The first action again, as the broker redelivers it after a Werken crash mid-dispatch.
                    String first = running.lines("handled").get(0);
                    String traceparent = first.substring(first.indexOf("traceparent=") + "traceparent=".length());
                    broker.publish(
                            "required_actions",
                            redelivery(eventId, traceparent),
                            JSON.writeValueAsBytes(
                                    Map.of("action_id", eventId + ":0", "event_id", eventId, "type", "enviar_email")));
                    await().atMost(WAIT)
                            .untilAsserted(() -> assertThat(running.lines("duplicate"))
                                    .containsExactly(first.replaceFirst("^handled ", "duplicate ")));
                    assertThat(running.lines("handled")).hasSize(2);
                    // The worker before this one acked every action it printed: none of them came back to this one.
                    for (String earlier : seen) {
                        assertThat(running.output()).doesNotContain(earlier);
                    }
                    seen.add(eventId);
                }
            }
            // The last worker acked everything too: nothing went back to the queue when it stopped.
            await("no action back on required_actions once the workers stopped")
                    .during(Duration.ofSeconds(1))
                    .atMost(WAIT)
                    .until(() -> broker.depth("required_actions") == 0);
        }
    }

    @Test
    void werkenEventLogOffPrintsNeitherLine() throws Exception {
        int amqpPort = FreePorts.next();
        Map<String, String> env = WerkenProcess.embeddedSettings(amqpPort, dataDir);
        env.put("WERKEN_EVENT_LOG", "off");
        try (WerkenProcess werken = WerkenProcess.start(env, "event-log-off");
                Broker broker = new Broker("amqp://guest:guest@127.0.0.1:" + amqpPort + "/%2F")) {
            String eventId = accepted(werken, "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");

            List<GetResponse> actions = broker.take("required_actions", 2, WAIT);
            assertThat(actions).extracting(a -> a.getProps().getCorrelationId()).containsOnly(eventId);
            assertThat(werken.output())
                    .contains(" INFO ")
                    .doesNotContain("accepted workflow=")
                    .doesNotContain("dispatched workflow=");
        }
    }

    private static String accepted(WerkenProcess werken, String traceparent) throws Exception {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(werken.webhookUri("mi-workflow"))
                        .header("Content-Type", "application/json")
                        .header("traceparent", traceparent)
                        .timeout(Duration.ofSeconds(30))
                        .POST(HttpRequest.BodyPublishers.ofString(README_BODY))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return JSON.readTree(response.body()).get("event_id").asText();
    }

    /** The line a worker prints for an action: its ids, its type, and a traceparent in {@code trace}. */
    private static String action(String verb, String eventId, int index, String type, String trace) {
        return Pattern.quote(verb + " action_id=" + eventId + ":" + index + " type=" + type + " event_id=" + eventId
                        + " traceparent=00-" + trace + "-")
                + "[0-9a-f]{16}-01";
    }

    /** The AMQP properties Werken gives the first action (README, "Messages, for worker authors"). */
    private static AMQP.BasicProperties redelivery(String eventId, String traceparent) {
        return new AMQP.BasicProperties.Builder()
                .messageId(eventId + ":0")
                .correlationId(eventId)
                .type("enviar_email")
                .contentType("application/json")
                .deliveryMode(2)
                .appId("werken")
                .headers(Map.of("traceparent", traceparent))
                .build();
    }

    /** Debian's python3, where {@code python3-pika} is installed (.ci/run), ahead of any other on PATH. */
    private static String python() {
        return Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
    }

    private static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    /** The RabbitMQ client and SLF4J's API, as on this test's classpath (from the local Maven repository). */
    private static String amqpClientClasspath() throws Exception {
        return Path.of(com.rabbitmq.client.Channel.class
                        .getProtectionDomain()
                        .getCodeSource()
                        .getLocation()
                        .toURI())
                + java.io.File.pathSeparator
                + Path.of(org.slf4j.Logger.class
                        .getProtectionDomain()
                        .getCodeSource()
                        .getLocation()
                        .toURI());
    }

    /** An example worker run as its README says, its output in {@code target/werken-processes/}. */
    private static final class Worker implements AutoCloseable {

        private final Process process;
        private final Path log;

        private Worker(Process process, Path log) {
            this.process = process;
            this.log = log;
        }

        static Worker start(List<String> command, String amqpUrl) throws IOException {
            Files.createDirectories(LOGS);
            Path log = LOGS.resolve(
                    "example-worker-" + UUID.randomUUID().toString().substring(0, 6) + ".log");
            ProcessBuilder builder =
                    new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().put("AMQP_URL", amqpUrl);
            builder.environment().remove("QUEUE");
            return new Worker(builder.start(), log);
        }

        String output() throws IOException {
            if (!process.isAlive() && process.exitValue() != 0) {
                throw new IllegalStateException(
                        "Worker " + process.info().commandLine().orElse("") + " exited with " + process.exitValue()
                                + ": " + Files.readString(log));
            }
            return Files.readString(log, StandardCharsets.UTF_8);
        }

        List<String> lines(String first) throws IOException {
            return output().lines().filter(line -> line.startsWith(first + " ")).toList();
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
