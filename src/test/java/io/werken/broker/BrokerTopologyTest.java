package io.werken.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.werken.testing.FreePorts;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.Connection;
import org.springframework.amqp.rabbit.connection.ConnectionListener;

/** How often a declaration that keeps failing is tried again (the broker: a port nothing listens on). */
class BrokerTopologyTest {

    private final CachingConnectionFactory nowhere = new CachingConnectionFactory("127.0.0.1", FreePorts.next());
    private final AtomicInteger attempts = new AtomicInteger();
    private final AtomicLong now = new AtomicLong(TimeUnit.SECONDS.toNanos(1000));

    @AfterEach
    void close() {
        nowhere.destroy();
    }

    @Test
    void aDeclarationThatKeepsFailingIsTriedLessOftenUpToEveryThirtySeconds() {
        nowhere.addConnectionListener(new ConnectionListener() {
            @Override
            public void onCreate(Connection connection) {}

            @Override
            public void onFailed(Exception exception) {
                attempts.incrementAndGet();
            }
        });
        BrokerTopology topology =
                new BrokerTopology(nowhere, "in", "out", "dlx", QueueType.CLASSIC, 5, Set.of(), now::get);
        topology.declareAtStartup(nowhere);
        assertThat(topology.declarationProblem()).startsWith("RabbitMQ unusable");
        attempts.set(0);

        // Asked every half second for two minutes, as a busy health check and the retry thread together might.
        List<Double> tries = new ArrayList<>();
        for (int halfSeconds = 0; halfSeconds <= 240; halfSeconds++) {
            int before = attempts.get();
            assertThat(topology.redeclareIfFailed()).as("still failing").isNotNull();
            if (attempts.get() > before) {
                tries.add(halfSeconds / 2.0);
            }
            now.addAndGet(TimeUnit.MILLISECONDS.toNanos(500));
        }

        // 1, 2, 4, 8 and 16 s apart, then every 30 s.
        assertThat(tries).containsExactly(0.0, 1.0, 3.0, 7.0, 15.0, 31.0, 61.0, 91.0);
    }
}
