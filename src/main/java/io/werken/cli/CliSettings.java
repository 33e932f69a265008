package io.werken.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.werken.broker.BrokerAddress;
import io.werken.embedded.EmbeddedBroker;

/**
 * The settings a command reads: Werken's own {@code application.properties}, with its {@code {{env:NAME:default}}}
 * placeholders resolved against the environment, so that a command finds what the server on this machine uses (the
 * same {@code WERKEN_*} variables, the same defaults).
 */
final class CliSettings {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{env:([A-Z0-9_]+):(.*)}}");

    private final Properties properties = new Properties();
    private final Function<String, String> env;

    CliSettings(Function<String, String> env) {
        this.env = env;
        try (InputStream in = CliSettings.class.getResourceAsStream("/application.properties")) {
            properties.load(in);
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("application.properties is missing from the classpath", e);
        }
    }

    /** The setting {@code key} as Werken would read it here. */
    String get(String key) {
        String value = properties.getProperty(key);
        if (value == null) {
            throw new IllegalArgumentException("No setting " + key);
        }
        Matcher m = PLACEHOLDER.matcher(value.trim());
        if (!m.matches()) {
            return value.trim();
        }
        String fromEnv = env.apply(m.group(1));
        return fromEnv != null && !fromEnv.isEmpty() ? fromEnv : m.group(2);
    }

    /** The environment, as given. */
    Function<String, String> environment() {
        return env;
    }

    /** An environment variable, or null when unset or blank. */
    String env(String name) {
        String value = env.apply(name);
        return value == null || value.isBlank() ? null : value;
    }

    /**
     * WERKEN_RABBITMQ_URI, or else the embedded broker of the Werken running on this machine (a command does not
     * start one: the events are in that Werken's broker). Of a cluster's nodes, the first that answers.
     */
    BrokerAddress broker() {
        String uri = get("werken.rabbitmq.uri");
        return uri.isBlank()
                ? BrokerAddress.embedded(EmbeddedBroker.uri(Integer.parseInt(get("werken.embedded.amqp-port"))))
                : BrokerAddress.rabbitMq(uri);
    }

    /**
     * The management API of the Werken on this machine: {@code http://<WERKEN_MANAGEMENT_HOST>:<WERKEN_MANAGEMENT_PORT>},
     * with 127.0.0.1 for a server listening on every interface (the default, 0.0.0.0).
     */
    String managementUrl() {
        String host = get("camel.management.host");
        if (host.isBlank() || host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
            host = "127.0.0.1";
        } else if (host.contains(":") && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        return "http://" + host + ":" + get("camel.management.port");
    }

    /** WERKEN_ADMIN_TOKEN, or null when none is set (the management port then answers loopback clients only). */
    String adminToken() {
        String token = get("werken.management.admin-token");
        return token.isBlank() ? null : token.trim();
    }
}
