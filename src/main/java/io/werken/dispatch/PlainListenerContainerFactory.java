package io.werken.dispatch;

import org.apache.camel.component.springrabbit.DefaultListenerContainerFactory;
import org.apache.camel.component.springrabbit.SpringRabbitMQEndpoint;
import org.springframework.amqp.rabbit.listener.AbstractMessageListenerContainer;

/**
 * camel-spring-rabbitmq's listener container, without the retry advice it always wraps around the listener.
 * <p>
 * Werken retries in the route (dispatch-errors) and sets {@code maximumRetryAttempts: 0}; Camel still puts a
 * Spring Retry interceptor with a never-retry policy and a reject-and-don't-requeue recoverer around every delivery,
 * an AOP proxy and a retry template per event (about 5% of a dispatch thread's CPU, bench/README.md). Without it a
 * failure that escapes the route is rejected without requeue by the container itself, so it still goes to the
 * broker's dead-letter exchange.
 */
public final class PlainListenerContainerFactory extends DefaultListenerContainerFactory {

    @Override
    public AbstractMessageListenerContainer createListenerContainer(SpringRabbitMQEndpoint endpoint) {
        AbstractMessageListenerContainer container = super.createListenerContainer(endpoint);
        if (endpoint.getRetry() == null
                && endpoint.getMaximumRetryAttempts() <= 0
                && endpoint.isRejectAndDontRequeue()) {
            container.setAdviceChain();
            container.setDefaultRequeueRejected(false);
        }
        return container;
    }
}
