package io.werken.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A bulk replay that Werken stops in the middle of: the next Werken on the same journal shows it interrupted where it
 * stopped, and resumed it replays the rest, so that every selected event is replayed exactly once.
 */
class JournalReplayResumeIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int EVENTS = 12;

    @Test
    void aReplayStoppedMidwayIsResumedWithoutReplayingAnyEventTwice() throws Exception {
        String prefix = "it-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        String marker = "resume-" + UUID.randomUUID();
        try (Postgres postgres = Postgres.shared()) {
            Map<String, String> settings = new HashMap<>(Map.of(
                    "werken.journal.url",
                    postgres.createDatabase(),
                    "werken.journal.user",
                    Postgres.USER,
                    "werken.journal.replay-rate",
                    "4",
                    "werken.queue.received",
                    prefix + "received_webhooks",
                    "werken.queue.actions",
                    prefix + "required_actions",
                    "werken.journal.queue",
                    prefix + "werken.journal"));
            List<String> originals = new ArrayList<>();
            String replayId;
            long replayedAtStop;
            RunningWerken first = RunningWerken.start(settings);
            try {
                for (int i = 0; i < EVENTS; i++) {
                    HttpResponse<String> accepted = first.post(
                            "mi-workflow",
                            "application/json",
                            ("{\"marker\":\"" + marker + "\",\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8));
                    assertThat(accepted.statusCode()).isEqualTo(202);
                    originals.add(JSON.readTree(accepted.body()).get("event_id").asText());
                }
                await().atMost(WAIT)
                        .until(() -> get(
                                                first,
                                                "/events?workflow=mi-workflow&limit=500&where="
                                                        + q("payload.marker == '" + marker + "'"))
                                        .get("events")
                                        .size()
                                == EVENTS);

                HttpResponse<String> started = send(
                        first,
                        "POST",
                        "/events/replay?workflow=mi-workflow&max=100&where=" + q("payload.marker == '" + marker + "'"));
                assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
                replayId = JSON.readTree(started.body()).get("replay_id").asText();
                // Four a second: stop Werken after a few.
                await().atMost(WAIT)
                        .until(() -> get(first, "/replays/" + replayId)
                                        .get("replayed")
                                        .asInt()
                                >= 3);
            } finally {
                // What it published and journaled but has not written stays on the queues for the next Werken.
                first.stopKeepingQueues();
            }
            try (RunningWerken second = RunningWerken.start(settings)) {
                JsonNode stopped = get(second, "/replays/" + replayId);
                assertThat(stopped.get("state").asText()).isEqualTo("interrupted");
                replayedAtStop = stopped.get("replayed").asLong();
                assertThat(replayedAtStop).isBetween(3L, (long) EVENTS - 1);
                assertThat(stopped.get("last_event_id").asText()).isIn(originals);

                HttpResponse<String> resumed = send(second, "POST", "/replays/" + replayId + "/resume");
                assertThat(resumed.statusCode()).as(resumed.body()).isEqualTo(202);
                await().atMost(WAIT)
                        .until(() -> get(second, "/replays/" + replayId)
                                .get("state")
                                .asText()
                                .equals("done"));
                assertThat(get(second, "/replays/" + replayId).get("replayed").asInt())
                        .isEqualTo(EVENTS);
                HttpResponse<String> again = send(second, "POST", "/replays/" + replayId + "/resume");
                assertThat(again.statusCode())
                        .as("a replay that is done is not resumed")
                        .isEqualTo(409);

                // Each original has exactly one replay in the journal.
                await().atMost(WAIT).until(() -> replays(second, originals) == EVENTS);
                for (String original : originals) {
                    assertThat(get(second, "/events/" + original).get("replays"))
                            .as(original)
                            .hasSize(1);
                }
            }
            System.out.printf(
                    "JournalReplayResumeIT: %d events; stopped after %d replays, resumed, %d replayed once each%n",
                    EVENTS, replayedAtStop, EVENTS);
        } finally {
            try (Broker broker = new Broker()) {
                broker.delete(
                        prefix + "received_webhooks",
                        prefix + "required_actions",
                        prefix + "received_webhooks.dlq",
                        prefix + "werken.journal");
            }
        }
    }

    private static long replays(RunningWerken werken, List<String> originals) throws Exception {
        long n = 0;
        for (String original : originals) {
            n += get(werken, "/events/" + original).get("replays").size();
        }
        return n;
    }

    private static String q(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private static HttpResponse<String> send(RunningWerken werken, String method, String path) throws Exception {
        return werken.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + werken.managementPort + path))
                .method(method, HttpRequest.BodyPublishers.noBody()));
    }

    private static JsonNode get(RunningWerken werken, String path) throws Exception {
        HttpResponse<String> response = send(werken, "GET", path);
        assertThat(response.statusCode()).as(path + " " + response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }
}
