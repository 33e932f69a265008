package io.werken.cli;

import io.werken.broker.BrokerAddress;
import io.werken.embedded.EmbeddedBroker;
import io.werken.settings.ApplicationProperties;
import io.werken.settings.Settings;
import java.util.function.Function;

/**
 * The settings a command reads: the server's {@link Settings}, built the same way from Werken's own
 * {@code application.properties} (system properties override it; its {@code {{env:NAME:default}}} placeholders read
 * the environment), so that a command finds what the server on this machine uses. Built on first use, so that a
 * command that needs none (help) is not refused for a wrong setting.
 */
final class CliSettings {

    private final Function<String, String> env;
    private Settings settings;

    CliSettings(Function<String, String> env) {
        this.env = env;
    }

    /** The settings, checked as the server checks them (a wrong one refuses the command, every problem in one line). */
    synchronized Settings settings() {
        if (settings == null) {
            settings = Settings.from(ApplicationProperties.standalone(env));
        }
        return settings;
    }

    /** The environment, as given. */
    Function<String, String> environment() {
        return env;
    }

    /**
     * WERKEN_RABBITMQ_URI, or else the embedded broker of the Werken running on this machine (a command does not
     * start one: the events are in that Werken's broker). Of a cluster's nodes, the first that answers.
     */
    BrokerAddress broker() {
        Settings.Broker broker = settings().broker();
        return broker.embedded()
                ? BrokerAddress.embedded(EmbeddedBroker.uri(broker.embeddedAmqpPort()))
                : BrokerAddress.rabbitMq(broker.rabbitMqUri());
    }

    /**
     * The management API of the Werken on this machine: {@code http://<WERKEN_MANAGEMENT_HOST>:<WERKEN_MANAGEMENT_PORT>},
     * with 127.0.0.1 for a server listening on every interface (the default, 0.0.0.0).
     */
    String managementUrl() {
        String host = settings().management().host();
        if (host.isBlank() || host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
            host = "127.0.0.1";
        } else if (host.contains(":") && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        return "http://" + host + ":" + settings().management().port();
    }

    /** WERKEN_ADMIN_TOKEN, or null when none is set (the management port then answers loopback clients only). */
    String adminToken() {
        return settings().management().adminToken();
    }
}
