package io.werken;

import static org.assertj.core.api.Assertions.assertThat;

import io.werken.core.ExchangeProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
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
 * The structure a new engineer relies on: packages under {@code io.werken} that depend on each other one way only
 * ({@code core} at the bottom, {@code settings} just above it, {@code config} and the command line {@code cli} at the top and imported by the main
 * class alone), and every
 * {@code werken*} exchange property named once, in {@link ExchangeProperties}.
 */
class StructureTest {

    private static final Path MAIN = Path.of("src/main/java/io/werken");
    private static final Path ROUTES = Path.of("src/main/resources/routes");
    private static final Pattern IMPORT =
            Pattern.compile("^import (?:static )?io\\.werken\\.(\\w+)\\.", Pattern.MULTILINE);
    /** A reference to a Werken package's class without an import, e.g. in Javadoc {@code {@link io.werken.x.Y}}. */
    private static final Pattern QUALIFIED = Pattern.compile("\\bio\\.werken\\.(\\w+)\\.[A-Z]");

    private static final String ROOT = "(root)";

    /** Package -> the other io.werken packages its main classes import or name. */
    static Map<String, Set<String>> dependencies() {
        Map<String, Set<String>> graph = new TreeMap<>();
        for (Path file : sourceFiles(MAIN)) {
            Path relative = MAIN.relativize(file);
            String from =
                    relative.getNameCount() == 1 ? ROOT : relative.getName(0).toString();
            Set<String> to = graph.computeIfAbsent(from, k -> new TreeSet<>());
            String source = read(file);
            for (Pattern pattern : List.of(IMPORT, QUALIFIED)) {
                Matcher m = pattern.matcher(source);
                while (m.find()) {
                    if (!m.group(1).equals(from)) {
                        to.add(m.group(1));
                    }
                }
            }
        }
        return graph;
    }

    @Test
    void noTwoPackagesDependOnEachOtherNorThroughAnyChain() {
        Map<String, Set<String>> graph = dependencies();
        List<String> cycles = new ArrayList<>();
        for (String start : graph.keySet()) {
            for (String reached : reachable(graph, start)) {
                if (reachable(graph, reached).contains(start) && start.compareTo(reached) < 0) {
                    cycles.add(start + " <-> " + reached);
                }
            }
        }
        assertThat(cycles).as("package graph %s", graph).isEmpty();
    }

    @Test
    void coreIsTheBottomAndTheWiringIsImportedByTheMainClassAlone() {
        Map<String, Set<String>> graph = dependencies();

        assertThat(graph.get("core"))
                .as("core depends on no other Werken package")
                .isEmpty();
        graph.forEach((from, to) -> {
            if (!from.equals(ROOT)) {
                assertThat(to).as("%s may not import the wiring", from).doesNotContain("config");
            }
        });
        assertThat(graph.get(ROOT)).contains("config");
    }

    @Test
    void theSettingsSitJustAboveCoreSoThatEveryPackageMayReadThem() {
        Map<String, Set<String>> graph = dependencies();

        assertThat(graph.get("settings")).as("settings depends on core alone").containsOnly("core");
        assertThat(graph.get("config")).contains("settings");
        assertThat(graph.get("cli")).contains("settings");
    }

    @Test
    void theCommandLineIsOnTopAndOnlyTheMainClassImportsIt() {
        Map<String, Set<String>> graph = dependencies();

        assertThat(graph).containsKey("cli");
        graph.forEach((from, to) -> {
            if (!from.equals(ROOT)) {
                assertThat(to).as("%s may not depend on the command line", from).doesNotContain("cli");
            }
        });
        assertThat(graph.get(ROOT)).contains("cli");
        // The server's wiring reaches the command line only through the main class (run's IntSupplier).
        assertThat(graph.get("cli")).doesNotContain("config");
    }

    @Test
    void everyExchangePropertyARouteNamesIsDeclaredOnce() {
        List<String> values = Arrays.stream(ExchangeProperties.class.getDeclaredFields())
                .filter(f -> Modifier.isStatic(f.getModifiers()) && f.getType() == String.class)
                .map(StructureTest::value)
                .toList();
        Set<String> declared = new TreeSet<>(values);
        assertThat(values).as("no two constants name the same property").hasSameSizeAs(declared);
        Set<String> named = new TreeSet<>();
        Matcher m = Pattern.compile("\\bwerken[A-Z]\\w*")
                .matcher(String.join(
                        "\n",
                        sourceFiles(ROUTES).stream().map(StructureTest::read).toList()));
        while (m.find()) {
            named.add(m.group());
        }

        assertThat(named).isNotEmpty();
        assertThat(declared).containsAll(named).allMatch(name -> name.startsWith("werken"));
    }

    @Test
    void javaCodeNamesExchangePropertiesOnlyThroughTheConstants() {
        // A property name in a string: "werkenX", or inside an expression such as "${exchangeProperty.werkenX}".
        Pattern literal = Pattern.compile("\"[^\"\\n]*\\bwerken[A-Z]\\w*[^\"\\n]*\"");
        List<String> offenders = sourceFiles(MAIN).stream()
                .filter(file -> !file.endsWith("core/ExchangeProperties.java"))
                .filter(file -> literal.matcher(read(file)).find())
                .map(Path::toString)
                .toList();

        assertThat(offenders).isEmpty();
    }

    private static Set<String> reachable(Map<String, Set<String>> graph, String start) {
        Set<String> seen = new TreeSet<>();
        List<String> todo = new ArrayList<>(graph.getOrDefault(start, Set.of()));
        while (!todo.isEmpty()) {
            String next = todo.remove(todo.size() - 1);
            if (seen.add(next)) {
                todo.addAll(graph.getOrDefault(next, Set.of()));
            }
        }
        return seen;
    }

    private static List<Path> sourceFiles(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(
                            f -> f.toString().endsWith(".java") || f.toString().endsWith(".yaml"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String value(Field field) {
        try {
            return (String) field.get(null);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }
}
