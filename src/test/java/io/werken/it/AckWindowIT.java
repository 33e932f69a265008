package io.werken.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DeliverCallback;
import com.rabbitmq.client.GetResponse;
import io.werken.dispatch.AckWindow;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The ack window on a real consumer channel: five events delivered, the third still unconfirmed (or failed) while the
 * others are confirmed. A crash mid-window must leave every unconfirmed event with the broker; a failure is
 * dead-lettered alone; and the channel survives every ack the window sends (a tag settled twice would close it).
 */
class AckWindowIT {

    private final String queue = "it-" + UUID.randomUUID().toString().substring(0, 8) + ".acks";
    private final String deadLetters = queue + ".dlq";
    private final Map<String, Long> tags = new ConcurrentHashMap<>();

    private Broker broker;
    private Connection connection;
    private Channel channel;
    private AckWindow window;

    @BeforeEach
    void consumeFiveEvents() throws Exception {
        broker = new Broker();
        broker.declareQueue(deadLetters, Map.of());
        broker.declareQueue(queue, Map.of("x-dead-letter-exchange", "", "x-dead-letter-routing-key", deadLetters));
        for (int i = 1; i <= 5; i++) {
            broker.publish(
                    queue, new AMQP.BasicProperties.Builder().messageId("e" + i).build(), new byte[0]);
        }
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(Broker.URI_VALUE);
        connection = factory.newConnection("ack-window-it");
        channel = connection.createChannel();
        channel.basicQos(10);
        // The adapter take-delivery uses.
        window = new AckWindow(AckWindow.Channel.of(channel));
        channel.addShutdownListener(cause -> window.closed());
        DeliverCallback taken = (consumerTag, delivery) -> {
            // As take-delivery does: on the channel's own consumer thread, in delivery order.
            window.taken(delivery.getEnvelope().getDeliveryTag());
            tags.put(
                    delivery.getProperties().getMessageId(),
                    delivery.getEnvelope().getDeliveryTag());
        };
        channel.basicConsume(queue, false, taken, consumerTag -> {});
        await().until(() -> tags.size() == 5);
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (connection.isOpen()) {
            connection.close();
        }
        broker.delete(queue, deadLetters);
        broker.close();
    }

    private void confirm(String... events) {
        for (String event : events) {
            window.confirmed(tags.get(event));
        }
    }

    private static List<String> ids(List<GetResponse> messages) {
        return messages.stream().map(m -> m.getProps().getMessageId()).sorted().toList();
    }

    @Test
    void aCrashMidWindowLeavesEveryUnconfirmedEventAndThoseWaitingBehindItWithTheBroker() throws Exception {
        confirm("e1", "e2", "e4", "e5");

        // The connection dies with e3's confirm outstanding; its confirm arrives afterwards.
        connection.abort();
        confirm("e3");

        await().until(() -> broker.depth(queue) == 3);
        assertThat(ids(broker.drain(queue))).containsExactly("e3", "e4", "e5");
        assertThat(broker.depth(deadLetters)).isZero();
    }

    @Test
    void aFailureMidWindowIsDeadLetteredAloneAndTheConfirmedEventsAfterItAreAcknowledgedOnce() throws Exception {
        confirm("e1", "e2", "e4", "e5");
        assertThat(window.open()).isEqualTo(3);

        window.failed(tags.get("e3"));

        await().until(() -> broker.depth(deadLetters) == 1);
        assertThat(ids(broker.drain(deadLetters))).containsExactly("e3");
        assertThat(window.open()).isZero();
        // A round trip on the channel: an ack of a tag already settled would have closed it by now.
        channel.queueDeclarePassive(queue);
        assertThat(channel.isOpen()).isTrue();
        connection.close();
        assertThat(broker.depth(queue))
                .as("nothing handed back: all five settled")
                .isZero();
    }
}
