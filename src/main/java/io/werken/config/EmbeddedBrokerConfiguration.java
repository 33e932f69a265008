package io.werken.config;

import io.werken.broker.BrokerAddress;
import io.werken.embedded.EmbeddedBroker;
import io.werken.settings.Settings;
import java.nio.file.Path;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which broker Werken uses: RabbitMQ at {@code WERKEN_RABBITMQ_URI} (one node, or several of a cluster) when it is set, otherwise the embedded broker,
 * started here, before {@link BrokerConfiguration} connects to it.
 */
@Configuration
public class EmbeddedBrokerConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedBrokerConfiguration.class);

    @BindToRegistry
    public BrokerAddress brokerAddress(Settings settings, CamelContext context) {
        String uri = settings.broker().rabbitMqUri();
        String receivedQueue = settings.queues().received();
        if (uri != null) {
            BrokerAddress rabbitMq = BrokerAddress.rabbitMq(uri);
            if (rabbitMq.cluster()) {
                LOG.debug("Using a RabbitMQ cluster, any of {} (WERKEN_RABBITMQ_URI)", rabbitMq.hostsAndPorts());
            } else {
                LOG.debug(
                        "Using RabbitMQ at {}:{} (WERKEN_RABBITMQ_URI)",
                        rabbitMq.uri().getHost(),
                        rabbitMq.uri().getPort());
            }
            return rabbitMq;
        }
        EmbeddedBroker broker = EmbeddedBroker.start(
                settings.broker().embeddedAmqpPort(), Path.of(settings.broker().dataDir()));
        // Bound by hand, so that it is stopped with the registry, after the routes that use it.
        context.getRegistry().bind("embeddedBroker", EmbeddedBroker.class, broker, null, "close");
        broker.deadLetter(receivedQueue, settings.queues().receivedDeadLetters());
        LOG.debug(
                "Using the embedded broker on {}:{} (data in {}); workers connect with {}. To use RabbitMQ instead, "
                        + "set WERKEN_RABBITMQ_URI (e.g. amqp://guest:guest@localhost:5672/%2F)",
                EmbeddedBroker.HOST,
                broker.port(),
                broker.dataDir().toAbsolutePath(),
                broker.uri().replace("/%2F", "/"));
        return BrokerAddress.embedded(broker.uri());
    }
}
