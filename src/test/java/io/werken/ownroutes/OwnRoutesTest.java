package io.werken.ownroutes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.werken.core.StartupRefusedException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.model.Model;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading WERKEN_ROUTES_DIR at startup: what is loaded and watched, and what refuses startup. */
class OwnRoutesTest {

    private static final Path EXAMPLE = Path.of("examples/routes/log-evento-worker.camel.yaml");

    @TempDir
    Path dir;

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
    void theDirectorysRouteFilesAreAddedAndTheDirectoryWatched() throws Exception {
        Files.copy(EXAMPLE, dir.resolve("log-evento-worker.camel.yaml"));
        Files.writeString(dir.resolve("notes.yaml"), "not: a route file");

        OwnRoutes ownRoutes = OwnRoutes.load(context, dir.toString(), guard);

        assertThat(context.getCamelContextExtension()
                        .getContextPlugin(Model.class)
                        .getRouteDefinitions())
                .extracting(route -> route.getRouteId())
                .containsExactly("log-evento-worker");
        assertThat(ownRoutes.directory()).contains(dir.toAbsolutePath());
        OwnRoutesReloadStrategy watcher = context.hasService(OwnRoutesReloadStrategy.class);
        assertThat(watcher).isSameAs(ownRoutes.reloadStrategy().orElseThrow());
        assertThat(watcher.getFolder()).isEqualTo(dir.toAbsolutePath().toString());
        assertThat(watcher.getPattern()).isEqualTo("*.camel.yaml");
        assertThat(watcher.isRemoveAllRoutes()).isFalse();
    }

    @Test
    void twoFilesWithOneRouteIdRefuseStartupNamingBoth() throws Exception {
        Files.copy(EXAMPLE, dir.resolve("a.camel.yaml"));
        Files.copy(EXAMPLE, dir.resolve("b.camel.yaml"));

        assertThatThrownBy(() -> OwnRoutes.load(context, dir.toString(), guard))
                .isInstanceOf(StartupRefusedException.class)
                .hasMessage("Own route file " + dir.resolve("b.camel.yaml") + " refused: route id 'log-evento-worker' "
                        + "is already defined by " + dir.resolve("a.camel.yaml")
                        + "; choose another id (WERKEN_ROUTES_DIR)");
        assertThat(context.getCamelContextExtension()
                        .getContextPlugin(Model.class)
                        .getRouteDefinitions())
                .isEmpty();
        assertThat(context.hasService(OwnRoutesReloadStrategy.class)).isNull();
    }

    @Test
    void aRouteCamelCannotCreateWhenTheContextStartsIsRefusedInOneLineNamingItsFile() throws Exception {
        Files.writeString(dir.resolve("events.camel.yaml"), """
                - route:
                    id: read-events
                    from:
                      uri: kafka:events
                      steps:
                        - log: read
                """);
        OwnRoutes ownRoutes = OwnRoutes.load(context, dir.toString(), guard);

        Throwable failure = catchThrowable(context::start);

        assertThat(ownRoutes.startupRefusal(failure))
                .isEqualTo(
                        "Own route file " + dir.resolve("events.camel.yaml")
                                + " cannot start: route 'read-events': No endpoint could be found for: "
                                + "kafka://events, please check your classpath contains the needed Camel component jar. (WERKEN_ROUTES_DIR)");
        assertThat(ownRoutes.startupRefusal(new IllegalStateException("something else")))
                .isNull();
        assertThat(OwnRoutes.none().startupRefusal(failure)).isNull();
    }

    @Test
    void aDirectoryThatIsNotOneRefusesStartup() {
        assertThatThrownBy(() -> OwnRoutes.load(context, dir.resolve("missing").toString(), guard))
                .isInstanceOf(StartupRefusedException.class)
                .hasMessage("WERKEN_ROUTES_DIR " + dir.resolve("missing") + " is not a directory.");
    }
}
