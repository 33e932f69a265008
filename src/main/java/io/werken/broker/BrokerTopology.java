package io.werken.broker;

import io.werken.core.StartupRefusedException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
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
 * <li>{@code received_webhooks}: durable, dead-letters to {@code werken.dlx} with routing key {@code received_webhooks.dlq};
 * as a quorum queue also with a delivery limit, so that an event redelivered again and again (its dispatch cut off by
 * crashes, a consumer's requeue) is dead-lettered by the broker instead of coming back forever;</li>
 * <li>{@code required_actions}: durable;</li>
 * <li>every queue a workflow's action names ({@code "queue"}): durable, of the same type as {@code required_actions};</li>
 * <li>{@code werken.dlx} (direct, durable) bound to {@code received_webhooks.dlq} (durable);</li>
 * <li>{@code werken.journal}, when the event journal is on: durable, of the same type as {@code required_actions}.</li>
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
    private final int deliveryLimit;
    private volatile Set<String> actionQueues;
    private volatile String journalQueue;
    private final AtomicBoolean declaredOnCurrentConnection = new AtomicBoolean();
    private volatile String declarationProblem;
    /** When {@link #redeclareIfFailed} may try again, on {@link #nanoTime}; guarded by this. */
    private long nextRedeclare;

    private final LongSupplier nanoTime;
    /** How long after this try the next may come: doubled by each failure, up to the most; guarded by this. */
    private long redeclareInterval = REDECLARE_INTERVAL_NANOS;

    private static final long REDECLARE_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long MOST_REDECLARE_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(30);

    /** How often a quorum received queue delivers an event before it dead-letters it, unless configured otherwise. */
    public static final int DEFAULT_DELIVERY_LIMIT = 5;

    /**
     * @param deliveryLimit for a quorum received queue, its {@code x-delivery-limit}: the broker dead-letters an event
     *                      returned to the queue more often than this (0: no limit given, the queue's policy decides)
     * @param actionQueues  the queues the workflows' actions name besides {@code actionsQueue}
     */
    public BrokerTopology(
            CachingConnectionFactory connectionFactory,
            String receivedQueue,
            String actionsQueue,
            String deadLetterExchange,
            QueueType queueType,
            int deliveryLimit,
            Set<String> actionQueues) {
        this(
                connectionFactory,
                receivedQueue,
                actionsQueue,
                deadLetterExchange,
                queueType,
                deliveryLimit,
                actionQueues,
                System::nanoTime);
    }

    /** @param nanoTime the clock {@link #redeclareIfFailed} paces its tries by (tests give their own) */
    BrokerTopology(
            CachingConnectionFactory connectionFactory,
            String receivedQueue,
            String actionsQueue,
            String deadLetterExchange,
            QueueType queueType,
            int deliveryLimit,
            Set<String> actionQueues,
            LongSupplier nanoTime) {
        if (deliveryLimit < 0) {
            throw new StartupRefusedException("WERKEN_QUEUE_DELIVERY_LIMIT is " + deliveryLimit
                    + ": use a positive number, or 0 to leave the limit to a policy");
        }
        this.deliveryLimit = deliveryLimit;
        this.actionQueues = withoutDefault(actionQueues, actionsQueue);
        this.admin = new RabbitAdmin(connectionFactory);
        this.nanoTime = nanoTime;
        this.nextRedeclare = nanoTime.getAsLong();
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

    /** Declares {@code queue}, the event journal's (durable, of the same type as the others), with the rest. */
    public void declareJournalQueue(String queue) {
        this.journalQueue = queue;
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
            LOG.warn(
                    "RabbitMQ is not usable at startup ({}); Werken reports DOWN, answers 503 and declares its "
                            + "queues once it can connect",
                    e.getMessage());
        }
        connectionFactory.addConnectionListener(this);
    }

    /** Why the topology is not as Werken wants it, or null when it is. */
    public String declarationProblem() {
        return declarationProblem;
    }

    /**
     * Declares the queues again if the last declaration failed, at most once a {@link #REDECLARE_INTERVAL_NANOS
     * second}, and less often while it keeps failing (each failure doubles the wait, up to 30 s: a queue that clashes
     * until someone fixes it would otherwise log the broker's refusal every second), and returns what is still wrong
     * (null: nothing). A declaration fails on a new connection when its node goes away under it, or a queue clashes
     * until someone fixes it on the broker: Spring opens no other connection while the one it has works, so without
     * this Werken would report DOWN until a restart while it carries webhooks. The broker health check calls it, and
     * a thread of its own every second while the connection is open.
     */
    public synchronized String redeclareIfFailed() {
        if (declarationProblem == null) {
            return null;
        }
        long now = nanoTime.getAsLong();
        if (now - nextRedeclare < 0) {
            return declarationProblem;
        }
        try {
            declare();
            redeclareInterval = REDECLARE_INTERVAL_NANOS;
            LOG.info("Declared Werken's queues again after a failed declaration: the broker topology is whole");
        } catch (RuntimeException e) {
            declarationProblem = "Could not declare Werken's queues: " + e.getMessage();
            nextRedeclare = now + redeclareInterval;
            redeclareInterval = Math.min(redeclareInterval * 2, MOST_REDECLARE_INTERVAL_NANOS);
        }
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
        Map<String, Object> receivedArguments = new HashMap<>(Map.of(
                "x-dead-letter-exchange",
                deadLetterExchange,
                "x-dead-letter-routing-key",
                deadLetterQueue(receivedQueue)));
        if (queueType == QueueType.QUORUM && deliveryLimit > 0) {
            // Classic queues have no delivery limit (the argument would be ignored); a redelivered classic event
            // carries the redelivered flag only.
            receivedArguments.put("x-delivery-limit", deliveryLimit);
        }
        Queue received = queue(receivedQueue, receivedArguments);
        Queue actions = queue(actionsQueue, Map.of());
        Binding dlqBinding = BindingBuilder.bind(dlq).to(dlx).with(dlq.getName());

        admin.declareExchange(dlx);
        for (Queue queue : List.of(dlq, received, actions)) {
            declareQueue(queue);
        }
        for (String name : actionQueues) {
            declareQueue(queue(name, Map.of()));
        }
        if (journalQueue != null) {
            declareQueue(queue(journalQueue, Map.of()));
        }
        admin.declareBinding(dlqBinding);
        declarationProblem = null;
        LOG.debug(
                "Declared queues {}, {} and {} ({}), dead-letter exchange {}{}{}",
                received.getName(),
                actions.getName(),
                dlq.getName(),
                queueType.name().toLowerCase(Locale.ROOT),
                deadLetterExchange,
                actionQueues.isEmpty() ? "" : ", the workflows' action queues " + String.join(", ", actionQueues),
                journalQueue == null ? "" : ", and the journal's queue " + journalQueue);
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
                throw new TopologyClashException(
                        "Queue '" + queue.getName() + "' already exists on the broker with "
                                + "other arguments than Werken declares (" + queue.getArguments()
                                + "). Make WERKEN_QUEUE_TYPE "
                                + "(and, for quorum, WERKEN_QUEUE_DELIVERY_LIMIT) match the existing queue, or delete the "
                                + "queue so Werken can declare it. Broker said: "
                                + brokerSays,
                        e);
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
