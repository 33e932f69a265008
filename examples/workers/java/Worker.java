import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConnectionFactory;

/**
 * A Werken worker: takes actions off a queue, handles each action_id once, and acks it after handling. AMQP_URL (default
 * Werken's embedded broker) and QUEUE (default required_actions). The handled ids are kept in memory, which is enough
 * for an example: a real worker keeps them where a restart finds them, or makes its action idempotent.
 */
public class Worker {
    public static void main(String[] args) throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(System.getenv().getOrDefault("AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/%2F"));
        String queue = System.getenv().getOrDefault("QUEUE", "required_actions");
        Channel channel = factory.newConnection("werken-example-worker").createChannel();
        try {
            channel.queueDeclarePassive(queue); // Werken declares its queues (durable): only check this one is there
        } catch (java.io.IOException e) {
            System.err.println("no queue " + queue + " at " + factory.getHost() + ":" + factory.getPort()
                    + ": start Werken first, it declares its queues");
            System.exit(1);
        }
        channel.basicQos(10);
        Set<String> handled = ConcurrentHashMap.newKeySet();
        channel.basicConsume(queue, false, (tag, delivery) -> {
            var props = delivery.getProperties(); // message_id = action_id, correlation_id = event_id, type = type
            boolean seen = handled.contains(props.getMessageId());
            if (!seen) {
                // Do the work here, with the action's JSON (delivery.getBody(): params, payload, ...), then remember it.
                handled.add(props.getMessageId());
            }
            System.out.println((seen ? "duplicate" : "handled") + " action_id=" + props.getMessageId() + " type="
                    + props.getType() + " event_id=" + props.getCorrelationId() + " traceparent="
                    + (props.getHeaders() == null ? null : props.getHeaders().get("traceparent")));
            channel.basicAck(delivery.getEnvelope().getDeliveryTag(), false);
        }, tag -> { });
        System.out.println("waiting for actions on " + queue + " at " + factory.getHost() + ":" + factory.getPort());
    }
}
