package io.werken.ops;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import io.werken.broker.AmqpMessages;
import io.werken.broker.BrokerTopology;
import io.werken.embedded.EmbeddedBroker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's re-queue command ({@code java -jar werken.jar requeue-dead-letters [--max N]}): moves dead-lettered
 * events from {@code <received queue>.dlq} back to the received queue, oldest first, for dispatch to try again.
 * <p>
 * At least once: each event is acknowledged on the dead-letter queue only after the broker confirmed its re-publish,
 * so a crash in between leaves it in both queues, never in neither (workers deduplicate on {@code action_id}, which is
 * unchanged because the {@code event_id} is). The {@code x-werken-dead-letter-*} and {@code x-death} headers are
 * stripped; the body and the message id are kept as they were.
 */
public final class DeadLetterRequeue {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterRequeue.class);
    private static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(10);

    private final URI brokerUri;
    private final String receivedQueue;

    public DeadLetterRequeue(URI brokerUri, String receivedQueue) {
        this.brokerUri = brokerUri;
        this.receivedQueue = receivedQueue;
    }

    /** The command line: settings from the same WERKEN_* variables (and defaults) as Werken itself. */
    public static int run(String[] args) {
        long max = Long.MAX_VALUE;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--max") && i + 1 < args.length) {
                max = Long.parseLong(args[++i]);
            } else {
                System.err.println("usage: java -jar werken.jar requeue-dead-letters [--max N]");
                return 2;
            }
        }
        Function<String, String> settings = settings(System::getenv);
        DeadLetterRequeue requeue = new DeadLetterRequeue(URI.create(brokerUri(settings)),
                settings.apply("werken.queue.received"));
        try {
            long moved = requeue.move(max);
            LOG.info("Re-queued {} dead-lettered event(s) from {} to {}", moved,
                    BrokerTopology.deadLetterQueue(requeue.receivedQueue), requeue.receivedQueue);
            return 0;
        } catch (Exception e) {
            LOG.error("Re-queue stopped: {}", e.getMessage());
            return 1;
        }
    }

    /**
     * WERKEN_RABBITMQ_URI, or else the embedded broker of the Werken running on this machine (the command does not
     * start one: the events are in that Werken's broker).
     */
    static String brokerUri(Function<String, String> settings) {
        String uri = settings.apply("werken.rabbitmq.uri");
        return uri.isBlank() ? EmbeddedBroker.uri(Integer.parseInt(settings.apply("werken.embedded.amqp-port"))) : uri;
    }

    /** Moves at most {@code max} events; returns how many were moved. */
    public long move(long max) throws Exception {
        String deadLetterQueue = BrokerTopology.deadLetterQueue(receivedQueue);
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(brokerUri);
        try (Connection connection = factory.newConnection("werken-requeue");
             Channel channel = connection.createChannel()) {
            channel.confirmSelect();
            AtomicReference<String> returned = new AtomicReference<>();
            channel.addReturnListener(r -> returned.set(r.getReplyText()));
            long moved = 0;
            while (moved < max) {
                GetResponse message = channel.basicGet(deadLetterQueue, false);
                if (message == null) {
                    break;
                }
                long tag = message.getEnvelope().getDeliveryTag();
                String eventId = message.getProps().getMessageId();
                channel.basicPublish("", receivedQueue, true, requeued(message.getProps()), message.getBody());
                try {
                    channel.waitForConfirmsOrDie(CONFIRM_TIMEOUT.toMillis());
                } catch (IOException | RuntimeException e) {
                    throw new IllegalStateException("event_id=" + eventId + " was not confirmed on " + receivedQueue
                            + "; it stays on " + deadLetterQueue, e);
                }
                if (returned.get() != null) {
                    channel.basicNack(tag, false, true);
                    throw new IllegalStateException("Queue " + receivedQueue + " does not exist (" + returned.get()
                            + "); event_id=" + eventId + " stays on " + deadLetterQueue);
                }
                channel.basicAck(tag, false);
                moved++;
                LOG.info("Re-queued event_id={} to {}", eventId, receivedQueue);
            }
            return moved;
        }
    }

    private static AMQP.BasicProperties requeued(AMQP.BasicProperties dead) {
        Map<String, Object> headers = new HashMap<>(dead.getHeaders() == null ? Map.of() : dead.getHeaders());
        headers.keySet().removeIf(name -> name.startsWith("x-werken-") || name.equals(AmqpMessages.ORIGINAL_QUEUE)
                || name.startsWith("x-death") || name.startsWith("x-first-death") || name.startsWith("x-last-death"));
        return dead.builder()
                .headers(headers)
                .type("webhook.received")
                .deliveryMode(2)
                .build();
    }

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{env:([A-Z0-9_]+):(.*)}}");

    /** application.properties with its {{env:NAME:default}} placeholders resolved against {@code env}. */
    static Function<String, String> settings(Function<String, String> env) {
        Properties properties = new Properties();
        try (InputStream in = DeadLetterRequeue.class.getResourceAsStream("/application.properties")) {
            properties.load(in);
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("application.properties is missing from the classpath", e);
        }
        return key -> {
            String value = properties.getProperty(key);
            if (value == null) {
                throw new IllegalArgumentException("No setting " + key);
            }
            Matcher m = PLACEHOLDER.matcher(value.trim());
            if (!m.matches()) {
                return value.trim();
            }
            String fromEnv = env.apply(m.group(1));
            return fromEnv != null && !fromEnv.isEmpty() ? fromEnv : m.group(2);
        };
    }
}
