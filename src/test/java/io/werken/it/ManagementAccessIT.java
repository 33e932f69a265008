package io.werken.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.werken.WerkenApplication;
import io.werken.core.StartupRefusedException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Who may use the management port, on a running Werken: with an admin token set, everything but health, metrics and
 * the OpenAPI document needs it, Jolokia included, and Jolokia's read-only policy refuses operations; without a token,
 * local clients get in.
 */
class ManagementAccessIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "it-admin-token-" + Long.toHexString(System.nanoTime());
    private static final String ROUTES = "org.apache.camel:context=%s,type=routes,name=\"%s\"";

    private static RunningWerken werken;

    @BeforeAll
    static void start() throws Exception {
        werken = RunningWerken.start(Map.of("werken.management.admin-token", TOKEN));
    }

    @AfterAll
    static void stop() throws Exception {
        if (werken != null) {
            werken.close();
        }
    }

    @Test
    void withATokenSetTheManagementEndpointsNeedIt() throws Exception {
        HttpResponse<String> none = get(werken, "/workflows", null);
        assertUnauthorized(none, "/workflows");
        // Bearer only: a Basic challenge would make browsers prompt for the token and then send it by themselves.
        assertThat(none.headers().allValues("WWW-Authenticate")).containsExactly("Bearer realm=\"werken-management\"");

        HttpResponse<String> wrong = get(werken, "/workflows", "Bearer " + TOKEN + "x");
        assertUnauthorized(wrong, "/workflows");
        assertThat(wrong.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("error=\"invalid_token\"");
        assertUnauthorized(get(werken, "/workflows", "Token " + TOKEN), "/workflows");

        HttpResponse<String> right = get(werken, "/workflows", "Bearer " + TOKEN);
        assertThat(right.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(right.body()).get("workflows").findValuesAsText("id"))
                .contains("mi-workflow");
        assertThat(get(werken, "/workflows/mi-workflow", "bearer " + TOKEN).statusCode())
                .isEqualTo(200);
        // As Hawtio's Connect sends it: any user name, the token as the password.
        String basic = java.util.Base64.getEncoder().encodeToString(("hawtio:" + TOKEN).getBytes());
        assertThat(get(werken, "/observe/jolokia/version", "Basic " + basic).statusCode())
                .isEqualTo(200);
    }

    @Test
    void everyManagementPathButHealthIsGuardedIncludingOnesThatDoNotExistYet() throws Exception {
        for (String path : new String[] {
            "/workflows/mi-workflow",
            "/workflows/reload",
            "/dead-letters",
            "/dead-letters/requeue",
            "/observe/jolokia/version",
            "/observe/info",
            "/nothing-here",
            "/observe/health/../../workflows",
            "/stats",
            "/queues",
            "/refusals",
            "/workflows/revisions",
            "/workflows/revisions/abc"
        }) {
            assertUnauthorized(get(werken, path, null), null);
        }
        for (String path : new String[] {"/workflows/mi-workflow/check", "/workflows/mi-workflow/draft/dry-run"}) {
            HttpResponse<String> draft = werken.send(HttpRequest.newBuilder(management(werken, path))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{}")));
            assertUnauthorized(draft, path);
        }
        HttpResponse<String> dryRun =
                werken.send(HttpRequest.newBuilder(management(werken, "/workflows/mi-workflow/dry-run"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{}")));
        assertUnauthorized(dryRun, "/workflows/mi-workflow/dry-run");

        await().atMost(Duration.ofSeconds(20))
                .until(() -> get(werken, "/observe/health", null).statusCode() == 200);
        assertThat(JSON.readTree(get(werken, "/observe/health", null).body())
                        .get("status")
                        .asText())
                .isEqualTo("UP");
    }

    /** The OpenAPI document and the metrics answer anyone: API tooling and scrapers hold no token. */
    @Test
    void theOpenApiDocumentAndTheMetricsAreOpenWithATokenSet() throws Exception {
        HttpResponse<String> openApi = get(werken, "/openapi.json", null);
        assertThat(openApi.statusCode()).isEqualTo(200);
        assertThat(openApi.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(JSON.readTree(openApi.body()).path("openapi").asText()).isEqualTo("3.1.0");
        assertThat(get(werken, "/observe/metrics", null).statusCode()).isEqualTo(200);
    }

    /**
     * Health's details name the broker, the workflows file and, after an invalid reload, secret variables: a caller
     * without the token gets the status of each health endpoint and nothing else, whatever the query asks for.
     */
    @Test
    void healthAnswersItsStatusToAnyoneAndItsDetailsOnlyWithTheToken() throws Exception {
        await().atMost(Duration.ofSeconds(20))
                .until(() -> get(werken, "/observe/health", null).statusCode() == 200);
        for (String path : new String[] {
            "/observe/health",
            "/observe/health?exposureLevel=full&data=true&stackTrace=true",
            "/observe/health/live?exposureLevel=full&data=true",
            "/observe/health/ready?exposureLevel=default&data=true",
            "/observe/health/?exposureLevel=full&data=true"
        }) {
            HttpResponse<String> anonymous = get(werken, path, null);
            assertThat(anonymous.statusCode()).as(path).isEqualTo(200);
            assertThat(anonymous.headers().firstValue("Content-Type")).hasValue("application/json");
            JsonNode status = JSON.readTree(anonymous.body());
            assertThat(EventLoopHealthIT.fieldNames(status))
                    .as("%s %s", path, anonymous.body())
                    .containsExactly("status");
            assertThat(status.get("status").asText()).isEqualTo("UP");
            assertThat(get(werken, path, "Bearer " + TOKEN + "x").body())
                    .as(path)
                    .doesNotContain("checks", "broker");
        }

        HttpResponse<String> full = get(werken, "/observe/health?exposureLevel=full&data=true", "Bearer " + TOKEN);
        assertThat(full.statusCode()).isEqualTo(200);
        assertThat(full.body())
                .contains("\"checks\"", "\"name\":\"broker\"", "\"data\"", "broker.name", "classpath:workflows.json");
        assertUnauthorized(get(werken, "/observe/health/werken-broker", null), "/observe/health/werken-broker");
    }

    @Test
    void jolokiaReadsWithTheTokenAndItsReadOnlyPolicyRefusesToStopARoute() throws Exception {
        String route = ROUTES.formatted("werken", "dispatch-actions");
        HttpResponse<String> read = jolokia(
                werken, "{\"type\":\"read\",\"mbean\":" + JSON.writeValueAsString(route) + ",\"attribute\":\"State\"}");
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(read.body()).get("status").asInt()).isEqualTo(200);
        assertThat(JSON.readTree(read.body()).get("value").asText()).isEqualTo("Started");

        HttpResponse<String> list =
                jolokia(werken, "{\"type\":\"search\",\"mbean\":\"org.apache.camel:context=werken,type=routes,*\"}");
        assertThat(JSON.readTree(list.body()).get("value").toString()).contains("dispatch-actions", "list-workflows");

        HttpResponse<String> stop = jolokia(
                werken,
                "{\"type\":\"exec\",\"mbean\":" + JSON.writeValueAsString(route) + ",\"operation\":\"stop()\"}");
        JsonNode refused = JSON.readTree(stop.body());
        assertThat(refused.get("status").asInt()).as(stop.body()).isEqualTo(403);
        assertThat(refused.get("error").asText()).as(stop.body()).contains("forbidden");
        HttpResponse<String> write = jolokia(
                werken,
                "{\"type\":\"write\",\"mbean\":" + JSON.writeValueAsString(route)
                        + ",\"attribute\":\"Tracing\",\"value\":true}");
        assertThat(JSON.readTree(write.body()).get("status").asInt())
                .as(write.body())
                .isEqualTo(403);

        assertThat(werken.context()
                        .getRouteController()
                        .getRouteStatus("dispatch-actions")
                        .isStarted())
                .isTrue();
        assertThat(werken.context()
                        .getRouteController()
                        .getRouteStatus("dispatch-actions")
                        .isStopped())
                .isFalse();
    }

    @Test
    void readWriteAccessLetsJolokiaStopARoute() throws Exception {
        // Its own context name: its MBeans must not clash with the other Werken's.
        try (RunningWerken readWrite = RunningWerken.start(Map.of(
                "werken.management.admin-token",
                TOKEN,
                "werken.management.jolokia-access",
                "read-write",
                "camel.main.name",
                "werken-rw"))) {
            HttpResponse<String> stop = jolokia(
                    readWrite,
                    "{\"type\":\"exec\",\"mbean\":"
                            + JSON.writeValueAsString(ROUTES.formatted("werken-rw", "list-workflows"))
                            + ",\"operation\":\"stop()\"}");

            assertThat(JSON.readTree(stop.body()).get("status").asInt())
                    .as(stop.body())
                    .isEqualTo(200);
            assertThat(readWrite
                            .context()
                            .getRouteController()
                            .getRouteStatus("list-workflows")
                            .isStopped())
                    .isTrue();
            HttpResponse<String> diagnostic = jolokia(
                    readWrite,
                    "{\"type\":\"exec\",\"mbean\":"
                            + "\"com.sun.management:type=DiagnosticCommand\",\"operation\":\"vmVersion()\"}");
            assertThat(JSON.readTree(diagnostic.body()).get("status").asInt())
                    .as(diagnostic.body())
                    .isEqualTo(403);
        }
    }

    @Test
    void withoutATokenLocalClientsGetIn() throws Exception {
        try (RunningWerken open = RunningWerken.start(Map.of("camel.main.name", "werken-local"))) {
            assertThat(get(open, "/workflows", null).statusCode()).isEqualTo(200);
            // A local browser running another site's page is not let in, nor a request for another host name.
            HttpResponse<String> crossSite =
                    open.send(HttpRequest.newBuilder(management(open, "/dead-letters/requeue?max=1"))
                            .header("Origin", "https://evil.example")
                            .POST(HttpRequest.BodyPublishers.noBody()));
            assertThat(crossSite.statusCode()).as(crossSite.body()).isEqualTo(403);
            assertThat(JSON.readTree(crossSite.body()).get("type").asText())
                    .isEqualTo("urn:werken:problem:loopback-only");
            HttpResponse<String> version = get(open, "/observe/jolokia/version", null);
            assertThat(version.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(version.body()).get("value").has("agent")).isTrue();
        }
    }

    @Test
    void aManagementServerNotMadeByWerkensFactoryRefusesToStart() throws Exception {
        // camel-main's own factory, as a Main set up without WerkenApplication.newMain() would use: nothing would guard
        // it.
        Main unguarded = new Main();
        WerkenApplication.configurations().forEach(unguarded.configure()::addConfiguration);
        String prefix = "it-unguarded-" + Long.toHexString(System.nanoTime()) + ".";
        Map.of(
                        "camel.server.port",
                        "0",
                        "camel.server.host",
                        "127.0.0.1",
                        "camel.management.port",
                        "0",
                        "camel.management.host",
                        "127.0.0.1",
                        "camel.main.name",
                        "werken-unguarded",
                        "werken.rabbitmq.uri",
                        "amqp://guest:guest@127.0.0.1:1/%2F",
                        "werken.queue.received",
                        prefix + "received_webhooks",
                        "werken.queue.actions",
                        prefix + "required_actions",
                        "werken.journal.mode",
                        "off")
                .forEach(unguarded::addOverrideProperty);
        try {
            Throwable refused = catchThrowable(unguarded::start);
            assertThat(hasCause(refused, StartupRefusedException.class))
                    .as("%s", refused)
                    .isTrue();
        } finally {
            unguarded.stop();
        }
    }

    private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    private static void assertUnauthorized(HttpResponse<String> response, String instance) throws Exception {
        assertThat(response.statusCode())
                .as("%s %s", response.uri(), response.body())
                .isEqualTo(401);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow())
                .startsWith("Bearer ");
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.get("type").asText()).isEqualTo("urn:werken:problem:admin-token-required");
        assertThat(problem.get("status").asInt()).isEqualTo(401);
        if (instance != null) {
            assertThat(problem.get("instance").asText()).isEqualTo(instance);
        }
        assertThat(response.body()).doesNotContain(TOKEN);
    }

    private static HttpResponse<String> jolokia(RunningWerken target, String request) throws Exception {
        return target.send(HttpRequest.newBuilder(management(target, "/observe/jolokia/"))
                .header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(request)));
    }

    static HttpResponse<String> get(RunningWerken target, String path, String authorization) throws Exception {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(management(target, path)).GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return target.send(request);
    }

    static URI management(RunningWerken target, String path) {
        return URI.create("http://127.0.0.1:" + target.managementPort + path);
    }
}
