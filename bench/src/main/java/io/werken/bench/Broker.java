package io.werken.bench;

import java.io.IOException;
import java.util.concurrent.TimeoutException;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;

/** The bench's own AMQP connection: queue depths by passive declare (exact and immediate), purges and clean-up. */
final class Broker implements AutoCloseable {

    private final Connection connection;
    private final Channel channel;

    Broker(String uri) throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(uri);
        this.connection = factory.newConnection("werken-bench");
        this.channel = connection.createChannel();
    }

    String version() {
        return String.valueOf(connection.getServerProperties().get("version"));
    }

    /** Messages ready on {@code queue}; the management API's figures lag by seconds, a passive declare does not. */
    long depth(String queue) throws IOException {
        return channel.queueDeclarePassive(queue).getMessageCount();
    }

    void purge(String queue) throws IOException {
        channel.queuePurge(queue);
    }

    /** Deletes the queues and exchange a bench run declared; a missing one is no error. */
    void deleteQueues(String... queues) throws IOException, TimeoutException {
        for (String queue : queues) {
            try (Channel c = connection.createChannel()) {
                c.queueDelete(queue);
            }
        }
    }

    void deleteExchange(String exchange) throws IOException, TimeoutException {
        try (Channel c = connection.createChannel()) {
            c.exchangeDelete(exchange);
        }
    }

    @Override
    public void close() throws IOException {
        connection.close();
    }
}
