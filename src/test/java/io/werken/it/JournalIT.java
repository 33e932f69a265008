package io.werken.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The journal's guarantee, on the real broker and a PostgreSQL cluster of the test's own: during a bounded stream of
 * webhooks the database is stopped for 10 s and started again, and Werken is killed with SIGKILL once and started
 * again. Webhooks are accepted throughout (no 503 from the database), and afterwards every webhook that got a 202 is in
 * the journal exactly once, with all its actions.
 */
class JournalIT {

    private static final int ACTIONS_PER_EVENT = 2;

    private String prefix;
    private Map<String, String> env;
    private PostgresCluster cluster;
    private final List<WerkenProcess> processes = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        prefix = "it-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        cluster = PostgresCluster.create();
        env = new HashMap<>(WerkenProcess.settings(prefix));
        env.put("WERKEN_JOURNAL_URL", cluster.createDatabase("journal"));
        env.put("WERKEN_JOURNAL_USER", Postgres.USER);
    }

    @AfterEach
    void tearDown() throws Exception {
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
        cluster.close();
    }

    @Test
    void everyAcceptedWebhookIsJournaledOnceThroughADatabaseOutageAndAKill() throws Exception {
        List<LoadStream.Outcome> outcomes = new ArrayList<>();
        long acceptedWhileDown;
        Duration outage;
        WerkenProcess first = start("journal-first");
        try (LoadStream stream = new LoadStream(first.webhookUri("mi-workflow"), 2400, 8).start(Duration.ofMillis(8))) {
            await().atMost(Duration.ofSeconds(60)).until(() -> stream.accepted() >= 300);

            long beforeOutage = stream.accepted();
            long stoppedAt = System.nanoTime();
            cluster.stopImmediately();
            assertThat(cluster.accepts()).as("the journal's database is down").isFalse();
            // Ten seconds of traffic with the database down: webhooks are still accepted.
            await().pollDelay(Duration.ofSeconds(10))
                    .atMost(Duration.ofSeconds(11))
                    .until(() -> true);
            acceptedWhileDown = stream.accepted() - beforeOutage;
            assertThat(first.healthStatus())
                    .as("Werken stays UP with its journal's database down")
                    .isEqualTo(200);
            cluster.start();
            outage = Duration.ofNanos(System.nanoTime() - stoppedAt);

            await().atMost(Duration.ofSeconds(60))
                    .until(() -> stream.accepted() >= beforeOutage + acceptedWhileDown + 300);
            first.kill();
            outcomes.addAll(stream.finish());
        }

        WerkenProcess second = start("journal-restarted");
        try (LoadStream stream = new LoadStream(second.webhookUri("mi-workflow"), 400, 8).start(Duration.ofMillis(8))) {
            outcomes.addAll(stream.awaitAll(Duration.ofSeconds(60)));
        }

        List<String> accepted = outcomes.stream()
                .filter(o -> o.status() == 202)
                .map(LoadStream.Outcome::eventId)
                .toList();
        assertThat(outcomes)
                .extracting(LoadStream.Outcome::status)
                .as("202, or the connection died with the process: never a 503 for the database")
                .containsOnly(202, -1);
        assertThat(accepted).isNotEmpty().doesNotContainNull().doesNotHaveDuplicates();
        assertThat(acceptedWhileDown)
                .as("webhooks accepted while the database was down")
                .isGreaterThan(100);

        long caughtUpFrom = System.nanoTime();
        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> journaled(accepted) == accepted.size());
        Duration catchUp = Duration.ofNanos(System.nanoTime() - caughtUpFrom);

        try (Connection db = cluster.connect("journal")) {
            Array ids = db.createArrayOf("text", accepted.toArray());
            try (PreparedStatement rows = db.prepareStatement(
                    "SELECT count(*), count(DISTINCT event_id) FROM journal_events WHERE event_id = ANY(?)")) {
                rows.setArray(1, ids);
                try (ResultSet r = rows.executeQuery()) {
                    r.next();
                    assertThat(r.getLong(1))
                            .as("journal entries of the accepted webhooks")
                            .isEqualTo(accepted.size());
                    assertThat(r.getLong(2)).as("each exactly once").isEqualTo(accepted.size());
                }
            }
            try (PreparedStatement incomplete = db.prepareStatement(
                    "SELECT e.event_id FROM journal_events e WHERE e.event_id = ANY(?) AND (e.outcome <> 'dispatched' "
                            + "OR e.actions_published <> ? OR (SELECT count(*) FROM journal_actions a WHERE a.event_id = e.event_id "
                            + "AND a.outcome = 'published' AND a.params IS NOT NULL) <> ?)")) {
                incomplete.setArray(1, ids);
                incomplete.setInt(2, ACTIONS_PER_EVENT);
                incomplete.setInt(3, ACTIONS_PER_EVENT);
                List<String> missing = new ArrayList<>();
                try (ResultSet r = incomplete.executeQuery()) {
                    while (r.next()) {
                        missing.add(r.getString(1));
                    }
                }
                assertThat(missing).as("entries without all their actions").isEmpty();
            }
        }
        System.out.printf(
                "JournalIT: %d requests, %d accepted (%d while PostgreSQL was down for %d ms), %d refused with "
                        + "503, %d cut off by the kill; all %d journaled exactly once with %d actions each, the last "
                        + "%d ms after the stream ended%n",
                outcomes.size(),
                accepted.size(),
                acceptedWhileDown,
                outage.toMillis(),
                outcomes.stream().filter(o -> o.status() == 503).count(),
                outcomes.stream().filter(o -> o.status() == -1).count(),
                accepted.size(),
                ACTIONS_PER_EVENT,
                catchUp.toMillis());
    }

    private WerkenProcess start(String name) throws Exception {
        WerkenProcess process = WerkenProcess.start(env, name);
        processes.add(process);
        return process;
    }

    /** How many of {@code eventIds} the journal holds; 0 while the database is away. */
    private long journaled(List<String> eventIds) {
        try (Connection db = cluster.connect("journal");
                PreparedStatement count =
                        db.prepareStatement("SELECT count(*) FROM journal_events WHERE event_id = ANY(?)")) {
            count.setArray(1, db.createArrayOf("text", eventIds.toArray()));
            try (ResultSet r = count.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        } catch (Exception e) {
            return 0;
        }
    }
}
