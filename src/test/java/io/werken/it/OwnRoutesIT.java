package io.werken.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.rabbitmq.client.GetResponse;
import io.werken.core.StartupRefusedException;
import io.werken.ownroutes.LibJars;
import io.werken.ownroutes.OwnRoutes;
import io.werken.ownroutes.OwnRoutesReloadStrategy;
import io.werken.testing.FreePorts;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.management.ObjectName;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.apache.camel.api.management.ManagedCamelContext;
import org.apache.camel.api.management.mbean.ManagedRouteMBean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Own routes ({@code WERKEN_ROUTES_DIR}) on the real broker: the shipped example worker, dropped into the directory of
 * a running Werken, takes its workflow's {@code log_evento} actions off their own queue; files that do not parse or
 * that take one of Werken's route ids are refused while Werken's routes keep running; editing the file reloads it and
 * deleting it removes its route; at startup a refused file refuses startup in one line.
 */
class OwnRoutesIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String WORKER = "log-evento-worker";
    private static final Path EXAMPLE = Path.of("examples/routes/log-evento-worker.camel.yaml");
    private static final Path FIXTURES = Path.of("src/test/resources/fixtures/routes");

    @TempDir
    Path routesDir;

    @TempDir
    Path configDir;

    private String logQueue;
    private Path workflowsFile;
    private Broker broker;

    @BeforeEach
    void setUp() throws Exception {
        // This run's own queue for log_evento, in both example files: RunningWerken deletes only its own queues.
        logQueue = "it-" + UUID.randomUUID().toString().substring(0, 8) + ".log_eventos";
        workflowsFile = configDir.resolve("workflows.json");
        Files.writeString(
                workflowsFile, withOwnQueue(Path.of("examples/workflows.json"), "\"queue\": \"log_eventos\""));
        broker = new Broker();
    }

    @AfterEach
    void tearDown() throws Exception {
        broker.delete(logQueue);
        broker.close();
    }

    @Test
    void theExampleWorkerDroppedInConsumesItsActionsAndRefusedFilesLeaveWerkensRoutesRunning() throws Exception {
        try (RunningWerken werken = start()) {
            assertThat(webhook(werken)).isEqualTo(202);
            await().atMost(WAIT).until(() -> broker.depth(logQueue) == 1);
            assertThat(werken.context().getRoute(WORKER))
                    .as("nothing consumes the queue yet")
                    .isNull();
            List<Route> werkensRoutes = List.copyOf(werken.context().getRoutes());

            drop(withOwnQueue(EXAMPLE, "queues: log_eventos"), "log-evento-worker.camel.yaml");

            await().atMost(WAIT).until(() -> completed(werken.context()) == 1);
            assertThat(broker.depth(logQueue)).isZero();
            assertThat(managedWorker(werken.context()).getExchangesFailed()).isZero();
            assertThat(werken.context().getRoute(WORKER).getSourceResource().getLocation())
                    .isEqualTo("file:" + routesDir.resolve("log-evento-worker.camel.yaml"));

            // A file that does not parse and one that takes Werken's ingest route id: refused, nothing changes.
            OwnRoutesReloadStrategy watcher = watcher(werken);
            drop(Files.readString(FIXTURES.resolve("not-yaml.camel.yaml")), "not-yaml.camel.yaml");
            await().atMost(WAIT).until(() -> watcher.getRefusedCounter() == 1);
            assertThat(watcher.getLastRefusal())
                    .startsWith("Own route file " + routesDir.resolve("not-yaml.camel.yaml")
                            + " refused: is not valid YAML");
            drop(
                    Files.readString(FIXTURES.resolve("takes-ingest-webhook.camel.yaml")),
                    "takes-ingest-webhook.camel.yaml");
            await().atMost(WAIT).until(() -> watcher.getRefusedCounter() == 2);
            assertThat(watcher.getLastRefusal())
                    .isEqualTo("Own route file "
                            + routesDir.resolve("takes-ingest-webhook.camel.yaml")
                            + " refused: route id 'ingest-webhook' is one of Werken's own routes; choose another id");

            assertThat(werkensRoutes)
                    .as("Werken's routes never stopped, removed or replaced")
                    .allSatisfy(route -> assertThat(werken.context().getRoute(route.getRouteId()))
                            .isSameAs(route));
            // What an operator sees over JMX.
            Object refusals = ManagementFactory.getPlatformMBeanServer()
                    .getAttribute(
                            new ObjectName(
                                    "org.apache.camel:context=werken,type=services,name=OwnRoutesReloadStrategy"),
                            "RefusedCounter");
            assertThat(refusals).isEqualTo(2);
            Route ingest = werken.context().getRoute("ingest-webhook");
            assertThat(ingest.getSourceResource().getLocation())
                    .endsWith("routes/ingest-webhook.camel.yaml")
                    .doesNotContain(routesDir.toString());
            assertThat(ingest.getEndpoint().getEndpointUri()).doesNotStartWith("timer:");
            List<String> expected = new java.util.ArrayList<>(
                    werkensRoutes.stream().map(Route::getRouteId).toList());
            expected.add(WORKER);
            assertThat(expected).contains("ingest-webhook", "dispatch-actions", "dead-letter");
            assertThat(werken.context().getRoutes())
                    .extracting(Route::getRouteId)
                    .containsExactlyInAnyOrderElementsOf(expected);
            assertThat(werken.context().getRoutes())
                    .allSatisfy(route -> assertThat(
                                    werken.context().getRouteController().getRouteStatus(route.getRouteId()))
                            .isEqualTo(ServiceStatus.Started));

            assertThat(webhook(werken)).isEqualTo(202);
            List<GetResponse> emails = broker.take(werken.actionsQueue, 2, WAIT);
            assertThat(emails)
                    .extracting(m -> JSON.readTree(m.getBody()).get("type").asText())
                    .containsExactly("enviar_email", "enviar_email");
            await().atMost(WAIT).until(() -> completed(werken.context()) == 2);
        }
    }

    @Test
    void ownRoutesUseTheBundledComponentsTimerSchedulerSedaVertxHttpAndResilience4jWithCoresEips() throws Exception {
        String ownQueue = logQueue + ".own";
        broker.declareQueue(ownQueue, Map.of());
        try (RunningWerken werken = start()) {
            drop(
                    Files.readString(FIXTURES.resolve("bundled-components.camel.yaml"))
                            .replace("OWN_QUEUE", ownQueue)
                            .replace("NOWHERE_PORT", Integer.toString(FreePorts.next())),
                    "bundled-components.camel.yaml");

            List<GetResponse> messages = broker.take(ownQueue, 2, WAIT);
            // The timer's five ticks, through seda and the throttle, resequenced in reverse and aggregated into one
            // batch; the circuit breaker's fallback for the port nothing listens on, and vertx-http's call to health.
            assertThat(messages)
                    .extracting(m -> new String(m.getBody(), StandardCharsets.UTF_8))
                    .containsExactlyInAnyOrder("scheduled", "batch=5,4,3,2,1 nowhere=fallback health=200");
            assertThat(watcher(werken).getRefusedCounter()).isZero();
        } finally {
            broker.delete(ownQueue);
        }
    }

    @Test
    void editingTheFileReloadsItsRouteAndDeletingItRemovesIt() throws Exception {
        Path file = routesDir.resolve("log-evento-worker.camel.yaml");
        String example = withOwnQueue(EXAMPLE, "queues: log_eventos");
        Files.writeString(file, example);
        try (RunningWerken werken = start()) {
            // Loaded at startup.
            assertThat(webhook(werken)).isEqualTo(202);
            await().atMost(WAIT).until(() -> completed(werken.context()) == 1);
            assertThat(werken.context().getProcessor("log-evento")).isNotNull();

            drop(
                    example.replace("id: log-evento\n", "id: log-evento-v2\n"),
                    file.getFileName().toString());

            await().atMost(WAIT).until(() -> werken.context().getProcessor("log-evento-v2") != null);
            assertThat(werken.context().getProcessor("log-evento")).isNull();
            assertThat(webhook(werken)).isEqualTo(202);
            await().atMost(WAIT).until(() -> completed(werken.context()) == 1);
            assertThat(broker.depth(logQueue)).isZero();

            Files.delete(file);

            await().atMost(WAIT).until(() -> werken.context().getRoute(WORKER) == null);
            assertThat(webhook(werken)).isEqualTo(202);
            await().atMost(WAIT).until(() -> broker.depth(logQueue) == 1);
            assertThat(werken.context().getRoute("ingest-webhook")).isNotNull();
            assertThat(werken.context().getRoute("dispatch-actions")).isNotNull();
        }
    }

    @Test
    void aRefusedFileAtStartupRefusesStartupInOneLine() throws Exception {
        Files.copy(FIXTURES.resolve("takes-ingest-webhook.camel.yaml"), routesDir.resolve("clash.camel.yaml"));
        Map<String, String> env =
                WerkenProcess.settings("it-" + UUID.randomUUID().toString().substring(0, 8) + ".");
        env.put("WERKEN_ROUTES_DIR", routesDir.toString());
        env.put("WERKEN_WORKFLOWS", workflowsFile.toString());

        Map.Entry<Integer, String> run = WerkenProcess.command(env);

        assertThat(run.getKey()).isEqualTo(1);
        assertThat(run.getValue())
                .contains(
                        "Werken cannot start. Own route file " + routesDir.resolve("clash.camel.yaml")
                                + " refused: route id 'ingest-webhook' is one of Werken's own routes; choose another id (WERKEN_ROUTES_DIR)");
        assertThat(run.getValue()).doesNotContain("\tat ");

        Files.delete(routesDir.resolve("clash.camel.yaml"));
        Files.copy(FIXTURES.resolve("not-yaml.camel.yaml"), routesDir.resolve("broken.camel.yaml"));
        assertThatThrownBy(this::start)
                .satisfies(e -> assertThat(refusal(e))
                        .startsWith("Own route file " + routesDir.resolve("broken.camel.yaml")
                                + " refused: is not valid YAML"));
    }

    @Test
    void filesWhoseRoutesCannotBeCreatedOrStartedOnReloadAreReportedInHealthWithoutTakingWerkenDown() throws Exception {
        Files.writeString(routesDir.resolve("intake.camel.yaml"), intake("intake", "direct:intake"));
        try (RunningWerken werken = start()) {
            assertThat(werken.health().statusCode()).isEqualTo(200);
            Path second = routesDir.resolve("second-intake.camel.yaml");

            // Passes the guard, but cannot start: direct:intake has its consumer already.
            drop(intake("second-intake", "direct:intake"), second.getFileName().toString());

            await().atMost(WAIT)
                    .until(() -> werken.health().statusCode() != 200
                            || ownRoutesHealth(werken).path("refused").asText().contains(second.toString()));
            JsonNode report = healthReport(werken);
            assertThat(werken.health().statusCode())
                    .as("health after the failed reload: %s", report)
                    .isEqualTo(200);
            assertThat(report.get("status").asText()).isEqualTo("UP");
            JsonNode details = ownRoutesHealth(werken);
            assertThat(details.get("refused").asText())
                    .startsWith("Own route file " + second + " cannot start: " + "route 'second-intake': ")
                    .contains("Multiple consumers for the same endpoint");
            assertThat(details.get("refused_files").asInt()).isEqualTo(1);
            assertThat(details.get("routes").asInt()).isEqualTo(1);
            assertThat(werken.context().getRoute("second-intake"))
                    .as("no stopped route left behind")
                    .isNull();

            // Cannot be created: no Kafka or JMS component, in Werken nor in the tests' classpath. And the running
            // file, edited to something Camel cannot create: its version that ran before runs on.
            drop(intake("poller", "kafka:polled"), "poller.camel.yaml");
            drop(intake("intake-v2", "jms:queue:intake"), "intake.camel.yaml");
            OwnRoutesReloadStrategy watcher = watcher(werken);
            await().atMost(WAIT).until(() -> watcher.getRefusedCounter() == 3);
            details = ownRoutesHealth(werken);
            assertThat(details.get("refused_files").asInt()).isEqualTo(3);
            assertThat(details.get("refused").asText())
                    .contains(routesDir.resolve("poller.camel.yaml") + " cannot start: ")
                    .contains("kafka://polled")
                    .contains(routesDir.resolve("intake.camel.yaml") + " cannot start: ")
                    .contains("jms://queue:intake");
            assertThat(werken.context().getRouteController().getRouteStatus("intake"))
                    .isEqualTo(ServiceStatus.Started);
            assertThat(werken.context().getRoute("intake-v2")).isNull();
            assertThat(werken.context().getRoute("poller")).isNull();
            assertThat(werken.health().statusCode()).isEqualTo(200);
            assertThat(webhook(werken)).isEqualTo(202);
            await().atMost(WAIT).until(() -> broker.depth(logQueue) == 1);

            // Fixed: the next reload loads it, and its refusal is no longer reported.
            drop(intake("poller", "direct:poll"), "poller.camel.yaml");
            await().atMost(WAIT).until(() -> werken.context().getRoute("poller") != null);
            await().atMost(WAIT)
                    .until(() -> ownRoutesHealth(werken).get("refused_files").asInt() == 2);
            assertThat(ownRoutesHealth(werken).get("refused").asText()).doesNotContain("poller.camel.yaml");
            assertThat(werken.context().getRouteController().getRouteStatus("poller"))
                    .isEqualTo(ServiceStatus.Started);
        }
    }

    private static String intake(String id, String uri) {
        return """
                - route:
                    id: %s
                    from:
                      uri: %s
                      steps:
                        - log: taken
                """.formatted(id, uri);
    }

    @Test
    void aRouteCamelCannotCreateOrStartAtStartupEndsTheProcessWithOneLine() throws Exception {
        // The guard passes both files; Camel fails only when it starts the routes, after the broker connection (whose
        // thread is not a daemon) is open. Werken bundles no file component; and direct:intake can have one consumer.
        Files.writeString(routesDir.resolve("inbox.camel.yaml"), """
                - route:
                    id: read-inbox
                    from:
                      uri: file:/tmp/werken-inbox
                      steps:
                        - log: read
                """);
        assertStartupEndsWithOneLine("inbox.camel.yaml", "file://");

        Files.delete(routesDir.resolve("inbox.camel.yaml"));
        for (String name : List.of("intake-a", "intake-b")) {
            Files.writeString(routesDir.resolve(name + ".camel.yaml"), """
                    - route:
                        id: %s
                        from:
                          uri: direct:intake
                          steps:
                            - log: taken
                    """.formatted(name));
        }
        assertStartupEndsWithOneLine("intake-b.camel.yaml", "Multiple consumers for the same endpoint");
    }

    /** Werken, as a process, exits with 1 and one ERROR line naming the file and Camel's reason, no stack trace. */
    private void assertStartupEndsWithOneLine(String file, String reason) throws Exception {
        Map<String, String> env =
                WerkenProcess.settings("it-" + UUID.randomUUID().toString().substring(0, 8) + ".");
        env.put("WERKEN_ROUTES_DIR", routesDir.toString());
        env.put("WERKEN_WORKFLOWS", workflowsFile.toString());

        Map.Entry<Integer, String> run = WerkenProcess.command(env, Duration.ofSeconds(90));

        assertThat(run.getKey()).as(run.getValue()).isEqualTo(1);
        List<String> errors =
                run.getValue().lines().filter(line -> line.contains(" ERROR ")).toList();
        assertThat(errors)
                .as(run.getValue())
                .singleElement()
                .asString()
                .contains("Werken cannot start. Own route file " + routesDir.resolve(file) + " cannot start: route '")
                .contains(reason)
                .endsWith("(WERKEN_ROUTES_DIR)");
        assertThat(run.getValue()).doesNotContain("\tat ").doesNotContain("Exception in thread");
        try (Broker cleanup = new Broker()) {
            cleanup.delete(
                    env.get("WERKEN_QUEUE_RECEIVED"),
                    env.get("WERKEN_QUEUE_ACTIONS"),
                    env.get("WERKEN_QUEUE_RECEIVED") + ".dlq");
        }
    }

    @Test
    void routesThatServeHttpAreRefusedUnlessTheDeployerAllowsThem() throws Exception {
        String hook = """
                - route:
                    id: own-hook
                    from:
                      uri: platform-http:/own-hook
                      steps:
                        - setBody:
                            constant: served by an own route
                """;
        Files.writeString(routesDir.resolve("own-hook.camel.yaml"), hook);
        assertThatThrownBy(this::start)
                .satisfies(e -> assertThat(refusal(e))
                        .isEqualTo("Own route file "
                                + routesDir.resolve("own-hook.camel.yaml")
                                + " refused: route 'own-hook' uses 'platform-http:/own-hook', "
                                + "which would serve HTTP on Werken's ports beside its webhooks; own routes may not, unless "
                                + "WERKEN_ROUTES_ALLOW_HTTP=true (WERKEN_ROUTES_DIR)"));
        Files.delete(routesDir.resolve("own-hook.camel.yaml"));

        try (RunningWerken werken = start()) {
            OwnRoutesReloadStrategy watcher = watcher(werken);
            // The scheme in other spellings and places: upper case with parameters in a nested step, on the
            // management port, and as a uri with its path given as a parameter.
            drop("""
                    - route:
                        id: relay
                        from:
                          uri: direct:relay
                          steps:
                            - choice:
                                when:
                                  - simple: "${body} != null"
                                    steps:
                                      - to:
                                          uri: " PLATFORM-HTTP://relayed?matchOnUriPrefix=true"
                    """, "relay.camel.yaml");
            await().atMost(WAIT).until(() -> watcher.getRefusedCounter() == 1);
            assertThat(watcher.getLastRefusal())
                    .contains(routesDir.resolve("relay.camel.yaml").toString())
                    .contains("route 'relay' uses 'PLATFORM-HTTP://relayed?matchOnUriPrefix=true'");
            drop(hook.replace("platform-http:/own-hook", "management-http:/own-admin"), "own-admin.camel.yaml");
            await().atMost(WAIT).until(() -> watcher.getRefusedCounter() == 2);
            assertThat(watcher.getLastRefusal()).contains("'management-http:/own-admin'");
            drop(
                    hook.replace(
                            "uri: platform-http:/own-hook",
                            "uri: platform-http\n      parameters:\n        path: /own-hook"),
                    "own-hook.camel.yaml");
            await().atMost(WAIT).until(() -> watcher.getRefusedCounter() == 3);
            assertThat(watcher.getLastRefusal()).contains("'platform-http'");

            assertThat(werken.context().getRoutes())
                    .extracting(Route::getRouteId)
                    .doesNotContain("relay", "own-hook");
            assertThat(werken.send(HttpRequest.newBuilder(werken.uri("/own-hook")))
                            .statusCode())
                    .isEqualTo(404);
            assertThat(werken.health().statusCode()).isEqualTo(200);
        }

        Files.delete(routesDir.resolve("relay.camel.yaml"));
        Files.delete(routesDir.resolve("own-admin.camel.yaml"));
        Files.writeString(routesDir.resolve("own-hook.camel.yaml"), hook);
        Map<String, String> allowed = Map.of(
                "werken.routes.dir",
                routesDir.toString(),
                "werken.workflows",
                workflowsFile.toString(),
                "werken.routes.allow-http",
                "true");
        try (RunningWerken werken = RunningWerken.start(allowed)) {
            assertThat(werken.context().getRoute("own-hook")).isNotNull();
            HttpResponse<String> served = werken.send(HttpRequest.newBuilder(werken.uri("/own-hook")));
            assertThat(served.statusCode()).isEqualTo(200);
            assertThat(served.body()).isEqualTo("served by an own route");
        }
    }

    @Test
    void aJarInWerkenLibDirGivesOwnRoutesItsComponentAndBeanClass() throws Exception {
        Path lib = configDir.resolve("lib");
        LibJars.build(lib.resolve("shout.jar"));
        String greeted = logQueue + ".greeted";
        broker.declareQueue(greeted, Map.of());
        Files.writeString(routesDir.resolve("greeter.camel.yaml"), """
                - route:
                    id: greeter
                    from:
                      uri: timer:greet
                      parameters:
                        repeatCount: 1
                      steps:
                        - setBody:
                            constant: werken
                        - to:
                            uri: shout:it
                        - bean:
                            beanType: lib.example.Greeter
                            method: greet
                        - to:
                            uri: spring-rabbitmq:default
                            parameters:
                              routingKey: %s
                """.formatted(greeted));
        Map<String, String> env = processSettings();
        env.put("WERKEN_LIB_DIR", lib.toString());
        try (WerkenProcess werken = WerkenProcess.start(env, "own-routes-lib")) {
            // The component (shout:) and the bean class (Greeter) come from the jar alone.
            assertThat(broker.take(greeted, 1, WAIT))
                    .extracting(m -> new String(m.getBody(), StandardCharsets.UTF_8))
                    .containsExactly("hello WERKEN!");
            assertThat(werken.output())
                    .contains("WERKEN_LIB_DIR " + lib + ": 1 jar(s) on the class path of own routes " + "[shout.jar]");
        } finally {
            broker.delete(greeted);
            deleteQueues(env);
        }

        // Without it, the same route cannot start: startup ends in one line naming the file and the cause.
        env.remove("WERKEN_LIB_DIR");
        assertStartupEndsWithOneLine(
                "greeter.camel.yaml", "route 'greeter': No endpoint could be found for: shout://it");

        // A directory that is not there: one line naming WERKEN_LIB_DIR.
        env = processSettings();
        env.put("WERKEN_LIB_DIR", lib.resolve("missing").toString());
        Map.Entry<Integer, String> run = WerkenProcess.command(env);
        assertThat(run.getKey()).as(run.getValue()).isEqualTo(1);
        assertThat(run.getValue()
                        .lines()
                        .filter(line -> line.contains(" ERROR "))
                        .toList())
                .as(run.getValue())
                .singleElement()
                .asString()
                .endsWith("Werken cannot start. WERKEN_LIB_DIR " + lib.resolve("missing") + " is not a directory.");
        assertThat(run.getValue()).doesNotContain("\tat ");
        deleteQueues(env);
    }

    @Test
    void aFileThatCannotStartOnReloadIsOneLogLineAndShownInHealthMetricsAndTheConsolesAnswer() throws Exception {
        Map<String, String> env = processSettings();
        Path broken = routesDir.resolve("nosuch.camel.yaml");
        try (WerkenProcess werken = WerkenProcess.start(env, "own-routes-cannot-start")) {
            drop(intake("nosuch", "nosuch:x"), broken.getFileName().toString());

            await().atMost(WAIT).until(() -> werken.output().contains("Own route file " + broken + " cannot start: "));
            String output = werken.output();
            List<String> lines = output.lines()
                    .filter(line -> line.contains(broken.toString()))
                    .toList();
            assertThat(lines)
                    .as(output)
                    .singleElement()
                    .asString()
                    .contains(" ERROR ")
                    .endsWith("Own route file " + broken
                            + " cannot start: route 'nosuch': No endpoint could be found for: "
                            + "nosuch://x, please check your classpath contains the needed Camel component jar. Nothing "
                            + "reloaded: Werken's routes and the own routes already running are unchanged.");
            assertThat(output).as("no stack trace").doesNotContain("\tat ").doesNotContain("Exception:");

            // What the console's overview asks for, as it asks: the own-routes check's data names the file and cause.
            JsonNode report = JSON.readTree(HTTP.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + werken.managementPort
                                            + "/observe/health?exposureLevel=full&data=true"))
                                    .header("Accept", "application/json")
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body());
            assertThat(report.get("status").asText()).isEqualTo("UP");
            JsonNode details = check(report, "own-routes").path("data");
            assertThat(details.get("refused_files").asInt()).isEqualTo(1);
            assertThat(details.get("refused").asText())
                    .startsWith("Own route file " + broken + " cannot start: route "
                            + "'nosuch': No endpoint could be found for: nosuch://x");
            assertThat(metrics(werken))
                    .contains("werken_own_routes_failed{file=\"nosuch.camel.yaml\"} 1.0")
                    .contains("werken_own_routes_refused_total 1.0");

            // Fixed: it runs, and nothing reports it any more.
            drop(intake("nosuch", "direct:nosuch"), broken.getFileName().toString());
            await().atMost(WAIT).until(() -> !metrics(werken).contains("werken_own_routes_failed{"));
            assertThat(werken.output()).contains("Own route file " + broken + " reloaded: [nosuch]");
        } finally {
            deleteQueues(env);
        }
    }

    private static final java.net.http.HttpClient HTTP = java.net.http.HttpClient.newBuilder()
            .version(java.net.http.HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private static String metrics(WerkenProcess werken) throws Exception {
        return HTTP.send(
                        HttpRequest.newBuilder(
                                        URI.create("http://127.0.0.1:" + werken.managementPort + "/observe/metrics"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }

    /** A Werken process's settings, on the test broker with queues of its own, with this test's routes and workflows. */
    private Map<String, String> processSettings() throws Exception {
        Map<String, String> env =
                WerkenProcess.settings("it-" + UUID.randomUUID().toString().substring(0, 8) + ".");
        env.put("WERKEN_ROUTES_DIR", routesDir.toString());
        env.put("WERKEN_WORKFLOWS", workflowsFile.toString());
        return env;
    }

    private static void deleteQueues(Map<String, String> env) throws Exception {
        try (Broker cleanup = new Broker()) {
            cleanup.delete(
                    env.get("WERKEN_QUEUE_RECEIVED"),
                    env.get("WERKEN_QUEUE_ACTIONS"),
                    env.get("WERKEN_QUEUE_RECEIVED") + ".dlq",
                    env.get("WERKEN_QUEUE_JOURNAL"));
        }
    }

    /** The message of the StartupRefusedException in e's causes, as WerkenApplication finds it. */
    private static String refusal(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof StartupRefusedException) {
                return t.getMessage();
            }
        }
        return null;
    }

    private RunningWerken start() throws Exception {
        return RunningWerken.start(
                Map.of("werken.routes.dir", routesDir.toString(), "werken.workflows", workflowsFile.toString()));
    }

    /** The example file with this run's queue in place of log_eventos. */
    private String withOwnQueue(Path example, String line) throws Exception {
        String text = Files.readString(example);
        assertThat(text).contains(line);
        return text.replace(line, line.replace("log_eventos", logQueue));
    }

    /** Writes the file beside the directory's and moves it in, as a deployer should: the watcher sees it whole. */
    private void drop(String content, String name) throws Exception {
        Path temporary = routesDir.resolve("." + name + ".tmp");
        Files.writeString(temporary, content, StandardCharsets.UTF_8);
        Files.move(
                temporary,
                routesDir.resolve(name),
                StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
    }

    private static int webhook(RunningWerken werken) throws Exception {
        return werken.post("mi-workflow", "application/json", "{\"user_id\": 123}".getBytes())
                .statusCode();
    }

    private static JsonNode healthReport(RunningWerken werken) throws Exception {
        return JSON.readTree(werken.send(HttpRequest.newBuilder(URI.create(
                        "http://127.0.0.1:" + werken.managementPort + "/observe/health?exposureLevel=full&data=true")))
                .body());
    }

    /** The details of the own-routes check of the full health report (missing while there is none). */
    private static JsonNode ownRoutesHealth(RunningWerken werken) throws Exception {
        return check(healthReport(werken), "own-routes").path("data");
    }

    /** The named check of a full health report, or a missing node. */
    private static JsonNode check(JsonNode report, String name) {
        for (JsonNode check : report.path("checks")) {
            if (name.equals(check.path("name").asText())) {
                return check;
            }
        }
        return MissingNode.getInstance();
    }

    private static OwnRoutesReloadStrategy watcher(RunningWerken werken) {
        return werken.context()
                .getRegistry()
                .lookupByNameAndType("ownRoutes", OwnRoutes.class)
                .reloadStrategy()
                .orElseThrow();
    }

    private static ManagedRouteMBean managedWorker(CamelContext context) {
        return context.getCamelContextExtension()
                .getContextPlugin(ManagedCamelContext.class)
                .getManagedRoute(WORKER);
    }

    /** Exchanges the worker route (its current version) completed; 0 while there is none. */
    private static long completed(CamelContext context) {
        ManagedRouteMBean route = managedWorker(context);
        return route == null ? 0 : route.getExchangesCompleted();
    }
}
