package io.werken.broker;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.AmqpConnectException;
import org.springframework.amqp.AmqpException;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.DirectExchange;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.Connection;
import org.springframework.amqp.rabbit.connection.ConnectionListener;
import org.springframework.amqp.rabbit.core.RabbitAdmin;

/**
 * The queues and exchanges Werken owns, declared at startup and again on every reconnect (a broker that lost them,
 * or started empty, gets them back):
 * <ul>
 * <li>{@code received_webhooks}: durable, dead-letters to {@code werken.dlx} with routing key {@code received_webhooks.dlq};</li>
 * <li>{@code required_actions}: durable;</li>
 * <li>every queue a workflow's action names ({@code "queue"}): durable, of the same type as {@code required_actions};</li>
 * <li>{@code werken.dlx} (direct, durable) bound to {@code received_webhooks.dlq} (durable).</li>
 * </ul>
 * A queue that already exists with other arguments is a configuration clash: it fails startup with a message that
 * says which queue and what differs.
 */
public final class BrokerTopology implements ConnectionListener {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerTopology.class);

    private final RabbitAdmin admin;
    private final String receivedQueue;
    private final String actionsQueue;
    private final String deadLetterExchange;
    private final QueueType queueType;
    private volatile Set<String> actionQueues;
    private final AtomicBoolean declaredOnCurrentConnection = new AtomicBoolean();
    private volatile String declarationProblem;

    public BrokerTopology(CachingConnectionFactory connectionFactory, String receivedQueue, String actionsQueue,
                          String deadLetterExchange, QueueType queueType) {
        this(connectionFactory, receivedQueue, actionsQueue, deadLetterExchange, queueType, Set.of());
    }

    /** With {@code actionQueues}, the queues the workflows' actions name besides {@code actionsQueue}. */
    public BrokerTopology(CachingConnectionFactory connectionFactory, String receivedQueue, String actionsQueue,
                          String deadLetterExchange, QueueType queueType, Set<String> actionQueues) {
        this.actionQueues = withoutDefault(actionQueues, actionsQueue);
        this.admin = new RabbitAdmin(connectionFactory);
        this.receivedQueue = receivedQueue;
        this.actionsQueue = actionsQueue;
        this.deadLetterExchange = deadLetterExchange;
        this.queueType = queueType;
    }

    private static Set<String> withoutDefault(Set<String> queues, String actionsQueue) {
        Set<String> named = new TreeSet<>(queues);
        named.remove(actionsQueue);
        return java.util.Collections.unmodifiableSet(named);
    }

    /**
     * Declares the action queues of reloaded workflows, before they are put in use, and declares them again on every
     * new connection from then on. Throws if the broker cannot declare one (the reload is then refused); queues that
     * are no longer named are left on the broker, with whatever actions they still hold.
     */
    public void declareActionQueues(Set<String> queues) {
        Set<String> next = withoutDefault(queues, actionsQueue);
        Set<String> added = new TreeSet<>(next);
        added.removeAll(actionQueues);
        for (String name : next) {
            declareQueue(queue(name, Map.of()));
        }
        Set<String> all = new TreeSet<>(actionQueues);
        all.addAll(next);
        actionQueues = java.util.Collections.unmodifiableSet(all);
        if (!added.isEmpty()) {
            LOG.info("Declared the reloaded workflows' action queues {}", String.join(", ", added));
        }
    }

    public static String deadLetterQueue(String queue) {
        return queue + ".dlq";
    }

    /**
     * Declares everything now if the broker is reachable; if it is not, the declaration happens when the connection
     * comes up. A clash with an existing queue fails here.
     */
    public void declareAtStartup(CachingConnectionFactory connectionFactory) {
        try {
            declare();
            // Spring calls onCreate at once for the connection declare() just opened: nothing to redo for it.
            declaredOnCurrentConnection.set(true);
        } catch (TopologyClashException e) {
            throw e;
        } catch (AmqpException e) {
            // Refused, unknown host, bad credentials: all may be fixed on the broker's side without restarting Werken.
            declarationProblem = "RabbitMQ unusable: " + e.getMessage();
            LOG.warn("RabbitMQ is not usable at startup ({}); Werken reports DOWN, answers 503 and declares its "
                     + "queues once it can connect", e.getMessage());
        }
        connectionFactory.addConnectionListener(this);
    }

    /** Why the topology is not as Werken wants it, or null when it is. */
    public String declarationProblem() {
        return declarationProblem;
    }

    @Override
    public void onCreate(Connection connection) {
        if (declaredOnCurrentConnection.getAndSet(false)) {
            return;
        }
        try {
            declare();
        } catch (RuntimeException e) {
            declarationProblem = "Could not declare Werken's queues: " + e.getMessage();
            LOG.error("Could not declare Werken's queues on the new broker connection: {}", e.getMessage());
        }
    }

    public void declare() {
        DirectExchange dlx = new DirectExchange(deadLetterExchange, true, false);
        Queue dlq = queue(deadLetterQueue(receivedQueue), Map.of());
        Queue received = queue(receivedQueue, Map.of(
                "x-dead-letter-exchange", deadLetterExchange,
                "x-dead-letter-routing-key", deadLetterQueue(receivedQueue)));
        Queue actions = queue(actionsQueue, Map.of());
        Binding dlqBinding = BindingBuilder.bind(dlq).to(dlx).with(dlq.getName());

        admin.declareExchange(dlx);
        for (Queue queue : List.of(dlq, received, actions)) {
            declareQueue(queue);
        }
        for (String name : actionQueues) {
            declareQueue(queue(name, Map.of()));
        }
        admin.declareBinding(dlqBinding);
        declarationProblem = null;
        LOG.info("Declared queues {}, {} and {} ({}), dead-letter exchange {}{}", received.getName(), actions.getName(),
                dlq.getName(), queueType.name().toLowerCase(Locale.ROOT), deadLetterExchange,
                actionQueues.isEmpty() ? "" : ", and the workflows' action queues " + String.join(", ", actionQueues));
    }

    private Queue queue(String name, Map<String, Object> arguments) {
        Map<String, Object> args = new HashMap<>(arguments);
        // Classic is the broker's default: leave the argument out so queues declared without it stay equivalent.
        if (queueType == QueueType.QUORUM) {
            args.put("x-queue-type", "quorum");
        }
        return new Queue(name, true, false, false, args);
    }

    private void declareQueue(Queue queue) {
        try {
            admin.declareQueue(queue);
        } catch (AmqpConnectException e) {
            throw e;
        } catch (RuntimeException e) {
            String brokerSays = rootMessage(e);
            if (brokerSays.contains("PRECONDITION_FAILED")) {
                throw new TopologyClashException("Queue '" + queue.getName() + "' already exists on the broker with "
                        + "other arguments than Werken declares (" + queue.getArguments() + "). Make WERKEN_QUEUE_TYPE "
                        + "match the existing queue, or delete the queue so Werken can declare it. Broker said: "
                        + brokerSays, e);
            }
            throw e;
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        String message = String.valueOf(e.getMessage());
        while (t != null) {
            if (t.getMessage() != null) {
                message = t.getMessage();
            }
            t = t.getCause();
        }
        return message;
    }
}
