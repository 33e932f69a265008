package io.werken.settings;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Reads typed settings by property key, collecting every problem (one per setting, naming its variable) instead of
 * stopping at the first, and remembering which variable each key was read for.
 */
final class SettingsReader {

    private final Function<String, String> properties;
    private final List<String> problems = new ArrayList<>();
    private final Map<String, String> variables = new LinkedHashMap<>();

    SettingsReader(Function<String, String> properties) {
        this.properties = properties;
    }

    List<String> problems() {
        return problems;
    }

    /** Variable -> property key, in the order they were read. */
    Map<String, String> variables() {
        return variables;
    }

    void problem(String problem) {
        problems.add(problem);
    }

    /** The raw value, "" when unset. */
    String string(String key, String variable) {
        variables.put(variable, key);
        String value = properties.apply(key);
        return value == null ? "" : value;
    }

    /** The value, null when unset or blank. */
    String optional(String key, String variable) {
        String value = string(key, variable);
        return value.isBlank() ? null : value.trim();
    }

    int integer(String key, String variable, int min, int max) {
        return (int) number(key, variable, min, max);
    }

    long number(String key, String variable, long min, long max) {
        String value = string(key, variable).trim();
        long n;
        try {
            n = Long.parseLong(value);
        } catch (NumberFormatException e) {
            problems.add(variable + " must be a whole number, not '" + value + "'");
            return min;
        }
        if (n < min || n > max) {
            problems.add(variable + " must be " + range(min, max) + ", not " + n);
            return min;
        }
        return n;
    }

    double positiveDecimal(String key, String variable, String unit) {
        String value = string(key, variable).trim();
        try {
            double d = Double.parseDouble(value);
            if (d > 0 && Double.isFinite(d)) {
                return d;
            }
            problems.add(variable + " must be above 0 (" + unit + "), not " + value);
        } catch (NumberFormatException e) {
            problems.add(variable + " must be a number above 0 (" + unit + "), not '" + value + "'");
        }
        return 1;
    }

    boolean bool(String key, String variable) {
        String value = string(key, variable).trim().toLowerCase(Locale.ROOT);
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> {
                problems.add(variable + " must be true or false, not '" + value + "'");
                yield false;
            }
        };
    }

    /** One of {@code choices} (case-insensitive, returned in lower case); {@code choices[0]} when wrong. */
    String choice(String key, String variable, String... choices) {
        String value = string(key, variable).trim().toLowerCase(Locale.ROOT);
        for (String choice : choices) {
            if (choice.equals(value)) {
                return choice;
            }
        }
        problems.add(variable + " must be " + String.join(" or ", choices) + ", not '" + value + "'");
        return choices[0];
    }

    Duration positiveDuration(String key, String variable) {
        String value = string(key, variable).trim();
        try {
            Duration duration = Duration.parse(value);
            if (!duration.isNegative() && !duration.isZero()) {
                return duration;
            }
            problems.add(variable + " must be a positive ISO-8601 duration such as P7D or PT12H, not '" + value + "'");
        } catch (DateTimeParseException e) {
            problems.add(variable + " must be an ISO-8601 duration such as P7D or PT12H, not '" + value + "'");
        }
        return Duration.ofDays(1);
    }

    private static String range(long min, long max) {
        if (max == Long.MAX_VALUE || max == Integer.MAX_VALUE) {
            return "at least " + min;
        }
        return min + ".." + max;
    }
}
