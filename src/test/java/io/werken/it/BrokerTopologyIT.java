package io.werken.it;

import java.util.Map;
import java.util.UUID;

import io.werken.broker.BrokerTopology;
import io.werken.broker.QueueType;
import io.werken.broker.TopologyClashException;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Werken declares its own durable topology, and refuses to start against a queue declared differently. */
class BrokerTopologyIT {

    @Test
    void declaresDurableQueuesWithTheDeadLetterQueue() throws Exception {
        String prefix = "it-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        CachingConnectionFactory factory = new CachingConnectionFactory(java.net.URI.create(Broker.URI_VALUE));
        try (Broker broker = new Broker()) {
            new BrokerTopology(factory, prefix + "in", prefix + "out", "werken.dlx", QueueType.QUORUM).declare();
            try {
                assertThat(broker.depth(prefix + "in")).isZero();
                assertThat(broker.depth(prefix + "out")).isZero();
                assertThat(broker.depth(prefix + "in.dlq")).isZero();
                // Declaring again with the same settings is fine (it happens on every reconnect).
                new BrokerTopology(factory, prefix + "in", prefix + "out", "werken.dlx", QueueType.QUORUM).declare();
            } finally {
                broker.delete(prefix + "in", prefix + "out", prefix + "in.dlq");
            }
        } finally {
            factory.destroy();
        }
    }

    @Test
    void aQueueDeclaredDifferentlyIsAClearStartupError() throws Exception {
        String prefix = "it-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        CachingConnectionFactory factory = new CachingConnectionFactory(java.net.URI.create(Broker.URI_VALUE));
        try (Broker broker = new Broker()) {
            broker.declareQueue(prefix + "out", Map.of("x-queue-type", "quorum"));
            try {
                BrokerTopology topology = new BrokerTopology(factory, prefix + "in", prefix + "out", "werken.dlx", QueueType.CLASSIC);
                assertThatThrownBy(topology::declare)
                        .isInstanceOf(TopologyClashException.class)
                        .hasMessageContaining("Queue '" + prefix + "out' already exists")
                        .hasMessageContaining("WERKEN_QUEUE_TYPE")
                        .hasMessageContaining("x-queue-type");
            } finally {
                broker.delete(prefix + "in", prefix + "out", prefix + "in.dlq");
            }
        } finally {
            factory.destroy();
        }
    }

    @Test
    void werkenDoesNotStartAgainstAClashingQueue() throws Exception {
        String received = "it-" + UUID.randomUUID().toString().substring(0, 8) + ".received_webhooks";
        try (Broker broker = new Broker()) {
            broker.declareQueue(received, Map.of("x-queue-type", "quorum"));
            try {
                assertThatThrownBy(() -> RunningWerken.start(Map.of("werken.queue.received", received)).close())
                        .hasStackTraceContaining("Queue '" + received + "' already exists");
            } finally {
                broker.delete(received, received + ".dlq");
            }
        }
    }
}
