package io.werken.manage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Management processors are named after their route files, one to one: the route {@code list-events}
 * ({@code list-events.camel.yaml}) calls the bean {@code listEvents}, the class {@link ListEvents}. A route that serves
 * a second endpoint through a choice may call one more processor, whose Javadoc names that route. Letter case aside:
 * {@code show-openapi} is {@link ShowOpenApi}.
 */
class ManagementRoutesTest {

    private static final Path ROUTES = Path.of("src/main/resources/routes");
    private static final Path MANAGE = Path.of("src/main/java/io/werken/manage");
    private static final Pattern ROUTE_ID = Pattern.compile("^- route:\\s*\\n\\s+id: ([\\w-]+)");
    private static final Pattern REF = Pattern.compile("^\\s*ref: (\\w+)\\s*$", Pattern.MULTILINE);

    @Test
    void everyManagementRouteCallsTheProcessorNamedAfterItsIdAndEveryProcessorServesOneRoute() throws IOException {
        Map<String, List<String>> refsByRoute = managementRoutes();
        Set<String> processors = processorClasses();
        assertThat(refsByRoute).hasSizeGreaterThan(10);

        Map<String, String> routeOfProcessor = new TreeMap<>();
        for (Map.Entry<String, List<String>> route : refsByRoute.entrySet()) {
            String routeId = route.getKey();
            String named = className(routeId);
            assertThat(route.getValue())
                    .as("processor beans of route %s", routeId)
                    .anySatisfy(bean -> assertThat(bean).isEqualToIgnoringCase(beanName(named)));
            for (String bean : route.getValue()) {
                String className = Character.toUpperCase(bean.charAt(0)) + bean.substring(1);
                assertThat(processors)
                        .as("bean %s of route %s is a processor class of the same name", bean, routeId)
                        .contains(className);
                if (!className.equalsIgnoreCase(named)) {
                    assertThat(Files.readString(MANAGE.resolve(className + ".java")))
                            .as("%s, a second processor of %s, names that route in its Javadoc", className, routeId)
                            .contains("Called by the route {@code " + routeId + "}");
                }
                assertThat(routeOfProcessor.put(className, routeId))
                        .as("%s called by a second route", className)
                        .isNull();
            }
        }
        assertThat(routeOfProcessor.keySet())
                .as("every management processor is called by a management route")
                .isEqualTo(processors);
    }

    @Test
    void theNamesFollowTheRouteIds() {
        assertThat(className("list-events")).isEqualTo("ListEvents");
        assertThat(className("dry-run-workflow-draft")).isEqualTo("DryRunWorkflowDraft");
        assertThat(beanName("ListEvents")).isEqualTo("listEvents");
    }

    /** Route id -> the beans its {@code process} steps call, for each route file served on the management port. */
    private static Map<String, List<String>> managementRoutes() throws IOException {
        Map<String, List<String>> routes = new TreeMap<>();
        try (Stream<Path> files = Files.list(ROUTES)) {
            for (Path file : files.sorted().toList()) {
                String yaml = Files.readString(file);
                if (!yaml.contains("uri: management-http:")) {
                    continue;
                }
                Matcher id = ROUTE_ID.matcher(yaml);
                assertThat(id.find())
                        .as("%s starts with a route and its id", file)
                        .isTrue();
                assertThat(file.getFileName().toString()).isEqualTo(id.group(1) + ".camel.yaml");
                List<String> refs = new ArrayList<>();
                Matcher ref = REF.matcher(yaml);
                while (ref.find()) {
                    refs.add(ref.group(1));
                }
                routes.put(id.group(1), refs);
            }
        }
        return routes;
    }

    /** The simple names of the classes in {@code io.werken.manage} that are Camel processors. */
    private static Set<String> processorClasses() throws IOException {
        Set<String> names = new TreeSet<>();
        try (Stream<Path> files = Files.list(MANAGE)) {
            for (Path file : files.toList()) {
                if (Files.readString(file).contains(" implements Processor")) {
                    names.add(file.getFileName().toString().replace(".java", ""));
                }
            }
        }
        return names;
    }

    /** {@code list-events} -> {@code ListEvents}. */
    private static String className(String routeId) {
        StringBuilder name = new StringBuilder();
        for (String word : routeId.split("-")) {
            name.append(Character.toUpperCase(word.charAt(0))).append(word.substring(1));
        }
        return name.toString();
    }

    private static String beanName(String className) {
        return Character.toLowerCase(className.charAt(0)) + className.substring(1);
    }
}
