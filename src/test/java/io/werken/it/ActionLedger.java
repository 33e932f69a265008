package io.werken.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.GetResponse;
import java.io.IOException;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What workers saw on required_actions: every action message by {@code action_id}, with repeats counted, to check
 * that accepted events lost nothing and that any duplicate is a repeat of the very same action.
 */
public final class ActionLedger {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, JsonNode> byActionId = new HashMap<>();
    private final Map<String, Integer> actionsPerEvent = new HashMap<>();
    private int messages;
    private int duplicates;
    private final Set<String> conflicting = new HashSet<>();

    public synchronized void add(List<GetResponse> taken) throws IOException {
        for (GetResponse message : taken) {
            JsonNode action = JSON.readTree(message.getBody());
            messages++;
            String actionId = action.get("action_id").asText();
            JsonNode before = byActionId.putIfAbsent(actionId, action);
            if (before != null) {
                duplicates++;
                // A repeat must be the same action: same event, index, type, payload and acceptance time.
                if (!before.equals(action)) {
                    conflicting.add(actionId);
                }
            } else {
                actionsPerEvent.merge(action.get("event_id").asText(), 1, Integer::sum);
            }
        }
    }

    /** Accepted events not (yet) complete: fewer distinct actions than their workflow names. */
    public synchronized Set<String> incomplete(Collection<String> acceptedEventIds, int actionsPerWorkflow) {
        return acceptedEventIds.stream()
                .filter(id -> actionsPerEvent.getOrDefault(id, 0) < actionsPerWorkflow)
                .collect(Collectors.toSet());
    }

    public synchronized int messages() {
        return messages;
    }

    public synchronized int duplicates() {
        return duplicates;
    }

    /** action_ids seen twice with different contents: must be none. */
    public synchronized Set<String> conflicting() {
        return Set.copyOf(conflicting);
    }

    /** Events on the queue that nobody was told were accepted (e.g. confirmed, but the 202 never reached the caller). */
    public synchronized Set<String> eventsBeyond(Collection<String> acceptedEventIds) {
        Set<String> extra = new HashSet<>(actionsPerEvent.keySet());
        extra.removeAll(acceptedEventIds);
        return extra;
    }
}
