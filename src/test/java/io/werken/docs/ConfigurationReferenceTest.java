package io.werken.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.werken.settings.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * {@code docs/configuration.md} lists exactly the settings Werken reads: every {@code WERKEN_*} variable that
 * {@code application.properties} or {@code log4j2.properties} reads has a row, with its property and its default, and
 * every row names a variable Werken reads (one read by code rather than a property, {@code "WERKEN_X"} in
 * {@code src/main/java}, has {@code —} as its property); and the {@link Settings} object reads exactly those of
 * application.properties, each through the property whose placeholder names it.
 */
class ConfigurationReferenceTest {

    private static final Path PAGE = Path.of("docs/configuration.md");
    private static final List<Path> SOURCES = List.of(
            Path.of("src/main/resources/application.properties"), Path.of("src/main/resources/log4j2.properties"));
    /** {@code key = ...{{env:WERKEN_X:default}}} (Camel) or {@code key = ${env:WERKEN_X:-default}} (Log4j). */
    private static final Pattern SETTING = Pattern.compile(
            "^([\\w.-]+)\\s*=\\s*.*?(?:\\{\\{env:(WERKEN_[A-Z0-9_]+)(?::([^}]*))?}}|\\$\\{env:(WERKEN_[A-Z0-9_]+)(?::-([^}]*))?})",
            Pattern.MULTILINE);
    /** A row of the page's table: | `WERKEN_X` | `property` | default | meaning |. */
    private static final Pattern ROW =
            Pattern.compile("^\\| `(WERKEN_[A-Z0-9_]+)` \\| (.*?) \\| (.*?) \\| (.*) \\|$", Pattern.MULTILINE);

    /** What Werken reads: variable -> {property, default}. */
    static Map<String, String[]> settings() throws IOException {
        Map<String, String[]> settings = new TreeMap<>();
        for (Path source : SOURCES) {
            Matcher m = SETTING.matcher(Files.readString(source));
            while (m.find()) {
                String variable = m.group(2) != null ? m.group(2) : m.group(4);
                String value = m.group(2) != null ? m.group(3) : m.group(5);
                if (value != null && value.startsWith("${env:")) {
                    // A default that is another variable (WERKEN_EVENT_LOG follows WERKEN_LOG_LEVEL): its name.
                    value = value.substring("${env:".length()).split(":-")[0];
                }
                // The first place that reads a variable is where its default lives (log4j2.properties: the root level,
                // which the libraries' loggers then follow).
                settings.putIfAbsent(variable, new String[] {m.group(1), value == null ? "" : value});
            }
        }
        return settings;
    }

    @Test
    void everySettingWerkenReadsHasARowAndEveryRowIsASettingWerkenReads() throws IOException {
        Map<String, String[]> settings = settings();
        Map<String, Matcher> rows = rows();

        assertThat(settings).as("settings found in %s", SOURCES).hasSizeGreaterThan(50);
        assertThat(rows.keySet()).as("the variables %s lists", PAGE).containsAll(settings.keySet());
        String code = mainSources();
        for (String variable : rows.keySet()) {
            if (!settings.containsKey(variable)) {
                assertThat(code)
                        .as("%s is listed in %s but Werken never reads it", variable, PAGE)
                        .contains("\"" + variable + "\"");
                assertThat(rows.get(variable).group(2))
                        .as("%s is read by code, not by a property", variable)
                        .isEqualTo("—");
            }
        }
    }

    @Test
    void theSettingsObjectReadsExactlyTheVariablesThePageListsUnderTheirPropertiesAndDefaults() throws IOException {
        Map<String, String> read = Settings.variables();
        Map<String, String[]> properties = settings();
        Map<String, Matcher> rows = rows();
        // Log4j reads its own (the log levels) before any Settings exists; the page lists them all the same.
        Set<String> log4j = new TreeSet<>();
        Matcher m = SETTING.matcher(Files.readString(SOURCES.get(1)));
        while (m.find()) {
            log4j.add(m.group(4));
        }

        assertThat(read).as("the variables Settings reads").hasSizeGreaterThan(50);
        assertThat(rows.keySet()).as("the variables %s lists", PAGE).containsAll(read.keySet());
        for (String variable : rows.keySet()) {
            if (!log4j.contains(variable) && !rows.get(variable).group(2).equals("—")) {
                assertThat(read)
                        .as("%s is listed in %s but Settings never reads it", variable, PAGE)
                        .containsKey(variable);
            }
        }
        read.forEach((variable, key) -> {
            assertThat(rows.get(variable).group(2))
                    .as("%s's property", variable)
                    .isEqualTo("`" + key + "`");
            assertThat(properties.get(variable))
                    .as("%s is read from application.properties' %s", variable, key)
                    .isNotNull();
            assertThat(properties.get(variable)[0])
                    .as("the property whose placeholder names %s", variable)
                    .isEqualTo(key);
            String expectedDefault = properties.get(variable)[1].isEmpty()
                    ? "(none)"
                    : "`" + properties.get(variable)[1] + "`";
            assertThat(rows.get(variable).group(3)).as("%s's default", variable).startsWith(expectedDefault);
        });
    }

    /** Werken's Java sources, for variables read without a property (a launcher's, say). */
    private static String mainSources() throws IOException {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                all.append(Files.readString(file));
            }
        }
        return all.toString();
    }

    @Test
    void eachRowGivesTheSettingsPropertyAndDefault() throws IOException {
        Map<String, Matcher> rows = rows();
        settings().forEach((variable, setting) -> {
            Matcher row = rows.get(variable);
            if (row == null) {
                return;
            }
            assertThat(row.group(2)).as("%s's property", variable).isEqualTo("`" + setting[0] + "`");
            String expectedDefault = setting[1].isEmpty() ? "(none)" : "`" + setting[1] + "`";
            assertThat(row.group(3)).as("%s's default", variable).startsWith(expectedDefault);
        });
    }

    private static Map<String, Matcher> rows() throws IOException {
        Map<String, Matcher> rows = new TreeMap<>();
        Matcher m = ROW.matcher(Files.readString(PAGE));
        while (m.find()) {
            Matcher row = ROW.matcher(m.group());
            row.matches();
            assertThat(rows.put(m.group(1), row))
                    .as("%s listed twice", m.group(1))
                    .isNull();
        }
        return rows;
    }
}
