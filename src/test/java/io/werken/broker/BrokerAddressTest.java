package io.werken.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.Address;
import io.werken.core.StartupRefusedException;
import org.junit.jupiter.api.Test;

/** WERKEN_RABBITMQ_URI: one node as before, or a comma-separated cluster whose nodes differ only in host and port. */
class BrokerAddressTest {

    @Test
    void oneUriIsOneNodeAsBefore() {
        BrokerAddress broker = BrokerAddress.rabbitMq(" amqp://guest:guest@localhost:5672/%2F ");

        assertThat(broker.cluster()).isFalse();
        assertThat(broker.uri()).hasToString("amqp://guest:guest@localhost:5672/%2F");
        assertThat(broker.embedded()).isFalse();
    }

    @Test
    void aCommaSeparatedListIsACluster() {
        BrokerAddress broker =
                BrokerAddress.rabbitMq("amqp://u:p@rabbit-1:5672/v,amqp://u:p@rabbit-2:5673/v, amqp://u:p@rabbit-3/v,");

        assertThat(broker.cluster()).isTrue();
        assertThat(broker.uri()).hasToString("amqp://u:p@rabbit-1:5672/v");
        assertThat(broker.hostsAndPorts()).isEqualTo("rabbit-1:5672,rabbit-2:5673,rabbit-3");
        assertThat(broker.addresses())
                .containsExactly(new Address("rabbit-1", 5672), new Address("rabbit-2", 5673), new Address("rabbit-3"));
    }

    @Test
    void nodesThatDifferInMoreThanHostAndPortAreRefused() {
        assertThatThrownBy(() -> BrokerAddress.rabbitMq("amqp://u:p@a/v,amqp://u:other@b/v"))
                .isInstanceOf(StartupRefusedException.class)
                .hasMessageContaining("WERKEN_RABBITMQ_URI")
                .hasMessageContaining("differs")
                .hasMessageNotContaining("other");
        assertThatThrownBy(() -> BrokerAddress.rabbitMq("amqp://u:p@a/v,amqp://u:p@b/w"))
                .isInstanceOf(StartupRefusedException.class);
        assertThatThrownBy(() -> BrokerAddress.rabbitMq("amqp://u:p@a/v,amqps://u:p@b/v"))
                .isInstanceOf(StartupRefusedException.class);
    }

    @Test
    void somethingElseThanAnAmqpUriIsRefused() {
        assertThatThrownBy(() -> BrokerAddress.rabbitMq("rabbit-1:5672,rabbit-2:5672"))
                .isInstanceOf(StartupRefusedException.class)
                .hasMessageContaining("amqp://");
        assertThatThrownBy(() -> BrokerAddress.rabbitMq(" , "))
                .isInstanceOf(StartupRefusedException.class)
                .hasMessageContaining("names no broker");
    }
}
