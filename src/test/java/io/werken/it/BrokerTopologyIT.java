package io.werken.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.GetResponse;
import io.werken.broker.BrokerTopology;
import io.werken.broker.QueueType;
import io.werken.broker.TopologyClashException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;

/** Werken declares its own durable topology, and refuses to start against a queue declared differently. */
class BrokerTopologyIT {

    private final String prefix = "it-" + UUID.randomUUID().toString().substring(0, 8) + ".";
    private final String in = prefix + "in";
    private final String out = prefix + "out";
    private final String dlq = in + ".dlq";
    private CachingConnectionFactory factory;
    private Broker broker;

    @BeforeEach
    void connect() {
        factory = new CachingConnectionFactory(URI.create(Broker.URI_VALUE));
        broker = new Broker();
    }

    @AfterEach
    void cleanUp() throws Exception {
        broker.delete(in, out, dlq);
        broker.close();
        factory.destroy();
    }

    private BrokerTopology topology(QueueType type) {
        return new BrokerTopology(
                factory, in, out, "werken.dlx", type, BrokerTopology.DEFAULT_DELIVERY_LIMIT, Set.of());
    }

    @Test
    void declaresDurableQueuesWithTheirDeadLetterArguments() {
        topology(QueueType.CLASSIC).declare();

        // A redeclaration with exactly these settings succeeds only if the queues have them.
        broker.declareQueue(in, Map.of("x-dead-letter-exchange", "werken.dlx", "x-dead-letter-routing-key", dlq));
        broker.declareQueue(out, Map.of());
        broker.declareQueue(dlq, Map.of());
        // Declaring again is fine: it happens on every reconnect.
        topology(QueueType.CLASSIC).declare();
    }

    @Test
    void quorumQueuesWhenAskedFor() {
        topology(QueueType.QUORUM).declare();

        broker.declareQueue(out, Map.of("x-queue-type", "quorum"));
        // A quorum queue refuses a redeclaration with other arguments: this one holds only with the delivery limit.
        broker.declareQueue(
                in,
                Map.of(
                        "x-queue-type",
                        "quorum",
                        "x-dead-letter-exchange",
                        "werken.dlx",
                        "x-dead-letter-routing-key",
                        dlq,
                        "x-delivery-limit",
                        BrokerTopology.DEFAULT_DELIVERY_LIMIT));
        // And Werken's own redeclaration, on every reconnect, holds too.
        topology(QueueType.QUORUM).declare();
    }

    @Test
    void aQuorumEventRedeliveredPastTheLimitIsDeadLetteredWithTheReason() throws Exception {
        topology(QueueType.QUORUM).declare();
        broker.publish(
                in,
                new AMQP.BasicProperties.Builder()
                        .messageId("poison-1")
                        .deliveryMode(2)
                        .build(),
                "{}".getBytes());

        // As a consumer that never gets through it would: taken and handed back, again and again.
        int deliveries = 0;
        while (deliveries <= BrokerTopology.DEFAULT_DELIVERY_LIMIT + 1) {
            // The requeue of the last look is asynchronous: wait until the event is back, or dead-lettered.
            await().atMost(java.time.Duration.ofSeconds(10)).until(() -> broker.depth(in) + broker.depth(dlq) > 0);
            if (broker.peek(in) == null) {
                break;
            }
            deliveries++;
        }

        GetResponse dead = broker.take(dlq, 1, java.time.Duration.ofSeconds(10)).get(0);
        assertThat(dead.getProps().getMessageId()).isEqualTo("poison-1");
        assertThat(dead.getProps().getHeaders().get("x-death").toString()).contains("reason=delivery_limit");
        assertThat(broker.depth(in)).isZero();
        assertThat(deliveries)
                .as("deliveries before the broker dead-lettered it")
                .isBetween(BrokerTopology.DEFAULT_DELIVERY_LIMIT, BrokerTopology.DEFAULT_DELIVERY_LIMIT + 1);
    }

    @Test
    void aRejectedEventReachesTheDeadLetterQueueThroughTheBroker() throws Exception {
        topology(QueueType.CLASSIC).declare();
        broker.publish(
                in, new AMQP.BasicProperties.Builder().messageId("rejected-1").build(), "{}".getBytes());

        broker.rejectNext(in);

        GetResponse dead = broker.take(dlq, 1, java.time.Duration.ofSeconds(10)).get(0);
        assertThat(dead.getProps().getMessageId()).isEqualTo("rejected-1");
        assertThat(dead.getProps().getHeaders()).containsKey("x-death");
    }

    @Test
    void aQueueDeclaredDifferentlyIsAClearStartupError() {
        broker.declareQueue(out, Map.of("x-queue-type", "quorum"));

        assertThatThrownBy(topology(QueueType.CLASSIC)::declare)
                .isInstanceOf(TopologyClashException.class)
                .hasMessageContaining("Queue '" + out + "' already exists")
                .hasMessageContaining("WERKEN_QUEUE_TYPE")
                .hasMessageContaining("x-queue-type");
    }

    @Test
    void aDeclarationThatFailedOnANewConnectionIsTriedAgainUntilItHolds() {
        BrokerTopology topology = topology(QueueType.CLASSIC);
        topology.declareAtStartup(factory);
        assertThat(topology.declarationProblem()).isNull();

        // The connection is replaced, and the declaration on the new one fails: here a queue changed meanwhile (in
        // ClusterFailoverIT, the node it was declared on went away under it). Spring keeps the new connection.
        broker.delete(out);
        broker.declareQueue(out, Map.of("x-queue-type", "quorum"));
        factory.resetConnection();
        factory.createConnection();
        assertThat(topology.declarationProblem()).contains("Could not declare Werken's queues");
        assertThat(topology.redeclareIfFailed()).as("still clashing").isNotNull();

        // Fixed on the broker's side: the next check declares again, on the same connection, and Werken is whole.
        broker.delete(out);
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> topology.redeclareIfFailed() == null);
        assertThat(topology.declarationProblem()).isNull();
        // Declared as Werken wants it: a classic queue again.
        broker.declareQueue(out, Map.of());
    }

    @Test
    void aRunningWerkenDeclaresAgainByItselfOnceAFailedDeclarationCanHold() throws Exception {
        try (RunningWerken werken = RunningWerken.start()) {
            CachingConnectionFactory werkens =
                    werken.context().getRegistry().findSingleByType(CachingConnectionFactory.class);
            assertThat(werken.metric("werken_broker_up")).isEqualTo("1.0");

            // A queue of Werken's is declared otherwise on the broker, and Werken's connection is replaced: the
            // declaration on the new connection fails, and Werken says so.
            broker.delete(werken.actionsQueue);
            broker.declareQueue(werken.actionsQueue, Map.of("x-max-length", 7));
            werkens.resetConnection();
            werkens.createConnection();
            assertThat(werken.metric("werken_broker_up"))
                    .as("with a clashing queue")
                    .isEqualTo("0.0");

            // Fixed on the broker's side. Nothing asks for Werken's health here: it declares again by itself, and the
            // gauge (what an operator's alert reads) comes back.
            broker.delete(werken.actionsQueue);
            await().atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> werken.metric("werken_broker_up").equals("1.0"));
        }
    }

    @Test
    void werkenDoesNotStartAgainstAClashingQueue() {
        broker.declareQueue(in, Map.of("x-queue-type", "quorum"));

        assertThatThrownBy(() ->
                        RunningWerken.start(Map.of("werken.queue.received", in)).close())
                .hasStackTraceContaining("Queue '" + in + "' already exists");
    }
}
