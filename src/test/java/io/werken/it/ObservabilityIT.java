package io.werken.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.GetResponse;
import io.werken.workflow.WorkflowCatalog;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an operator sees, against the real RabbitMQ: the werken_* metrics after a known set of webhooks and events,
 * Camel's route metrics beside them, and the W3C trace context on every action and in every log line about an event.
 */
class ObservabilityIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String SENDER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String SENDER_TRACEPARENT = "00-" + SENDER_TRACE + "-00f067aa0ba902b7-01";
    private static final Pattern SERIES = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\\{[^}]*\\})?) (\\S+)$");

    private static final String WORKFLOWS = """
            {
              "mi-workflow": {"description": "Workflow de prueba para mi blog", "actions": [
                {"type": "enviar_email", "params": {"destinatario": "gaby@example.com"}},
                {"type": "log_evento", "params": {"nivel": "info"}}]},
              "cond": {"actions": [
                {"type": "always"},
                {"type": "sometimes", "when": "payload.go == true"}]},
              "fails": {"actions": [
                {"type": "render", "params": {"x": "{{ payload.missing.key }}"}}]}
            }
            """;

    @TempDir
    static Path dir;

    private static Broker broker;
    private static RunningWerken werken;
    private static String revision;
    private static final Capture LOGS = new Capture();

    @BeforeAll
    static void start() throws Exception {
        broker = new Broker();
        Path file = Files.writeString(dir.resolve("workflows.json"), WORKFLOWS);
        revision = WorkflowCatalog.revisionOf(WORKFLOWS.getBytes(StandardCharsets.UTF_8));
        werken = RunningWerken.start(Map.of(
                "werken.workflows",
                file.toString(),
                "werken.dispatch.max-redeliveries",
                "0",
                // Each record in a message of its own, so that the confirms below can be counted exactly.
                "werken.journal.linger-ms",
                "0"));
        LOGS.attach();
    }

    @AfterAll
    static void stop() throws Exception {
        LOGS.detach();
        if (werken != null) {
            werken.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    private static HttpResponse<String> post(String workflow, String body, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(werken.webhookUri(workflow))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return werken.send(request);
    }

    private static Map<String, Double> scrape() throws IOException, InterruptedException {
        HttpResponse<String> response = werken.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + werken.managementPort + "/observe/metrics")));
        assertThat(response.statusCode()).isEqualTo(200);
        Map<String, Double> series = new HashMap<>();
        for (String line : response.body().split("\n")) {
            Matcher m = SERIES.matcher(line);
            if (!line.startsWith("#") && m.matches()) {
                series.put(m.group(1), Double.parseDouble(m.group(2)));
            }
        }
        return series;
    }

    private static String eventId(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body()).get("event_id").asText();
    }

    private static String traceId(Object traceparent) {
        return String.valueOf(traceparent).split("-")[1];
    }

    /**
     * One known set of webhooks and events, then every werken_* series they move, exactly. (A single test: the metrics
     * are the Werken's totals, so other tests' traffic would change them.)
     */
    @Test
    void metricsCountAKnownSetOfWebhooksAndEventsAndTracesRunThroughActionsAndLogs() throws Exception {
        // Webhooks: 3 accepted, a delivery sent twice, 2 for no workflow, 1 bad body, 2 with conditions, 1 that fails.
        for (int i = 0; i < 3; i++) {
            assertThat(post("mi-workflow", "{\"n\": " + i + "}").statusCode()).isEqualTo(202);
        }
        HttpResponse<String> first = post("mi-workflow", "{}", "Idempotency-Key", "k-1");
        assertThat(first.statusCode()).isEqualTo(202);
        assertThat(post("mi-workflow", "{}", "Idempotency-Key", "k-1").statusCode())
                .isEqualTo(200);
        assertThat(post("nope", "{}").statusCode()).isEqualTo(404);
        assertThat(post("nope", "{}").statusCode()).isEqualTo(404);
        assertThat(post("mi-workflow", "{not json", "traceparent", SENDER_TRACEPARENT)
                        .statusCode())
                .isEqualTo(400);
        assertThat(post("cond", "{\"go\": true}", "traceparent", SENDER_TRACEPARENT)
                        .statusCode())
                .isEqualTo(202);
        assertThat(post("cond", "{\"go\": false}", "traceparent", "00-zz-not-valid")
                        .statusCode())
                .isEqualTo(202);
        HttpResponse<String> failing = post("fails", "{}", "traceparent", SENDER_TRACEPARENT);
        assertThat(failing.statusCode()).isEqualTo(202);
        // Events no webhook made: one that is not an envelope, one for a workflow the file does not define.
        AMQP.BasicProperties props = new AMQP.BasicProperties.Builder()
                .messageId("ev-garbage")
                .deliveryMode(2)
                .build();
        broker.publish(werken.receivedQueue, props, "not an envelope".getBytes(StandardCharsets.UTF_8));
        broker.publish(
                werken.receivedQueue, props.builder().messageId("ev-gone").build(), """
                {"event_id":"ev-gone","workflow_id":"gone","received_at":"2026-12-01T00:00:00Z","payload":{}}""".getBytes(
                                StandardCharsets.UTF_8));

        await().atMost(WAIT)
                .until(() -> scrape().getOrDefault("werken_dispatch_latency_seconds_count", 0.0) >= 6
                        && broker.depth(werken.deadLetterQueue) == 3
                        && scrape().getOrDefault("werken_journal_records_written_total", 0.0) >= 8);
        Map<String, Double> m = scrape();

        String actions = werken.actionsQueue;
        assertThat(m)
                .containsEntry("werken_webhooks_total{outcome=\"accepted\",workflow=\"mi-workflow\"}", 4.0)
                .containsEntry("werken_webhooks_total{outcome=\"duplicate\",workflow=\"mi-workflow\"}", 1.0)
                .containsEntry("werken_webhooks_total{outcome=\"unknown-workflow\",workflow=\"(none)\"}", 2.0)
                .containsEntry("werken_webhooks_total{outcome=\"invalid-json\",workflow=\"mi-workflow\"}", 1.0)
                .containsEntry("werken_webhooks_total{outcome=\"accepted\",workflow=\"cond\"}", 2.0)
                .containsEntry("werken_webhooks_total{outcome=\"accepted\",workflow=\"fails\"}", 1.0)
                .containsEntry(
                        "werken_actions_published_total{queue=\"" + actions
                                + "\",type=\"enviar_email\",workflow=\"mi-workflow\"}",
                        4.0)
                .containsEntry(
                        "werken_actions_published_total{queue=\"" + actions
                                + "\",type=\"log_evento\",workflow=\"mi-workflow\"}",
                        4.0)
                .containsEntry(
                        "werken_actions_published_total{queue=\"" + actions + "\",type=\"always\",workflow=\"cond\"}",
                        2.0)
                .containsEntry(
                        "werken_actions_published_total{queue=\"" + actions
                                + "\",type=\"sometimes\",workflow=\"cond\"}",
                        1.0)
                .containsEntry("werken_actions_skipped_total{type=\"sometimes\",workflow=\"cond\"}", 1.0)
                .containsEntry("werken_events_dead_lettered_total{reason=\"invalid-event\"}", 1.0)
                .containsEntry("werken_events_dead_lettered_total{reason=\"unknown-workflow\"}", 1.0)
                .containsEntry("werken_events_dead_lettered_total{reason=\"action-evaluation-failed\"}", 1.0)
                // 4 + 2 events dispatched; confirms: 7 events, 11 actions, 3 dead letters, and the journal's records of
                // the workflows revision and of 8 events (the 6 dispatched, and the 2 dead letters that are events).
                .containsEntry("werken_dispatch_latency_seconds_count", 6.0)
                .containsEntry("werken_publish_confirm_seconds_count", 30.0)
                .containsEntry("werken_journal_records_written_total", 8.0)
                .containsEntry("werken_workflow_revision{revision=\"" + revision + "\"}", 1.0)
                .containsEntry("werken_workflows", 3.0)
                .containsEntry("werken_workflow_reloads_total{result=\"reloaded\"}", 0.0)
                .containsEntry("werken_workflow_reloads_total{result=\"invalid\"}", 0.0);
        assertThat(m.get("werken_dispatch_latency_seconds_bucket{le=\"60.0\"}")).isEqualTo(6.0);
        assertThat(m.get("werken_publish_confirm_seconds_sum")).isPositive();
        // JMX shows the same revision (the reloader is a Camel service).
        javax.management.ObjectName reloader =
                new javax.management.ObjectName("org.apache.camel:context=werken,type=services,name=WorkflowReloader");
        assertThat(java.lang.management.ManagementFactory.getPlatformMBeanServer()
                        .getAttribute(reloader, "Revision"))
                .isEqualTo(revision);
        // Camel's own route metrics, beside Werken's.
        assertThat(m.keySet())
                .anyMatch(k -> k.startsWith("camel_exchanges_total{") && k.contains("routeId=\"ingest-webhook\""))
                .anyMatch(k -> k.startsWith("camel_exchanges_total{") && k.contains("routeId=\"dispatch-actions\""));

        // Trace context: the sender's trace continues on every action; a missing or invalid one starts a new trace.
        List<GetResponse> published = broker.take(actions, 11, WAIT);
        Map<String, List<GetResponse>> byEvent = new HashMap<>();
        for (GetResponse action : published) {
            assertThat(action.getProps().getHeaders()).containsOnlyKeys("traceparent");
            assertThat(action.getProps().getHeaders().get("traceparent").toString())
                    .matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
            byEvent.computeIfAbsent(action.getProps().getCorrelationId(), k -> new java.util.ArrayList<>())
                    .add(action);
        }
        byEvent.values()
                .forEach(eventActions -> assertThat(eventActions.stream()
                                .map(a -> a.getProps()
                                        .getHeaders()
                                        .get("traceparent")
                                        .toString())
                                .distinct())
                        .hasSize(1));
        List<String> condTraces = published.stream()
                .filter(a -> a.getProps().getType().equals("always"))
                .map(a -> traceId(a.getProps().getHeaders().get("traceparent")))
                .toList();
        assertThat(condTraces).hasSize(2).contains(SENDER_TRACE).doesNotHaveDuplicates();
        assertThat(published)
                .filteredOn(a -> a.getProps().getType().equals("sometimes"))
                .singleElement()
                .satisfies(a -> assertThat(
                                a.getProps().getHeaders().get("traceparent").toString())
                        .startsWith("00-" + SENDER_TRACE + "-")
                        .doesNotContain("00f067aa0ba902b7"));

        // The dead letter keeps its event's trace, so a re-queued event goes on in it.
        String failingId = eventId(failing);
        GetResponse dead = broker.drain(werken.deadLetterQueue).stream()
                .filter(d -> failingId.equals(d.getProps().getMessageId()))
                .findFirst()
                .orElseThrow();
        assertThat(traceId(dead.getProps().getHeaders().get("traceparent"))).isEqualTo(SENDER_TRACE);

        // Log lines about an event carry its trace and event ids, on both paths.
        assertThat(LOGS.lines("Dead-lettering event_id=" + failingId))
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.getContextData().<String>getValue("trace_id")).isEqualTo(SENDER_TRACE);
                    assertThat(e.getContextData().<String>getValue("event_id")).isEqualTo(failingId);
                });
        assertThat(LOGS.lines("Rejected webhook event_id=none status=400"))
                .singleElement()
                .satisfies(e -> assertThat(e.getContextData().<String>getValue("trace_id"))
                        .isEqualTo(SENDER_TRACE));
        assertThat(LOGS.lines("Duplicate delivery of event " + eventId(first)))
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.getContextData().<String>getValue("trace_id")).matches("[0-9a-f]{32}");
                    assertThat(e.getContextData().<String>getValue("event_id")).isEqualTo(eventId(first));
                });
        assertThat(LOGS.lines("Dead-lettering event_id=ev-gone"))
                .singleElement()
                .satisfies(e -> assertThat(e.getContextData().<String>getValue("event_id"))
                        .isEqualTo("ev-gone"));
    }

    /** Collects the log events of the Werken under test (it runs in this JVM). */
    private static final class Capture extends AbstractAppender {

        private final ConcurrentLinkedQueue<LogEvent> events = new ConcurrentLinkedQueue<>();

        Capture() {
            super("observability-it", null, null, true, Property.EMPTY_ARRAY);
        }

        @Override
        public void append(LogEvent event) {
            events.add(event.toImmutable());
        }

        void attach() {
            start();
            LoggerContext context = (LoggerContext) LogManager.getContext(false);
            context.getConfiguration().getRootLogger().addAppender(this, Level.INFO, null);
            context.updateLoggers();
        }

        void detach() {
            LoggerContext context = (LoggerContext) LogManager.getContext(false);
            context.getConfiguration().getRootLogger().removeAppender(getName());
            context.updateLoggers();
            stop();
        }

        List<LogEvent> lines(String containing) {
            return events.stream()
                    .filter(e -> e.getMessage().getFormattedMessage().contains(containing))
                    .toList();
        }
    }
}
