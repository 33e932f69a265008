package io.werken.broker;

import java.util.Map;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;

/** UP while Werken holds an open connection to RabbitMQ (opening one if needed), DOWN otherwise. */
public final class BrokerHealthCheck extends AbstractHealthCheck {

    private final ConnectionFactory connectionFactory;

    public BrokerHealthCheck(ConnectionFactory connectionFactory) {
        super("werken", "broker");
        this.connectionFactory = connectionFactory;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        builder.detail("broker", connectionFactory.getHost() + ":" + connectionFactory.getPort());
        try {
            if (connectionFactory.createConnection().isOpen()) {
                builder.up();
            } else {
                builder.message("RabbitMQ connection is closed").down();
            }
        } catch (RuntimeException e) {
            builder.message("RabbitMQ unreachable: " + e.getMessage()).down();
        }
    }
}
