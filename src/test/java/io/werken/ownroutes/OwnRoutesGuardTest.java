package io.werken.ownroutes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What an own route file may hold, on the fixtures in {@code fixtures/routes/} and the shipped example. */
class OwnRoutesGuardTest {

    private static final Path FIXTURES = Path.of("src/test/resources/fixtures/routes");

    private CamelContext context;
    private OwnRoutesGuard guard;

    @BeforeEach
    void setUp() {
        context = new DefaultCamelContext();
        context.build();
        guard = OwnRoutesGuard.forWerkenRoutes(context, "classpath:routes/*.camel.yaml");
    }

    @AfterEach
    void tearDown() throws Exception {
        context.close();
    }

    @Test
    void werkensIdsAreThoseOfItsRoutesAndRouteConfigurations() {
        // One route (or route configuration) per file, named <id>.camel.yaml (house style): the ids the files' names
        // say.
        java.util.List<String> byFileName;
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(Path.of("src/main/resources/routes"))) {
            byFileName = files.map(f -> f.getFileName().toString().replace(".camel.yaml", ""))
                    .toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertThat(byFileName).contains("ingest-webhook", "dispatch-actions", "dead-letter", "http-problems");
        assertThat(guard.werkenIds()).containsExactlyInAnyOrderElementsOf(byFileName);
    }

    @Test
    void theShippedExampleIsAccepted() {
        assertThat(guard.check(resource(Path.of("examples/routes/log-evento-worker.camel.yaml")), Map.of()))
                .containsExactly("log-evento-worker");
        assertThat(context.getRoutes()).as("checking adds nothing").isEmpty();
    }

    @Test
    void errorHandlingScopedToTheFilesRoutesIsAccepted() {
        assertThat(guard.check(fixture("with-on-exception.camel.yaml"), Map.of()))
                .containsExactly("guarded-worker");
    }

    @Test
    void aFileThatIsNotYamlIsRefusedWithTheFileAndTheLine() {
        assertRefused("not-yaml.camel.yaml", "is not valid YAML: ", "line 4");
    }

    @Test
    void aFileCamelCannotReadIsRefusedWithCamelsReason() {
        assertRefused("unknown-step.camel.yaml", "does not parse as Camel YAML DSL: ", "lgo");
    }

    @Test
    void aRouteIdOfWerkensIsRefused() {
        assertRefused("takes-ingest-webhook.camel.yaml", "route id 'ingest-webhook' is one of Werken's own routes");
    }

    @Test
    void aRouteIdOfAnotherFileIsRefusedNamingThatFile() {
        assertThatThrownBy(() -> guard.check(
                        fixture("with-on-exception.camel.yaml"), Map.of("guarded-worker", "/routes/other.camel.yaml")))
                .isInstanceOf(OwnRouteRefusedException.class)
                .hasMessageContaining("route id 'guarded-worker' is already defined by /routes/other.camel.yaml");
    }

    @Test
    void whatWouldReachWerkensRoutesIsRefusedBeforeCamelActsOnIt() {
        assertRefused("beans.camel.yaml", "'beans' is not accepted here");
        assertThat(context.getRegistry().lookupByName("eventReader"))
                .as("no bean bound")
                .isNull();
        assertRefused("route-configuration.camel.yaml", "'routeConfiguration' is not accepted here");
        assertRefused("startup-order.camel.yaml", "sets startupOrder");
    }

    @Test
    void routesWithoutIdsOrWithOneIdTwiceAreRefused() {
        assertRefused("no-id.camel.yaml", "the route from 'timer:anonymous' has no id");
        assertRefused("twice.camel.yaml", "route id 'twin' is defined twice in the file");
    }

    @Test
    void aFileWithoutRoutesIsRefused() {
        assertRefused("empty.camel.yaml", "is empty");
        assertRefused("not-a-list.camel.yaml", "must be a YAML list of '- route:' elements");
    }

    @Test
    void routesThatServeHttpAreRefusedWhereverTheSchemeIsWrittenUnlessAllowed(@TempDir Path dir) throws Exception {
        context.getPropertiesComponent().addInitialProperty("own.scheme", "platform-http");
        Map<String, String> routes = Map.of(
                "from", route("from:\n      uri: platform-http:/own"),
                "from-with-parameters", route("from:\n      uri: platform-http\n      parameters:\n        path: /own"),
                "upper-case", route("from:\n      uri: \"  PLATFORM-HTTP:///own\""),
                "management-port", route("from:\n      uri: management-http:/own"),
                "placeholder", route("from:\n      uri: \"{{own.scheme}}:/own\""),
                "nested-to",
                        route("from:\n      uri: direct:own\n      steps:\n        - filter:\n            simple: "
                                + "\"${body} != null\"\n            steps:\n              - to: platform-http:/relay"),
                "to-dynamic",
                        route("from:\n      uri: direct:own\n      steps:\n        - toD: "
                                + "\"platform-http:/${header.path}\""),
                "wire-tap",
                        route("from:\n      uri: direct:own\n      steps:\n        - wireTap:\n            "
                                + "uri: Platform-Http:/tap"));
        OwnRoutesGuard allowing = guard.withHttpAllowed(true);
        for (Map.Entry<String, String> route : routes.entrySet()) {
            Path file = dir.resolve(route.getKey() + ".camel.yaml");
            java.nio.file.Files.writeString(file, route.getValue());

            assertThatThrownBy(() -> guard.check(resource(file), Map.of()))
                    .as(route.getKey())
                    .isInstanceOf(OwnRouteRefusedException.class)
                    .hasMessageStartingWith("Own route file " + file + " refused: route 'own-route' uses '")
                    .hasMessageEndingWith(
                            "which would serve HTTP on Werken's ports beside its webhooks; own routes may "
                                    + "not, unless WERKEN_ROUTES_ALLOW_HTTP=true");
            assertThat(allowing.check(resource(file), Map.of()))
                    .as(route.getKey())
                    .containsExactly("own-route");
        }
        assertThat(context.getRoutes()).isEmpty();
    }

    @Test
    void textThatOnlyMentionsHttpIsNoEndpoint(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("mentions.camel.yaml");
        java.nio.file.Files.writeString(
                file,
                route("from:\n      uri: direct:own\n      steps:\n        - log: "
                        + "\"relayed from platform-http: ${body}\"\n        - setHeader:\n            name: via\n"
                        + "            constant: not-platform-http"));

        assertThat(guard.check(resource(file), Map.of())).containsExactly("own-route");
    }

    private static String route(String from) {
        return "- route:\n    id: own-route\n    " + from + "\n";
    }

    private void assertRefused(String fixture, String... problems) {
        assertThatThrownBy(() -> guard.check(fixture(fixture), Map.of()))
                .isInstanceOf(OwnRouteRefusedException.class)
                .hasMessageStartingWith(
                        "Own route file " + FIXTURES.resolve(fixture).toAbsolutePath() + " refused: ")
                .hasMessageContainingAll(problems)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        assertThat(context.getRoutes()).isEmpty();
    }

    private Resource fixture(String name) {
        return resource(FIXTURES.resolve(name));
    }

    private Resource resource(Path file) {
        return PluginHelper.getResourceLoader(context).resolveResource("file:" + file.toAbsolutePath());
    }
}
