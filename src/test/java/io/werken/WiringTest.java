package io.werken;

import static org.assertj.core.api.Assertions.assertThat;

import io.werken.ownroutes.OwnRoutes;
import io.werken.ownroutes.OwnRoutesGuard;
import io.werken.ownroutes.OwnRoutesReloadStrategy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteConfigurationDefinition;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;
import org.junit.jupiter.api.Test;

/**
 * The application's wiring, bound as {@link WerkenApplication} binds it, with its routes built but not started (no
 * broker needed): every configuration class finds the beans of those before it, every reference in a route resolves
 * (Camel refuses to build a route otherwise), and every bean a route names is there under the name of its class, so
 * that a {@code ref:} greps to one class.
 */
class WiringTest extends CamelMainTestSupport {

    private static final Pattern REFERENCE = Pattern.compile(
            "(?:\\bref|idempotentRepository|onRedeliveryRef): *\"?([A-Za-z][\\w-]*)|\"#([A-Za-z]\\w*)\"");

    @Override
    protected void configure(MainConfigurationProperties configuration) {
        WerkenApplication.configurations().forEach(configuration::addConfiguration);
    }

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        Properties properties = new Properties();
        // The routes are built (every ref: resolved) but not started, and nothing listens on port 1: no broker is
        // touched.
        properties.put("camel.main.auto-startup", "false");
        properties.put("werken.rabbitmq.uri", "amqp://guest:guest@127.0.0.1:1/%2F");
        properties.put("werken.dedupe.store", "memory");
        properties.put("camel.server.host", "127.0.0.1");
        properties.put("camel.server.port", "0");
        properties.put("camel.management.enabled", "false");
        // The embedded journal store in a directory of its own, not ./werken-data.
        try {
            properties.put(
                    "werken.embedded.data-dir",
                    java.nio.file.Files.createTempDirectory("werken-wiring-").toString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return properties;
    }

    @Test
    void theRoutesAreBuiltOnTheApplicationsWiring() {
        assertThat(context.getRoutes())
                .extracting(route -> route.getRouteId())
                .contains("ingest-webhook", "dispatch-actions", "dead-letter");
    }

    @Test
    void theOwnRoutesGuardKeepsEveryIdOfWerkensRoutesAndNothingIsWatchedWithoutADirectory() {
        Set<String> ids = new TreeSet<>();
        context.getRoutes().forEach(route -> ids.add(route.getRouteId()));
        context.getCamelContextExtension().getContextPlugin(Model.class).getRouteConfigurationDefinitions().stream()
                .map(RouteConfigurationDefinition::getId)
                .forEach(ids::add);

        OwnRoutesGuard guard = OwnRoutesGuard.forWerkenRoutes(
                context, context.resolvePropertyPlaceholders("{{camel.main.routes-include-pattern}}"));

        assertThat(guard.werkenIds()).isEqualTo(ids);
        assertThat(context.getRegistry()
                        .lookupByNameAndType("ownRoutes", OwnRoutes.class)
                        .directory())
                .isEmpty();
        assertThat(context.hasService(OwnRoutesReloadStrategy.class)).isNull();
    }

    @Test
    void everyBeanARouteNamesIsBoundUnderItsClassName() {
        Set<String> references = routeReferences();

        assertThat(references)
                .contains(
                        "webhookRequestValidator",
                        "dedupeStore",
                        "eventPublisher",
                        "actionPublisher",
                        "deadLetterPublisher",
                        "problemResponder",
                        "dispatchRetryLogger",
                        "webhookHeaderFilterStrategy");
        for (String name : references) {
            Object bean = context.getRegistry().lookupByName(name);
            assertThat(bean).as("bean %s", name).isNotNull();
            Set<String> classNames = new TreeSet<>();
            for (Class<?> type = bean.getClass(); type != null; type = type.getSuperclass()) {
                classNames.add(type.getSimpleName());
                for (Class<?> implemented : type.getInterfaces()) {
                    classNames.add(implemented.getSimpleName());
                }
            }
            assertThat(classNames)
                    .as("bean %s is named after its class", name)
                    .contains(Character.toUpperCase(name.charAt(0)) + name.substring(1));
        }
    }

    private static Set<String> routeReferences() {
        Set<String> names = new TreeSet<>();
        try (Stream<Path> files = Files.list(Path.of("src/main/resources/routes"))) {
            for (Path file : files.toList()) {
                Matcher m = REFERENCE.matcher(Files.readString(file));
                while (m.find()) {
                    names.add(m.group(1) != null ? m.group(1) : m.group(2));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return names;
    }
}
