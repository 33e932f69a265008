package io.werken.dispatch;

import com.rabbitmq.client.Channel;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.springrabbit.SpringRabbitMQConstants;
import org.apache.camel.support.SynchronizationAdapter;
import org.springframework.amqp.rabbit.connection.ChannelProxy;

/**
 * The first step of dispatch, with the consumer in {@code acknowledgeMode: MANUAL}: puts the delivery in its channel's
 * {@link AckWindow} and has the exchange settle it when it is done: acknowledged once the route completed (the
 * actions and the journal record confirmed, or the event dead-lettered or re-queued, confirmed), rejected without
 * requeue if a failure escaped the route (the broker's dead-letter exchange gets it, as the container did in
 * {@code AUTO} mode).
 * <p>
 * Windows are kept per physical channel, not per Spring's cached-channel proxy: a proxy whose channel closed opens a
 * new one on the next call, and a delivery tag is only meaningful on the channel that delivered it.
 */
public final class DeliveryAcknowledger implements Processor {

    private final Map<Channel, AckWindow> windows = new ConcurrentHashMap<>();

    @Override
    public void process(Exchange exchange) {
        Channel channel = physical(exchange.getProperty(SpringRabbitMQConstants.CHANNEL, Channel.class));
        Long tag = exchange.getMessage().getHeader(SpringRabbitMQConstants.DELIVERY_TAG, Long.class);
        if (channel == null || tag == null) {
            // Not an AMQP delivery (a route test feeds the route from direct:): nothing to acknowledge.
            return;
        }
        if (exchange.getContext().isStopping()) {
            // Werken is stopping and waits for the events in flight; the consumer still takes deliveries meanwhile.
            // Leave this one unacknowledged and untouched: it goes back on the queue when the channel closes, and
            // Werken's stop waits only for the events it had already begun, not for a backlog it keeps taking.
            // (Not a requeue now: the broker would hand it straight back, and on a quorum queue count each return.)
            exchange.setRouteStop(true);
            return;
        }
        AckWindow window = windows.get(channel);
        if (window == null) {
            window = open(channel);
        }
        AckWindow taken = window;
        taken.taken(tag);
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onComplete(Exchange done) {
                taken.confirmed(tag);
            }

            @Override
            public void onFailure(Exchange failed) {
                taken.failed(tag);
            }
        });
    }

    /** How many deliveries are taken and not settled, over every open channel. */
    public int open() {
        return windows.values().stream().mapToInt(AckWindow::open).sum();
    }

    private AckWindow open(Channel channel) {
        AckWindow window = new AckWindow(AckWindow.Channel.of(channel));
        // Only the channel's own consumer thread takes deliveries from it, so no other window can be opened for it.
        windows.put(channel, window);
        // Called at once if the channel is already closed.
        channel.addShutdownListener(cause -> {
            window.closed();
            windows.remove(channel);
        });
        return window;
    }

    private static Channel physical(Channel channel) {
        return channel instanceof ChannelProxy proxy ? proxy.getTargetChannel() : channel;
    }
}
