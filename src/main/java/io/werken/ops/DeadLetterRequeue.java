package io.werken.ops;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.werken.broker.BrokerAddress;
import io.werken.embedded.EmbeddedBroker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's re-queue command ({@code java -jar werken.jar requeue-dead-letters [--max N]}): moves dead-lettered
 * events from {@code <received queue>.dlq} back to the received queue, oldest first, for dispatch to try again, with
 * {@link DeadLetterQueue#requeue} (at least once: acknowledged on the dead-letter queue only once the broker confirmed
 * the re-publish; each event at most once per run, at most as many as the queue held when it started). The management port's {@code POST /dead-letters/requeue} does the same over HTTP.
 */
public final class DeadLetterRequeue {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterRequeue.class);

    private DeadLetterRequeue() {
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
        DeadLetterQueue queue = new DeadLetterQueue(broker(settings),
                settings.apply("werken.queue.received"),
                Integer.parseInt(settings.apply("werken.rabbitmq.connection-timeout-ms")));
        try {
            DeadLetterQueue.Requeued result = queue.requeue(max);
            if (result.stoppedBecause() != null) {
                LOG.error("Re-queue stopped after {} event(s): {}", result.moved(), result.stoppedBecause());
                return 1;
            }
            LOG.info("Re-queued {} dead-lettered event(s) from {} to {}", result.moved(), queue.name(),
                    queue.receivedQueue());
            return 0;
        } catch (Exception e) {
            LOG.error("Re-queue stopped: {}", e.getMessage());
            return 1;
        }
    }

    /**
     * WERKEN_RABBITMQ_URI, or else the embedded broker of the Werken running on this machine (the command does not
     * start one: the events are in that Werken's broker). Of a cluster's nodes, the first that answers.
     */
    static BrokerAddress broker(Function<String, String> settings) {
        String uri = settings.apply("werken.rabbitmq.uri");
        return uri.isBlank()
                ? BrokerAddress.embedded(EmbeddedBroker.uri(Integer.parseInt(settings.apply("werken.embedded.amqp-port"))))
                : BrokerAddress.rabbitMq(uri);
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
