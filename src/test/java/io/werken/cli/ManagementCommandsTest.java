package io.werken.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code events} and {@code replay} against a local HTTP server standing in for the management API: the request they
 * make (method, path, query, token) and what they print, for answers and for problems.
 */
class ManagementCommandsTest {

    record Request(String method, String uri, String authorization) {}

    record Run(int exit, String out, String err) {}

    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Map<String, Answer> answers = new HashMap<>();
    private HttpServer server;

    record Answer(int status, String contentType, String body) {}

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            requests.add(new Request(
                    exchange.getRequestMethod(),
                    exchange.getRequestURI().toString(),
                    exchange.getRequestHeaders().getFirst("Authorization")));
            Answer answer = answers.getOrDefault(
                    exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath(),
                    new Answer(
                            404,
                            "application/problem+json",
                            "{\"type\":\"about:blank\",\"title\":\"Not Found\","
                                    + "\"status\":404,\"detail\":\"No such endpoint.\"}"));
            byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", answer.contentType());
            exchange.sendResponseHeaders(answer.status(), body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private Map<String, String> env(String token) {
        Map<String, String> env = new HashMap<>();
        env.put("WERKEN_MANAGEMENT_PORT", Integer.toString(server.getAddress().getPort()));
        if (token != null) {
            env.put("WERKEN_ADMIN_TOKEN", token);
        }
        return env;
    }

    private Run run(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine line = WerkenCommand.commandLine(
                () -> {
                    throw new AssertionError("no server");
                },
                env::get);
        line.setOut(new PrintWriter(out, true));
        line.setErr(new PrintWriter(err, true));
        return new Run(line.execute(args), out.toString(), err.toString());
    }

    @Test
    void eventsListsTheJournalAsATableWithTheFiltersAsQueryAndTheTokenAsBearer() {
        answers.put("GET /events", new Answer(200, "application/json", """
                {"events":[
                  {"event_id":"0b5c6a3e-1111-4c55-9e21-000000000002","workflow_id":"mi-workflow",
                   "received_at":"2026-12-05T03:00:02Z","outcome":"dead_lettered","workflow_revision":"r7",
                   "actions_published":0,"replay_of":null},
                  {"event_id":"0b5c6a3e-1111-4c55-9e21-000000000001","workflow_id":"mi-workflow",
                   "received_at":"2026-12-05T03:00:01Z","outcome":"dispatched","workflow_revision":"r7",
                   "actions_published":2,"replay_of":"0b5c6a3e-1111-4c55-9e21-000000000000"}],
                 "next_cursor":"c-2","scanned":40,"stopped_at_scan_limit":false,"unevaluable":0}"""));

        Run events = run(
                env("t0k3n"),
                "events",
                "--workflow",
                "mi-workflow",
                "--where",
                "payload.n > 1 && true",
                "--limit",
                "2");

        assertThat(requests)
                .containsExactly(new Request(
                        "GET",
                        "/events?workflow=mi-workflow&where=payload.n+%3E+1+%26%26+true&limit=2",
                        "Bearer t0k3n"));
        assertThat(events).isEqualTo(new Run(0, """
                EVENT_ID                              RECEIVED_AT           WORKFLOW     OUTCOME        ACTIONS  REPLAY_OF
                0b5c6a3e-1111-4c55-9e21-000000000002  2026-12-05T03:00:02Z  mi-workflow  dead_lettered  0        -
                0b5c6a3e-1111-4c55-9e21-000000000001  2026-12-05T03:00:01Z  mi-workflow  dispatched     2        0b5c6a3e-1111-4c55-9e21-000000000000
                2 events, 40 journal entries looked at; more with --cursor c-2
                """, ""));
    }

    @Test
    void eventsWithAnIdShowsThatEventAsJsonWithoutATokenWhenNoneIsSet() {
        answers.put(
                "GET /events/ev-1",
                new Answer(200, "application/json", "{\"event_id\":\"ev-1\",\"outcome\":\"dispatched\"}"));

        Run event = run(env(null), "events", "ev-1");

        assertThat(requests).containsExactly(new Request("GET", "/events/ev-1", null));
        assertThat(event).isEqualTo(new Run(0, """
                {
                  "event_id" : "ev-1",
                  "outcome" : "dispatched"
                }
                """, ""));
    }

    @Test
    void replayOfOneEventPostsToItsReplayEndpoint() {
        answers.put("POST /events/ev-1/replay", new Answer(202, "application/json", """
                {"event_id":"ev-2","replay_of":"ev-1","workflow_id":"mi-workflow","revision":"original"}"""));

        Run replay = run(env("t0k3n"), "replay", "ev-1", "--revision", "original");

        assertThat(requests)
                .containsExactly(new Request("POST", "/events/ev-1/replay?revision=original", "Bearer t0k3n"));
        assertThat(replay)
                .isEqualTo(new Run(
                        0, "Replaying event_id=ev-1 (workflow mi-workflow, original revision) as event_id=ev-2\n", ""));
    }

    @Test
    void aBulkReplayPostsTheFiltersAndMaxAndSaysWhereToFollowIt() {
        answers.put("POST /events/replay", new Answer(202, "application/json", """
                {"replay_id":"rp-9","state":"running","status":"/replays/rp-9"}"""));

        Run replay = run(
                env(null), "replay", "--max", "100", "--outcome", "dead_lettered", "--since", "2026-12-01T00:00:00Z");

        assertThat(requests)
                .containsExactly(new Request(
                        "POST", "/events/replay?max=100&outcome=dead_lettered&since=2026-12-01T00%3A00%3A00Z", null));
        assertThat(replay)
                .isEqualTo(new Run(
                        0,
                        "Bulk replay rp-9 started (running); its progress: GET /replays/rp-9 on the management port\n",
                        ""));
    }

    @Test
    void aBulkDryRunCountsAndShowsTheFirst() {
        answers.put("POST /events/replay", new Answer(200, "application/json", """
                {"dry_run":true,"would_replay":2,"scanned":7,"stopped_at_scan_limit":false,"sample":[
                 {"event_id":"ev-1","workflow_id":"w","received_at":"2026-12-05T03:00:01Z","outcome":"dead_lettered"},
                 {"event_id":"ev-2","workflow_id":"w","received_at":"2026-12-05T03:00:02Z","outcome":"dead_lettered"}]}"""));

        Run replay = run(env(null), "replay", "--max", "5", "--workflow", "w", "--dry-run");

        assertThat(requests).containsExactly(new Request("POST", "/events/replay?max=5&workflow=w&dry_run=true", null));
        assertThat(replay).isEqualTo(new Run(0, """
                Would replay 2 event(s) (7 journal entries looked at); the first of them:
                  ev-1  2026-12-05T03:00:01Z  w  dead_lettered
                  ev-2  2026-12-05T03:00:02Z  w  dead_lettered
                """, ""));
    }

    @Test
    void aProblemIsOneLineOnStderrAndExitOne() {
        answers.put("GET /events", new Answer(401, "application/problem+json", """
                {"type":"urn:werken:problem:unauthorized","title":"Unauthorized","status":401,
                 "detail":"This endpoint needs Authorization: Bearer <admin token>."}"""));

        Run events = run(env("wrong"), "events");

        String url = "http://127.0.0.1:" + server.getAddress().getPort();
        assertThat(events)
                .isEqualTo(
                        new Run(
                                1,
                                "",
                                "events: GET " + url + "/events: 401 Unauthorized: This endpoint "
                                        + "needs Authorization: Bearer <admin token>. (WERKEN_ADMIN_TOKEN is not the server's admin token)\n"));
    }

    @Test
    void noServerIsOneLineThatSaysWhereItLooked() {
        int port = server.getAddress().getPort();
        server.stop(0);

        Run events = run(env(null), "replay", "ev-1");

        assertThat(events)
                .isEqualTo(new Run(
                        1,
                        "",
                        "replay: No Werken answers at http://127.0.0.1:" + port
                                + " (ConnectException): is it running? Its management port is WERKEN_MANAGEMENT_PORT (default 9876), "
                                + "or give --url.\n"));
    }
}
