package io.werken.broker;

import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import org.springframework.amqp.rabbit.connection.Connection;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.connection.RabbitUtils;

/**
 * UP while Werken holds an open connection to its broker (opening one if needed) and its queues are declared as it
 * wants them; DOWN otherwise, with the reason. Its details name the broker: RabbitMQ or the embedded one, and for a
 * cluster the node Werken is connected to.
 */
public final class BrokerHealthCheck extends AbstractHealthCheck {

    private final ConnectionFactory connectionFactory;
    private final BrokerAddress address;

    public BrokerHealthCheck(ConnectionFactory connectionFactory, BrokerAddress address) {
        super("werken", "broker");
        this.connectionFactory = connectionFactory;
        this.address = address;
    }

    /**
     * Looked up at check time rather than injected: Camel orders @BindToRegistry methods by a heuristic that cannot
     * put one bean with dependencies before another.
     */
    private String topologyProblem() {
        BrokerTopology topology = getCamelContext().getRegistry().findSingleByType(BrokerTopology.class);
        // With a connection open, a declaration that failed is tried again: health follows the broker back.
        return topology == null ? "Broker topology not set up" : topology.redeclareIfFailed();
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        builder.detail(
                "broker",
                address.cluster()
                        ? address.hostsAndPorts()
                        : connectionFactory.getHost() + ":" + connectionFactory.getPort());
        builder.detail("broker.name", address.name());
        builder.detail("broker.embedded", address.embedded());
        try {
            Connection connection = connectionFactory.createConnection();
            if (address.cluster() && !connection.isOpen()) {
                // Lost with its node. Spring replaces a lost connection only when asked for a channel on it: ask, so
                // that health follows a failover to another node now, not when the dispatch consumers next restart.
                // (One broker: no other node to move to, and a check must not wait out a connect timeout.)
                RabbitUtils.closeChannel(connection.createChannel(false));
                connection = connectionFactory.createConnection();
            }
            String problem = connection.isOpen() ? topologyProblem() : address.name() + " connection is closed";
            if (problem != null) {
                builder.message(problem).down();
            } else {
                builder.up();
            }
            if (address.cluster() && connection.isOpen() && connection.getDelegate() != null) {
                // Which node of the cluster Werken is on now: it moves when its node goes away.
                builder.detail(
                        "broker.connected",
                        connection.getDelegate().getAddress().getHostAddress() + ":"
                                + connection.getDelegate().getPort());
            }
        } catch (RuntimeException e) {
            builder.message(address.name() + " unreachable: " + e.getMessage()).down();
        }
    }
}
