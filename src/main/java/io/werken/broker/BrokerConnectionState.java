package io.werken.broker;

import com.rabbitmq.client.ShutdownSignalException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.springframework.amqp.rabbit.connection.Connection;
import org.springframework.amqp.rabbit.connection.ConnectionListener;

/**
 * Whether Werken is connected to its broker with its queues declared, as connection events last said: read by the
 * {@code werken_broker_up} gauge at every scrape without opening a connection (which the health check does, and which
 * could hold a scrape for the connect timeout while the broker is away).
 */
public final class BrokerConnectionState implements ConnectionListener {

    private final AtomicBoolean connected = new AtomicBoolean();
    private final Supplier<String> declarationProblem;

    /** @param declarationProblem why the queues are not declared as Werken wants them, or null when they are */
    public BrokerConnectionState(Supplier<String> declarationProblem) {
        this.declarationProblem = declarationProblem;
    }

    /** Whether the last connection event left Werken connected (its queues declared or not). */
    public boolean connected() {
        return connected.get();
    }

    /** 1 while connected with the queues declared, else 0. */
    public double up() {
        return connected.get() && declarationProblem.get() == null ? 1 : 0;
    }

    @Override
    public void onCreate(Connection connection) {
        connected.set(connection.isOpen());
    }

    @Override
    public void onClose(Connection connection) {
        connected.set(false);
    }

    @Override
    public void onShutDown(ShutdownSignalException signal) {
        // A channel's shutdown (a refused publish, say) leaves the connection up; only the connection's counts.
        if (signal.isHardError()) {
            connected.set(false);
        }
    }

    @Override
    public void onFailed(Exception exception) {
        connected.set(false);
    }
}
