package io.werken.manage;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.werken.core.ProblemException;
import io.werken.core.ProblemType;
import io.werken.workflow.CurrentWorkflows;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.util.ObjectHelper;
import org.springframework.amqp.AmqpException;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.QueueInformation;

/**
 * {@code GET /queues}: the depth (ready messages) and consumer count of every queue Werken owns, by role: the received
 * queue ({@code received}), its dead letters ({@code dead_letters}), the journal's ({@code journal}, when the journal
 * is on), and the default actions queue and every queue the workflows in use name ({@code actions}). Read by a
 * passive declare on Werken's broker connection (RabbitMQ or the embedded broker), which creates nothing: a queue that
 * is not on the broker is {@code "missing": true}. A broker that cannot be used: 503 {@code queues-unavailable}.
 */
public final class ListQueues implements Processor {

    /** One queue; {@code messages} and {@code consumers} are left out for a missing one. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"name", "role", "messages", "consumers", "missing"})
    public record Entry(String name, String role, Long messages, Integer consumers, boolean missing) {}

    /** The answer. */
    public record Listing(List<Entry> queues) {}

    private final AmqpAdmin admin;
    private final String receivedQueue;
    private final String deadLetterQueue;
    private final String journalQueue;
    private final String actionsQueue;
    private final CurrentWorkflows workflows;
    private final ObjectMapper json;
    private final int retryAfterSeconds;

    /** @param journalQueue the journal's queue, or null when the journal is off */
    public ListQueues(
            AmqpAdmin admin,
            String receivedQueue,
            String deadLetterQueue,
            String journalQueue,
            String actionsQueue,
            CurrentWorkflows workflows,
            ObjectMapper json,
            int retryAfterSeconds) {
        this.admin = admin;
        this.receivedQueue = receivedQueue;
        this.deadLetterQueue = deadLetterQueue;
        this.journalQueue = journalQueue;
        this.actionsQueue = actionsQueue;
        this.workflows = workflows;
        this.json = json;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    @Override
    public void process(Exchange exchange) throws JsonProcessingException {
        Message in = exchange.getMessage();
        ManagementRequests.requireMethod(in, "GET");
        ManagementRequests.query(in, Set.of());
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<String, String> queue : owned().entrySet()) {
            QueueInformation info;
            try {
                info = admin.getQueueInfo(queue.getKey());
            } catch (AmqpException e) {
                throw new ProblemException(
                        ProblemType.QUEUES_UNAVAILABLE,
                        "Could not read queue " + queue.getKey() + " on the broker: " + rootMessage(e) + ".",
                        DeadLetterBroker.retryAfter(retryAfterSeconds));
            }
            entries.add(
                    info == null
                            ? new Entry(queue.getKey(), queue.getValue(), null, null, true)
                            : new Entry(
                                    queue.getKey(),
                                    queue.getValue(),
                                    (long) info.getMessageCount(),
                                    info.getConsumerCount(),
                                    false));
        }
        ManagementRequests.answer(in, json, new Listing(entries));
    }

    /** Werken's queues by name, in the order of the answer, each with its role. */
    private Map<String, String> owned() {
        Map<String, String> queues = new LinkedHashMap<>();
        queues.put(receivedQueue, "received");
        queues.put(deadLetterQueue, "dead_letters");
        if (journalQueue != null) {
            queues.put(journalQueue, "journal");
        }
        queues.putIfAbsent(actionsQueue, "actions");
        for (String named : workflows.catalog().actionQueues()) {
            queues.putIfAbsent(named, "actions");
        }
        return queues;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = ObjectHelper.createExceptionIterable(e).iterator().next(); // the root cause comes first
        return String.valueOf(root.getMessage());
    }
}
