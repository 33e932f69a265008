package io.werken.settings;

import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code camel.server.*} keys Werken's own webhook server implements (host, port, max-body-size, and enabled,
 * which must stay false): any other key of Camel's own server (TLS, authentication, path, static files, uploads)
 * would silently do nothing, so a deployer who sets one is refused.
 */
final class CamelServerKeys {

    private static final String PREFIX = "camel.server.";
    private static final Set<String> IMPLEMENTED = Set.of("enabled", "host", "port", "maxbodysize");

    private CamelServerKeys() {}

    static void refuseUnimplemented(Set<String> keys, String enabled, SettingsReader reader) {
        Set<String> ignored = new TreeSet<>();
        for (String key : keys) {
            String name = key.startsWith("CAMEL_SERVER_") ? key : key.toLowerCase(Locale.ROOT);
            String rest;
            if (name.startsWith(PREFIX)) {
                rest = name.substring(PREFIX.length());
            } else if (name.startsWith("CAMEL_SERVER_")) {
                rest = name.substring("CAMEL_SERVER_".length()).toLowerCase(Locale.ROOT);
            } else {
                continue;
            }
            if (!IMPLEMENTED.contains(rest.replace("-", "").replace("_", ""))) {
                ignored.add(key);
            }
        }
        if (!ignored.isEmpty()) {
            reader.problem(String.join(", ", ignored) + (ignored.size() == 1 ? " is" : " are")
                    + " not implemented by Werken's webhook server, which reads camel.server.host, .port and "
                    + ".max-body-size only (WERKEN_HTTP_HOST, WERKEN_HTTP_PORT, WERKEN_MAX_BODY_BYTES): remove "
                    + (ignored.size() == 1 ? "it" : "them"));
        }
        if (enabled != null && !enabled.isBlank() && !enabled.trim().equalsIgnoreCase("false")) {
            reader.problem("camel.server.enabled must stay false: Werken runs the webhook server itself (on "
                    + "WERKEN_HTTP_HOST:WERKEN_HTTP_PORT), not '" + enabled.trim() + "'");
        }
    }
}
