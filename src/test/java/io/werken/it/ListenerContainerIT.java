package io.werken.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import io.werken.dispatch.PlainListenerContainerFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.springrabbit.SpringRabbitMQComponent;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;

/**
 * The dispatch consumer's container without Spring Retry around the listener: a failure that escapes the route is
 * still rejected without requeue, once, so the broker dead-letters it (and the route runs once per delivery).
 */
class ListenerContainerIT {

    @Test
    void aFailureThatEscapesTheRouteIsRejectedOnceToTheDeadLetterExchange() throws Exception {
        String queue = "werken-it.container." + System.nanoTime();
        String dead = queue + ".dead";
        AtomicInteger runs = new AtomicInteger();
        CachingConnectionFactory connections = new CachingConnectionFactory(java.net.URI.create(Broker.URI_VALUE));
        try (Broker broker = new Broker();
                DefaultCamelContext context = new DefaultCamelContext()) {
            broker.declareQueue(dead, Map.of());
            broker.declareQueue(queue, Map.of("x-dead-letter-exchange", "", "x-dead-letter-routing-key", dead));
            SpringRabbitMQComponent component = new SpringRabbitMQComponent();
            component.setConnectionFactory(connections);
            component.setListenerContainerFactory(new PlainListenerContainerFactory());
            context.addComponent("spring-rabbitmq", component);
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("spring-rabbitmq:default?queues=" + queue + "&autoDeclare=false&acknowledgeMode=AUTO"
                                    + "&maximumRetryAttempts=0&rejectAndDontRequeue=true")
                            .process(exchange -> runs.incrementAndGet())
                            .throwException(new IllegalStateException("escapes the route"));
                }
            });
            context.start();

            broker.publish(
                    queue,
                    new AMQP.BasicProperties.Builder().messageId("m-1").build(),
                    "{}".getBytes(StandardCharsets.UTF_8));

            await().atMost(Duration.ofSeconds(10)).until(() -> broker.depth(dead) == 1);
            // And it stays that way: no redelivery puts it back on the queue or runs the route again.
            await().during(Duration.ofMillis(500))
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> broker.depth(queue) == 0 && runs.get() == 1);
            assertThat(broker.depth(queue)).isZero();
            assertThat(broker.depth(dead)).isEqualTo(1);
            assertThat(runs.get())
                    .as("runs of the route: no redelivery, no retry")
                    .isEqualTo(1);
            assertThat(broker.get(dead).getProps().getMessageId()).isEqualTo("m-1");
        } finally {
            connections.destroy();
            try (Broker broker = new Broker()) {
                broker.delete(queue, dead);
            }
        }
    }
}
