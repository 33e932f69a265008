package io.werken.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.werken.broker.BrokerAddress;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The commands read the same settings, with the same defaults, as Werken itself. */
class CliSettingsTest {

    @Test
    void usesApplicationPropertiesDefaults() {
        CliSettings settings = new CliSettings(name -> null);

        assertThat(settings.settings().broker().rabbitMqUri()).isNull();
        assertThat(settings.broker().uri()).hasToString("amqp://guest:guest@127.0.0.1:5672/%2F");
        assertThat(settings.settings().queues().received()).isEqualTo("received_webhooks");
    }

    @Test
    void withoutARabbitMqUriItUsesTheEmbeddedBrokerOnItsPort() {
        CliSettings settings = new CliSettings(Map.of("WERKEN_EMBEDDED_AMQP_PORT", "5999")::get);

        assertThat(settings.broker().uri()).hasToString("amqp://guest:guest@127.0.0.1:5999/%2F");
    }

    @Test
    void environmentVariablesWin() {
        Map<String, String> env =
                Map.of("WERKEN_RABBITMQ_URI", "amqp://u:p@broker:5673/v", "WERKEN_QUEUE_RECEIVED", "events");
        CliSettings settings = new CliSettings(env::get);

        assertThat(settings.broker().uri()).hasToString("amqp://u:p@broker:5673/v");
        assertThat(settings.settings().queues().received()).isEqualTo("events");
    }

    @Test
    void systemPropertiesOverrideApplicationPropertiesAsTheyDoForTheServer() {
        System.setProperty("werken.queue.received", "from-a-system-property");
        System.setProperty("camel.management.port", "19877");
        try {
            CliSettings settings = new CliSettings(Map.of("WERKEN_QUEUE_RECEIVED", "events")::get);

            assertThat(settings.settings().queues().received()).isEqualTo("from-a-system-property");
            assertThat(settings.managementUrl()).isEqualTo("http://127.0.0.1:19877");
        } finally {
            System.clearProperty("werken.queue.received");
            System.clearProperty("camel.management.port");
        }
    }

    @Test
    void aWrongSettingRefusesTheCommandWithEveryProblem() {
        CliSettings settings =
                new CliSettings(Map.of("WERKEN_EMBEDDED_AMQP_PORT", "70000", "WERKEN_DISPATCH_CONSUMERS", "0")::get);

        assertThatThrownBy(settings::broker)
                .hasMessage(
                        "2 settings are wrong: "
                                + "WERKEN_EMBEDDED_AMQP_PORT must be 0..65535, not 70000; WERKEN_DISPATCH_CONSUMERS must be 1..1024, not 0");
    }

    @Test
    void aClusterIsEveryNodeOfTheUriList() {
        CliSettings settings =
                new CliSettings(Map.of("WERKEN_RABBITMQ_URI", "amqp://u:p@a:5672/v, amqp://u:p@b:5673/v")::get);

        BrokerAddress broker = settings.broker();
        assertThat(broker.cluster()).isTrue();
        assertThat(broker.hostsAndPorts()).isEqualTo("a:5672,b:5673");
    }

    @Test
    void theManagementApiIsOnLoopbackUnlessTheServerListensOnOneAddress() {
        assertThat(new CliSettings(name -> null).managementUrl()).isEqualTo("http://127.0.0.1:9876");
        assertThat(new CliSettings(Map.of("WERKEN_MANAGEMENT_PORT", "19876")::get).managementUrl())
                .isEqualTo("http://127.0.0.1:19876");
        assertThat(new CliSettings(Map.of("WERKEN_MANAGEMENT_HOST", "10.0.0.5")::get).managementUrl())
                .isEqualTo("http://10.0.0.5:9876");
        assertThat(new CliSettings(name -> null).adminToken()).isNull();
        assertThat(new CliSettings(Map.of("WERKEN_ADMIN_TOKEN", "s3cret")::get).adminToken())
                .isEqualTo("s3cret");
    }

    @Test
    void theBrokerIsNamedWithoutItsPassword() {
        assertThat(new CliSettings(Map.of("WERKEN_RABBITMQ_URI", "amqp://u:p@broker:5673/v")::get)
                        .broker()
                        .withoutCredentials())
                .isEqualTo("amqp://broker:5673/v");
        assertThat(new CliSettings(name -> null).broker().withoutCredentials()).isEqualTo("amqp://127.0.0.1:5672/%2F");
    }
}
