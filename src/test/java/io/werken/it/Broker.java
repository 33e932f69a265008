package io.werken.it;

import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Test access to the real RabbitMQ at {@code WERKEN_RABBITMQ_URI}: publish, read, count and delete queues. */
public final class Broker implements AutoCloseable {

    public static final String URI_VALUE =
            System.getenv().getOrDefault("WERKEN_RABBITMQ_URI", "amqp://guest:guest@localhost:5672/%2F");

    private final Connection connection;

    public Broker() {
        this(URI_VALUE);
    }

    /** A connection to another broker, e.g. a test's own {@link RabbitNode}. */
    public Broker(String uri) {
        try {
            ConnectionFactory factory = new ConnectionFactory();
            factory.setUri(URI.create(uri));
            connection = factory.newConnection("werken-tests");
        } catch (Exception e) {
            throw new IllegalStateException("RabbitMQ is not reachable at " + uri + " (start it, see README)", e);
        }
    }

    /** Takes (and acknowledges) every message the queue holds now, in order. */
    public List<GetResponse> drain(String queue) {
        List<GetResponse> messages = new ArrayList<>();
        try (Channel channel = connection.createChannel()) {
            for (GetResponse message = channel.basicGet(queue, true);
                    message != null;
                    message = channel.basicGet(queue, true)) {
                messages.add(message);
            }
            return messages;
        } catch (Exception e) {
            throw new IllegalStateException("Cannot drain " + queue, e);
        }
    }

    /** Messages ready in the queue (a passive declare). */
    public long depth(String queue) {
        try (Channel channel = connection.createChannel()) {
            return channel.queueDeclarePassive(queue).getMessageCount();
        } catch (Exception e) {
            throw new IllegalStateException("Cannot read depth of " + queue, e);
        }
    }

    /** Whether the queue exists (a passive declare). */
    public boolean queueExists(String queue) {
        try (Channel channel = connection.createChannel()) {
            channel.queueDeclarePassive(queue);
            return true;
        } catch (IOException e) {
            return false;
        } catch (Exception e) {
            throw new IllegalStateException("Cannot look for " + queue, e);
        }
    }

    /** Takes (and acknowledges) the next message of the queue, or null. */
    public GetResponse get(String queue) {
        try (Channel channel = connection.createChannel()) {
            return channel.basicGet(queue, true);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot get from " + queue, e);
        }
    }

    /** Looks at the next message of the queue and leaves it there (unacknowledged, so requeued on close), or null. */
    public GetResponse peek(String queue) {
        try (Channel channel = connection.createChannel()) {
            GetResponse message = channel.basicGet(queue, false);
            if (message != null) {
                channel.basicNack(message.getEnvelope().getDeliveryTag(), false, true);
            }
            return message;
        } catch (Exception e) {
            throw new IllegalStateException("Cannot peek at " + queue, e);
        }
    }

    /**
     * Takes the next message and closes the channel without acknowledging it, as a consumer whose process died or
     * lost its connection mid-work: the broker puts it back, marked redelivered. Returns it, or null if none was ready.
     */
    public GetResponse abandonNext(String queue) {
        try (Channel channel = connection.createChannel()) {
            return channel.basicGet(queue, false);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot take from " + queue, e);
        }
    }

    /** Waits until the queue holds {@code count} messages, then takes them in order. */
    public List<GetResponse> take(String queue, int count, Duration timeout) {
        await().atMost(timeout).until(() -> depth(queue) >= count);
        List<GetResponse> messages = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            messages.add(get(queue));
        }
        return messages;
    }

    /** Takes the next message and rejects it without requeueing, as a consumer that gave up on it would. */
    public void rejectNext(String queue) {
        try (Channel channel = connection.createChannel()) {
            GetResponse message = channel.basicGet(queue, false);
            if (message == null) {
                throw new IllegalStateException("No message on " + queue);
            }
            channel.basicReject(message.getEnvelope().getDeliveryTag(), false);
        } catch (IOException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("Cannot reject from " + queue, e);
        }
    }

    public void publish(String queue, AMQP.BasicProperties properties, byte[] body) {
        try (Channel channel = connection.createChannel()) {
            channel.confirmSelect();
            channel.basicPublish("", queue, true, properties, body);
            channel.waitForConfirmsOrDie(5_000);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot publish to " + queue, e);
        }
    }

    public void declareQueue(String queue, Map<String, Object> arguments) {
        try (Channel channel = connection.createChannel()) {
            channel.queueDeclare(queue, true, false, false, arguments);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot declare " + queue, e);
        }
    }

    public void delete(String... queues) {
        for (String queue : queues) {
            try (Channel channel = connection.createChannel()) {
                channel.queueDelete(queue);
            } catch (Exception e) {
                // already gone
            }
        }
    }

    @Override
    public void close() throws IOException {
        connection.close();
    }
}
