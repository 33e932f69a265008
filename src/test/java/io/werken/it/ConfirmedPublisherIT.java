package io.werken.it;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import com.rabbitmq.client.GetResponse;
import io.werken.broker.ConfirmedPublisher;
import io.werken.broker.PublishFailedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The publisher behind every 202 and every acknowledged event, against the real broker's confirms, nacks and returns. */
class ConfirmedPublisherIT {

    private final String queue = "it-" + UUID.randomUUID().toString().substring(0, 8) + ".publish";
    private CachingConnectionFactory factory;
    private ConfirmedPublisher publisher;
    private Broker broker;

    @BeforeEach
    void connect() {
        factory = new CachingConnectionFactory(URI.create(Broker.URI_VALUE));
        factory.setPublisherConfirmType(CachingConnectionFactory.ConfirmType.CORRELATED);
        factory.setPublisherReturns(true);
        publisher = new ConfirmedPublisher(factory, Duration.ofSeconds(5));
        broker = new Broker();
    }

    @AfterEach
    void cleanUp() throws Exception {
        broker.delete(queue);
        broker.close();
        publisher.close();
        factory.destroy();
    }

    private static Message message(String id) {
        MessageProperties properties = new MessageProperties();
        properties.setMessageId(id);
        return new Message(id.getBytes(), properties);
    }

    @Test
    void aBatchIsOnTheQueueInOrderWhenPublishReturns() {
        broker.declareQueue(queue, Map.of());

        publisher.publish(queue, List.of(message("a"), message("b"), message("c")));

        // No waiting: returning means confirmed.
        assertThat(broker.depth(queue)).isEqualTo(3);
        assertThat(List.of(broker.get(queue), broker.get(queue), broker.get(queue)))
                .extracting(GetResponse::getProps).extracting(p -> p.getMessageId()).containsExactly("a", "b", "c");
    }

    @Test
    void aMessageTheBrokerRefusesFailsThePublish() {
        // A full queue that rejects new publishes makes the broker nack them.
        broker.declareQueue(queue, Map.of("x-max-length", 1, "x-overflow", "reject-publish"));
        publisher.publish(queue, message("fits"));

        assertThatThrownBy(() -> publisher.publish(queue, List.of(message("nacked"))))
                .isInstanceOf(PublishFailedException.class)
                .hasMessageContaining("refused message nacked");
    }

    @Test
    void aMessageNoQueueTakesFailsThePublish() {
        assertThatThrownBy(() -> publisher.publish(queue, message("lost")))
                .isInstanceOf(PublishFailedException.class)
                .hasMessageContaining("could not route message lost");
    }

    @Test
    void manyCallersAtOnceEachReturnOnlyOnceTheirOwnMessagesAreConfirmed() {
        broker.declareQueue(queue, Map.of());
        try (ConfirmedPublisher lanes = new ConfirmedPublisher(factory, Duration.ofSeconds(5), 2)) {
            List<CompletableFuture<Void>> calls = IntStream.range(0, 500)
                    .mapToObj(i -> lanes.publishAsync(queue, List.of(message(i + "-a"), message(i + "-b"))))
                    .toList();

            CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).join();
            assertThat(broker.depth(queue)).isEqualTo(1000);
        }
    }

    @Test
    void aLostConnectionFailsNoLaterPublish() {
        broker.declareQueue(queue, Map.of());
        publisher.publish(queue, message("before"));

        // Closes the connection, and with it the channel the publisher's lane holds.
        factory.resetConnection();

        publisher.publish(queue, message("after"));
        assertThat(broker.depth(queue)).isEqualTo(2);
    }

    @Test
    void aPublishAfterCloseFailsAtOnce() {
        broker.declareQueue(queue, Map.of());
        publisher.close();

        assertThatThrownBy(() -> publisher.publish(queue, message("late")))
                .isInstanceOf(PublishFailedException.class)
                .hasMessageContaining("stopping");
        assertThat(broker.depth(queue)).isZero();
    }

    @Test
    void aConnectionFactoryWithoutConfirmsIsRefused() {
        CachingConnectionFactory plain = new CachingConnectionFactory(URI.create(Broker.URI_VALUE));
        try {
            assertThatThrownBy(() -> new ConfirmedPublisher(plain, Duration.ofSeconds(1)))
                    .isInstanceOf(IllegalArgumentException.class);
        } finally {
            plain.destroy();
        }
    }
}
