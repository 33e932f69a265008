package io.werken.ops;

import java.util.Map;
import java.util.function.Function;

import io.werken.broker.BrokerAddress;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The re-queue command reads the same settings, with the same defaults, as Werken itself. */
class DeadLetterRequeueTest {

    @Test
    void usesApplicationPropertiesDefaults() {
        Function<String, String> settings = DeadLetterRequeue.settings(name -> null);

        assertThat(settings.apply("werken.rabbitmq.uri")).isEmpty();
        assertThat(DeadLetterRequeue.broker(settings).uri()).hasToString("amqp://guest:guest@127.0.0.1:5672/%2F");
        assertThat(settings.apply("werken.queue.received")).isEqualTo("received_webhooks");
    }

    @Test
    void withoutARabbitMqUriItUsesTheEmbeddedBrokerOnItsPort() {
        Function<String, String> settings = DeadLetterRequeue.settings(Map.of("WERKEN_EMBEDDED_AMQP_PORT", "5999")::get);

        assertThat(DeadLetterRequeue.broker(settings).uri()).hasToString("amqp://guest:guest@127.0.0.1:5999/%2F");
    }

    @Test
    void environmentVariablesWin() {
        Map<String, String> env = Map.of("WERKEN_RABBITMQ_URI", "amqp://u:p@broker:5673/v", "WERKEN_QUEUE_RECEIVED", "events");
        Function<String, String> settings = DeadLetterRequeue.settings(env::get);

        assertThat(DeadLetterRequeue.broker(settings).uri()).hasToString("amqp://u:p@broker:5673/v");
        assertThat(settings.apply("werken.queue.received")).isEqualTo("events");
    }

    @Test
    void aClusterIsEveryNodeOfTheUriList() {
        Function<String, String> settings = DeadLetterRequeue.settings(
                Map.of("WERKEN_RABBITMQ_URI", "amqp://u:p@a:5672/v, amqp://u:p@b:5673/v")::get);

        BrokerAddress broker = DeadLetterRequeue.broker(settings);
        assertThat(broker.cluster()).isTrue();
        assertThat(broker.hostsAndPorts()).isEqualTo("a:5672,b:5673");
    }

    @Test
    void aBadArgumentIsAUsageError() {
        assertThat(DeadLetterRequeue.run(new String[] { "--everything" })).isEqualTo(2);
    }
}
