package io.werken.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.werken.broker.BrokerAddress;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The ready line's broker and journal: where they are, never with credentials. */
class ReadyConfigurationTest {

    @Test
    void theBrokerWithoutCredentials() {
        assertThat(ReadyConfiguration.broker(BrokerAddress.embedded("amqp://guest:guest@127.0.0.1:5672/%2F")))
                .isEqualTo("embedded amqp://127.0.0.1:5672");
        assertThat(ReadyConfiguration.broker(BrokerAddress.rabbitMq("amqp://werken:s3cret@rabbit:5673/prod")))
                .isEqualTo("RabbitMQ rabbit:5673/prod");
        assertThat(ReadyConfiguration.broker(
                        BrokerAddress.rabbitMq("amqps://u:p@a.example/%2F,amqps://u:p@b.example:5679/%2F")))
                .isEqualTo("RabbitMQ a.example:5671,b.example:5679/%2F");
    }

    @Test
    void theJournalWithoutCredentials() {
        assertThat(ReadyConfiguration.journal(false, "", "./werken-data")).isEqualTo("off");
        assertThat(ReadyConfiguration.journal(true, "", "/var/lib/werken"))
                .isEqualTo("embedded H2 at " + Path.of("/var/lib/werken/journal"));
        assertThat(ReadyConfiguration.journal(true, "jdbc:postgresql://db.example:5432/werken?user=w&password=p", ""))
                .isEqualTo("PostgreSQL db.example:5432/werken");
    }
}
