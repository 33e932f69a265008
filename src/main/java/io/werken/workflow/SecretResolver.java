package io.werken.workflow;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;

/**
 * Turns a secret reference from {@code workflows.json} into the secret: {@code env:NAME} reads an environment
 * variable, {@code file:PATH} a file (one trailing line break dropped, as secret files usually end with one).
 * Errors name the reference, never a value.
 */
public final class SecretResolver {

    private final Function<String, String> environment;

    public SecretResolver(Function<String, String> environment) {
        this.environment = environment;
    }

    public static SecretResolver fromEnvironment() {
        return new SecretResolver(System::getenv);
    }

    /** For tests: environment variables from a map. */
    public static SecretResolver of(Map<String, String> environment) {
        return new SecretResolver(environment::get);
    }

    /** The secret {@code reference} names; IllegalArgumentException with a one-line reason if there is none. */
    public String resolve(String reference) {
        if (reference.startsWith("env:")) {
            String name = reference.substring(4);
            if (name.isEmpty()) {
                throw new IllegalArgumentException("secret reference '" + reference + "' names no variable");
            }
            String value = environment.apply(name);
            if (value == null || value.isEmpty()) {
                throw new IllegalArgumentException(
                        "secret " + reference + ": environment variable " + name + " is not set or empty");
            }
            return value;
        }
        if (reference.startsWith("file:")) {
            Path path = Path.of(reference.substring(5));
            String value;
            try {
                value = Files.readString(path, StandardCharsets.UTF_8);
            } catch (IOException | RuntimeException e) {
                throw new IllegalArgumentException("secret " + reference + ": cannot read " + path + " ("
                        + e.getClass().getSimpleName() + ")");
            }
            if (value.endsWith("\n")) {
                value = value.substring(0, value.length() - (value.endsWith("\r\n") ? 2 : 1));
            }
            if (value.isEmpty()) {
                throw new IllegalArgumentException("secret " + reference + ": the file is empty");
            }
            return value;
        }
        throw new IllegalArgumentException("secret reference '" + abbreviate(reference)
                + "' must be env:NAME or file:PATH (write references, never secret values)");
    }

    private static String abbreviate(String reference) {
        // A value pasted where a reference belongs must not end up in the log.
        return reference.length() <= 4 ? reference : reference.substring(0, 4) + "...";
    }
}
