package io.werken.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Werken itself fails, as a process ({@code java -jar target/werken.jar}): killed with SIGKILL while it dispatches,
 * and stopped with SIGTERM under load. Either way every webhook that got a 202 ends up with all its actions on
 * required_actions once Werken runs again; duplicates are only repeats of the same action_id.
 */
class ProcessFaultsIT {

    private static final int SHUTDOWN_TIMEOUT_SECONDS = 10;

    private String prefix;
    private Map<String, String> env;
    private final List<WerkenProcess> processes = new ArrayList<>();

    @BeforeEach
    void settings() throws Exception {
        prefix = "it-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        env = WerkenProcess.settings(prefix);
        env.put("WERKEN_SHUTDOWN_TIMEOUT_SECONDS", Integer.toString(SHUTDOWN_TIMEOUT_SECONDS));
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (WerkenProcess process : processes) {
            process.close();
        }
        try (Broker broker = new Broker()) {
            broker.delete(
                    prefix + "received_webhooks",
                    prefix + "required_actions",
                    prefix + "received_webhooks.dlq",
                    prefix + "werken.journal");
        }
    }

    @Test
    void killedMidStreamAndRestartedItLosesNoAcceptedWebhook() throws Exception {
        List<LoadStream.Outcome> outcomes = new ArrayList<>();
        try (Broker broker = new Broker()) {
            WerkenProcess first = start("kill9");
            try (LoadStream stream =
                    new LoadStream(first.webhookUri("mi-workflow"), 3000, 16).start(Duration.ofMillis(2))) {
                // Kill while events are being dispatched: actions flowing, and the stream still going.
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> broker.depth(prefix + "required_actions") >= 200 && stream.accepted() >= 300);
                long actionsAtKill = broker.depth(prefix + "required_actions");
                first.kill();
                outcomes.addAll(stream.finish());
                System.out.printf(
                        "ProcessFaultsIT kill -9: killed after %d requests, with %d action messages published%n",
                        outcomes.size(), actionsAtKill);
            }

            WerkenProcess second = start("kill9-restarted");
            try (LoadStream stream =
                    new LoadStream(second.webhookUri("mi-workflow"), 300, 16).start(Duration.ofMillis(2))) {
                outcomes.addAll(stream.awaitAll(Duration.ofSeconds(60)));
            }

            assertThat(outcomes)
                    .extracting(LoadStream.Outcome::status)
                    .as("202, or the connection died with the process")
                    .containsOnly(202, -1);
            assertEveryAcceptedWebhookDispatched(broker, outcomes, "kill -9");
        }
    }

    @Test
    void sigtermUnderLoadFinishesOrRefusesInFlightWebhooksAndExitsInTime() throws Exception {
        List<LoadStream.Outcome> outcomes = new ArrayList<>();
        try (Broker broker = new Broker()) {
            WerkenProcess werken = start("sigterm");
            try (LoadStream stream =
                    new LoadStream(werken.webhookUri("mi-workflow"), 3000, 16).start(Duration.ofMillis(2))) {
                await().atMost(Duration.ofSeconds(60)).until(() -> stream.accepted() >= 300);

                sendUnknownWorkflow(werken);
                Duration exit = werken.terminate(Duration.ofSeconds(SHUTDOWN_TIMEOUT_SECONDS * 3L));

                outcomes.addAll(stream.finish());
                System.out.printf(
                        "ProcessFaultsIT SIGTERM: exited after %s; %d requests: %d accepted, %d refused with 503, "
                                + "%d connection refused or closed%n",
                        exit,
                        outcomes.size(),
                        outcomes.stream().filter(o -> o.status() == 202).count(),
                        outcomes.stream().filter(o -> o.status() == 503).count(),
                        outcomes.stream().filter(o -> o.status() == -1).count());
                assertThat(exit)
                        .as("exit after SIGTERM")
                        .isNotNull()
                        .isLessThanOrEqualTo(Duration.ofSeconds(SHUTDOWN_TIMEOUT_SECONDS));
                assertThat(werken.output())
                        .doesNotContain("Unhandled HTTP failure")
                        .doesNotContain("status=500");
                assertRejectionsAndFailuresNameTheEvent(werken);
            }
            assertThat(outcomes)
                    .extracting(LoadStream.Outcome::status)
                    .as("in flight: confirmed (202), or refused (503 or no connection)")
                    .containsOnly(202, 503, -1);
            assertThat(outcomes.stream().filter(o -> o.status() == 503))
                    .allSatisfy(o -> assertThat(o.retryAfter()).isPresent());

            // What was accepted but not yet dispatched waits on received_webhooks for the next Werken.
            start("sigterm-restarted");
            assertEveryAcceptedWebhookDispatched(broker, outcomes, "SIGTERM");
        }
    }

    @Test
    void sigtermWithABacklogExitsInTimeAndLeavesTheRestQueued() throws Exception {
        try (Broker broker = new Broker()) {
            // A first Werken declares the queues; then a backlog far larger than the consumers' prefetch.
            start("backlog-declare").terminate(Duration.ofSeconds(SHUTDOWN_TIMEOUT_SECONDS * 3L));
            List<String> backlog = new ArrayList<>();
            for (int i = 0; i < 20_000; i++) {
                String eventId = UUID.randomUUID().toString();
                backlog.add(eventId);
                broker.publish(
                        prefix + "received_webhooks",
                        new AMQP.BasicProperties.Builder()
                                .messageId(eventId)
                                .deliveryMode(2)
                                .contentType("application/json")
                                .build(),
                        ("{\"event_id\":\"" + eventId + "\",\"workflow_id\":\"mi-workflow\",\"received_at\":"
                                        + "\"2026-12-05T23:00:00Z\",\"payload\":{\"user_id\":" + i
                                        + "},\"headers\":{}}")
                                .getBytes(StandardCharsets.UTF_8));
            }

            // Stopped while it works through the backlog: it finishes what it began and leaves the rest queued.
            WerkenProcess werken = start("backlog");
            await().atMost(Duration.ofSeconds(60)).until(() -> broker.depth(prefix + "required_actions") >= 200);
            Duration exit = werken.terminate(Duration.ofSeconds(SHUTDOWN_TIMEOUT_SECONDS * 3L));
            long left = broker.depth(prefix + "received_webhooks");
            System.out.printf(
                    "ProcessFaultsIT SIGTERM with a backlog: exited after %s, %d of %d events left queued%n",
                    exit, left, backlog.size());
            assertThat(exit)
                    .as("exit after SIGTERM")
                    .isNotNull()
                    .isLessThanOrEqualTo(Duration.ofSeconds(SHUTDOWN_TIMEOUT_SECONDS));
            assertThat(left).as("events left for the next Werken").isPositive();

            // The next Werken dispatches the rest: every event's two actions, none dead-lettered.
            start("backlog-restarted");
            ActionLedger ledger = new ActionLedger();
            await().atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> {
                        ledger.add(broker.drain(prefix + "required_actions"));
                        return ledger.incomplete(backlog, 2).isEmpty();
                    });
            assertThat(broker.depth(prefix + "received_webhooks.dlq"))
                    .as("dead-lettered")
                    .isZero();
        }
    }

    /**
     * A log line of the loggers that report rejected or failed webhooks and events (log4j2.properties' layout: date,
     * level, thread, logger, the MDC's trace and event ids, then the message).
     */
    private static final Pattern REJECTION_OR_FAILURE = Pattern.compile("^\\S+ +[A-Z]+ +\\[[^]]*] "
            + "(ProblemResponder|HttpErrorPages|WebhookHttpServer|DispatchRetryLogger|dispatch)"
            + "( trace_id=\\S+)?( event_id=\\S+)? - (?<message>.*)$");

    /** An event named in a log line: a UUID, or {@code none} where there is no event (yet). */
    private static final Pattern NAMES_THE_EVENT =
            Pattern.compile("event_id=(none|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})( |$)");

    /** A webhook for a workflow that does not exist: one rejection that Werken must log (404, event_id=none). */
    private static void sendUnknownWorkflow(WerkenProcess werken) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(werken.webhookUri("no-such-workflow"))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(404);
    }

    /** Every line Werken logs about a rejected or failed webhook or event names the event, or says there is none. */
    private static void assertRejectionsAndFailuresNameTheEvent(WerkenProcess werken) throws Exception {
        List<String> messages = werken.output()
                .lines()
                .map(REJECTION_OR_FAILURE::matcher)
                .filter(Matcher::matches)
                .map(m -> m.group("message"))
                .filter(m -> !m.contains("listening") && !m.contains("stopped"))
                .toList();
        assertThat(messages)
                .as("rejections and failures in the log (at least the unknown workflow's 404)")
                .anySatisfy(m -> assertThat(m).startsWith("Rejected webhook event_id=none status=404"));
        assertThat(messages).allSatisfy(m -> assertThat(m).containsPattern(NAMES_THE_EVENT));
    }

    private WerkenProcess start(String name) throws Exception {
        WerkenProcess process = WerkenProcess.start(env, name);
        processes.add(process);
        return process;
    }

    private void assertEveryAcceptedWebhookDispatched(Broker broker, List<LoadStream.Outcome> outcomes, String fault)
            throws Exception {
        List<String> accepted = outcomes.stream()
                .filter(o -> o.status() == 202)
                .map(LoadStream.Outcome::eventId)
                .toList();
        assertThat(accepted).isNotEmpty().doesNotContainNull().doesNotHaveDuplicates();
        ActionLedger ledger = new ActionLedger();
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    ledger.add(broker.drain(prefix + "required_actions"));
                    return ledger.incomplete(accepted, 2).isEmpty();
                });
        System.out.printf(
                "ProcessFaultsIT %s: %d accepted webhooks, %d action messages, %d duplicate(s) (same action_id), "
                        + "%d event(s) dispatched whose caller got no 202%n",
                fault,
                accepted.size(),
                ledger.messages(),
                ledger.duplicates(),
                ledger.eventsBeyond(accepted).size());
        assertThat(ledger.conflicting())
                .as("action_ids repeated with other contents")
                .isEmpty();
        assertThat(broker.depth(prefix + "received_webhooks.dlq"))
                .as("dead-lettered")
                .isZero();
    }
}
