package io.werken.bench;

import java.io.IOException;
import java.util.concurrent.TimeoutException;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.ShutdownSignalException;

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

    /**
     * The queue's messages and consumers, or {@code null} if it does not exist. On a channel of its own: a passive
     * declare of a missing queue closes its channel.
     */
    AMQP.Queue.DeclareOk inspect(String queue) throws IOException, TimeoutException {
        Channel c = connection.createChannel();
        try {
            return c.queueDeclarePassive(queue);
        } catch (IOException e) {
            if (replyCode(e) == AMQP.NOT_FOUND) {
                return null;
            }
            throw e;
        } finally {
            if (c.isOpen()) {
                c.close();
            }
        }
    }

    /**
     * Deletes the queue only if it has no consumers and no messages, which the broker checks in the same step
     * ({@code if-unused}, {@code if-empty}); a missing queue counts as deleted. Returns false if the broker refused.
     */
    boolean deleteIfIdle(String queue) throws IOException, TimeoutException {
        Channel c = connection.createChannel();
        try {
            c.queueDelete(queue, true, true);
            return true;
        } catch (IOException e) {
            if (replyCode(e) == AMQP.PRECONDITION_FAILED) {
                return false;
            }
            throw e;
        } finally {
            if (c.isOpen()) {
                c.close();
            }
        }
    }

    private static int replyCode(IOException e) {
        return e.getCause() instanceof ShutdownSignalException signal
                && signal.getReason() instanceof AMQP.Channel.Close close ? close.getReplyCode() : -1;
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
