package io.werken.config;

import io.micrometer.core.instrument.Gauge;
import io.werken.broker.BrokerAddress;
import io.werken.broker.BrokerConnectionState;
import io.werken.broker.BrokerHealthCheck;
import io.werken.broker.BrokerTopology;
import io.werken.broker.ConfirmedPublisher;
import io.werken.broker.QueueType;
import io.werken.metrics.WerkenMetrics;
import io.werken.settings.Settings;
import io.werken.workflow.CurrentWorkflows;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.support.service.ServiceSupport;
import org.springframework.amqp.rabbit.connection.AbstractConnectionFactory;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;

/**
 * The broker (RabbitMQ, or the embedded one, as {@link EmbeddedBrokerConfiguration} chose): the connection (which camel-spring-rabbitmq's consumer finds by type), the queues Werken declares, the
 * publisher every path publishes through, and the broker's health check.
 */
@Configuration
public class BrokerConfiguration implements CamelConfiguration {

    @BindToRegistry(destroyMethod = "destroy")
    public CachingConnectionFactory cachingConnectionFactory(Settings settings, BrokerAddress brokerAddress) {
        int connectionTimeoutMs = settings.broker().connectionTimeoutMs();
        int dispatchConsumers = settings.dispatch().consumers();
        CachingConnectionFactory factory = new CachingConnectionFactory(brokerAddress.uri());
        if (brokerAddress.cluster()) {
            // A cluster: each new connection (the first, and every one replacing a connection lost with its node)
            // tries the nodes in a random order and takes the first that answers, so instances spread over the nodes
            // and a stopped node is skipped. The first URI still gives credentials, virtual host and TLS. The
            // publisher connection factory gets the addresses from here; it shuffles by default, set it anyway.
            factory.setAddresses(brokerAddress.hostsAndPorts());
            factory.setAddressShuffleMode(AbstractConnectionFactory.AddressShuffleMode.RANDOM);
            if (factory.getPublisherConnectionFactory() instanceof AbstractConnectionFactory publisher) {
                publisher.setAddressShuffleMode(AbstractConnectionFactory.AddressShuffleMode.RANDOM);
            }
        }
        // No Spring publisher confirms or returns: ConfirmedPublisher puts its own channels in confirm mode and
        // correlates returns itself, without the bookkeeping headers Spring's would write into every message.
        factory.setConnectionTimeout(connectionTimeoutMs);
        // The dispatch consumers (Spring's direct listener container) run on this pool, and each holds its thread
        // while its event's actions are confirmed: one thread per consumer, or they queue behind each other (the
        // AMQP client's default pool has only twice as many threads as there are cores).
        AtomicInteger threads = new AtomicInteger();
        factory.setExecutor(Executors.newFixedThreadPool(dispatchConsumers, task -> {
            Thread thread = new Thread(task, "werken-dispatch-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }));
        factory.setConnectionNameStrategy(cf -> "werken");
        return factory;
    }

    @BindToRegistry
    public BrokerTopology brokerTopology(
            CamelContext context,
            Settings settings,
            CachingConnectionFactory cachingConnectionFactory,
            CurrentWorkflows currentWorkflows,
            WerkenMetrics werkenMetrics) {
        String receivedQueue = settings.queues().received();
        String actionsQueue = settings.queues().actions();
        String deadLetterExchange = settings.queues().deadLetterExchange();
        String queueType = settings.queues().type();
        int deliveryLimit = settings.queues().deliveryLimit();
        String journalQueue = settings.journal().queue();
        BrokerTopology topology = new BrokerTopology(
                cachingConnectionFactory,
                receivedQueue,
                actionsQueue,
                deadLetterExchange,
                QueueType.parse(queueType),
                deliveryLimit,
                currentWorkflows.catalog().actionQueues());
        if (settings.journal().on()) {
            topology.declareJournalQueue(journalQueue);
        }
        topology.declareAtStartup(cachingConnectionFactory);
        // The werken_broker_up gauge, for alerts and dashboards: fed by connection events (Spring calls onCreate at
        // once for a connection already open), read at each scrape without touching the broker.
        BrokerConnectionState state = new BrokerConnectionState(topology::declarationProblem);
        cachingConnectionFactory.addConnectionListener(state);
        Gauge.builder("werken.broker.up", state, BrokerConnectionState::up)
                .description("1 while Werken is connected to its broker with its queues declared, else 0")
                .register(werkenMetrics.registry());
        // A declaration that failed on a connection that stays open (a node gone under it, a queue clashing until
        // someone fixes it) is tried again by itself, after a second and then less often (redeclareIfFailed): the
        // gauge and health follow the broker back even where nothing polls /observe/health. Camel shuts the thread
        // down with the context.
        ScheduledExecutorService retry =
                context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "BrokerTopologyRetry");
        retry.scheduleWithFixedDelay(
                () -> {
                    if (state.connected()) {
                        topology.redeclareIfFailed();
                    }
                },
                1,
                1,
                TimeUnit.SECONDS);
        return topology;
    }

    /**
     * Its lanes are threads of Camel's. Closed as a Camel service: after the routes (and every service added later,
     * such as the journal's replays, which publish) have stopped, and before Camel shuts its thread pools down (which
     * would otherwise wait 10 s for the lanes and then force them).
     */
    @BindToRegistry(destroyMethod = "close")
    public ConfirmedPublisher confirmedPublisher(
            CamelContext context,
            Settings settings,
            CachingConnectionFactory cachingConnectionFactory,
            WerkenMetrics werkenMetrics)
            throws Exception {
        ConfirmedPublisher publisher = new ConfirmedPublisher(
                context.getExecutorServiceManager(),
                cachingConnectionFactory,
                Duration.ofMillis(settings.broker().confirmTimeoutMs()),
                settings.broker().publisherChannels(),
                (queue, nanos) -> werkenMetrics.confirmed(
                        nanos, queue.equals(settings.queues().received())),
                // The events a 202 waits for: a lane of their own, never behind dispatch's actions.
                settings.queues().received());
        context.addService(
                new ServiceSupport() {
                    @Override
                    protected void doStop() {
                        publisher.close();
                    }
                },
                true,
                true);
        return publisher;
    }

    @BindToRegistry
    public BrokerHealthCheck brokerHealthCheck(
            CachingConnectionFactory cachingConnectionFactory, BrokerAddress brokerAddress) {
        return new BrokerHealthCheck(cachingConnectionFactory, brokerAddress);
    }
}
