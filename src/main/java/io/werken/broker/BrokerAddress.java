package io.werken.broker;

import java.net.URI;

/**
 * The AMQP broker Werken uses: its URI, and a name for logs and health (the embedded broker or RabbitMQ).
 *
 * @param uri      what the connection factory connects to
 * @param embedded whether it is the embedded broker in Werken's own process
 * @param name     what health and logs call it
 */
public record BrokerAddress(URI uri, boolean embedded, String name) {

    public static BrokerAddress rabbitMq(String uri) {
        return new BrokerAddress(URI.create(uri), false, "RabbitMQ");
    }

    public static BrokerAddress embedded(String uri) {
        return new BrokerAddress(URI.create(uri), true, "embedded broker (Apache Qpid Broker-J)");
    }
}
