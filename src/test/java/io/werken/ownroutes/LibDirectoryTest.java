package io.werken.ownroutes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.werken.core.StartupRefusedException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.camel.CamelContext;
import org.apache.camel.FailedToCreateRouteException;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * WERKEN_LIB_DIR: a component and a bean class from a jar built at test time (on no class path of Werken's nor the
 * tests') resolve for a YAML route once the directory is installed, and do not without it.
 */
class LibDirectoryTest {

    private static final String ROUTE = """
            - route:
                id: greet-loudly
                from:
                  uri: direct:greet
                  steps:
                    - to:
                        uri: shout:it
                    - bean:
                        beanType: lib.example.Greeter
                        method: greet
            """;

    @TempDir
    Path lib;

    private CamelContext context;

    @BeforeEach
    void setUp() throws Exception {
        LibJars.build(lib.resolve("shout.jar"));
        context = new DefaultCamelContext();
        context.build();
    }

    @AfterEach
    void tearDown() throws Exception {
        context.close();
    }

    @Test
    void aComponentAndABeanFromTheDirectorysJarsResolveForAYamlRoute() throws Exception {
        assertThat(getClass().getClassLoader().getResource("META-INF/services/org/apache/camel/component/shout"))
                .as("the test's own class path has no shout component")
                .isNull();

        LibDirectory installed = LibDirectory.install(context, lib.toString());
        PluginHelper.getRoutesLoader(context).loadRoutes(ResourceHelper.fromString("greet.camel.yaml", ROUTE));
        context.start();

        assertThat(installed.jars()).containsExactly(lib.resolve("shout.jar"));
        assertThat(installed.directory()).contains(lib);
        assertThat(context.createProducerTemplate().requestBody("direct:greet", "werken", String.class))
                .isEqualTo("hello WERKEN!");
        assertThat(context.getApplicationContextClassLoader().getName()).isEqualTo("werken-lib");
    }

    @Test
    void withoutTheDirectoryTheRouteCannotBeCreated() throws Exception {
        PluginHelper.getRoutesLoader(context).loadRoutes(ResourceHelper.fromString("greet.camel.yaml", ROUTE));

        assertThatThrownBy(context::start)
                .hasRootCauseMessage("No endpoint could be found for: shout://it, please "
                        + "check your classpath contains the needed Camel component jar.")
                .isInstanceOf(FailedToCreateRouteException.class);
    }

    @Test
    void unsetMeansWerkensClassPathAlone() {
        assertThat(LibDirectory.install(context, " ").directory()).isEmpty();
        assertThat(context.getApplicationContextClassLoader()).isNull();
    }

    @Test
    void aMissingDirectoryOrAFileRefusesStartupInOneLineNamingTheSetting() throws Exception {
        assertThatThrownBy(() ->
                        LibDirectory.install(context, lib.resolve("missing").toString()))
                .isInstanceOf(StartupRefusedException.class)
                .hasMessage("WERKEN_LIB_DIR " + lib.resolve("missing") + " is not a directory.");
        assertThatThrownBy(() ->
                        LibDirectory.install(context, lib.resolve("shout.jar").toString()))
                .isInstanceOf(StartupRefusedException.class)
                .hasMessage("WERKEN_LIB_DIR " + lib.resolve("shout.jar") + " is not a directory.");
        Files.createDirectory(lib.resolve("folder.jar"));
        assertThatThrownBy(() -> LibDirectory.install(context, lib.toString()))
                .isInstanceOf(StartupRefusedException.class)
                .hasMessage("WERKEN_LIB_DIR " + lib + ": folder.jar cannot be read.");
        assertThat(context.getApplicationContextClassLoader()).isNull();
    }
}
