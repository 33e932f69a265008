package io.werken.manage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.werken.metrics.StatsSampler;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * {@code GET /stats[?minutes=N]}: for each workflow, the webhooks accepted and refused per second and the dispatch
 * latency (99th percentile and mean, in milliseconds; null in an interval without a dispatch) over the last {@code N}
 * minutes (default 15, at most 60), one point per sampling interval, oldest first, from Werken's own meters
 * ({@link StatsSampler}). Webhooks refused before a workflow was known are the series whose {@code workflow_id} is null.
 */
public final class ShowStats implements Processor {

    static final int DEFAULT_MINUTES = 15;

    private final StatsSampler sampler;
    private final ObjectMapper json;

    public ShowStats(StatsSampler sampler, ObjectMapper json) {
        this.sampler = sampler;
        this.json = json;
    }

    @Override
    public void process(Exchange exchange) throws JsonProcessingException {
        Message in = exchange.getMessage();
        ManagementRequests.requireMethod(in, "GET");
        Map<String, String> query = ManagementRequests.query(in, Set.of("minutes"));
        int minutes = (int) ManagementRequests.wholeNumber(query, "minutes", 1, StatsSampler.MAX_MINUTES)
                .orElse(DEFAULT_MINUTES);
        ObjectNode answer = json.createObjectNode();
        answer.put("interval_seconds", sampler.intervalSeconds());
        ArrayNode workflows = answer.putArray("workflows");
        for (StatsSampler.Series series : sampler.window(minutes)) {
            ObjectNode workflow = workflows.addObject();
            workflow.put("workflow_id", series.workflowId());
            ArrayNode points = workflow.putArray("points");
            for (StatsSampler.Point point : series.points()) {
                points.addObject()
                        .put(
                                "t",
                                DateTimeFormatter.ISO_INSTANT.format(point.at().truncatedTo(ChronoUnit.SECONDS)))
                        .put("accepted_per_s", point.acceptedPerS())
                        .put("refused_per_s", point.refusedPerS())
                        .put("dispatch_p99_ms", point.dispatchP99Ms())
                        .put("dispatch_mean_ms", point.dispatchMeanMs());
            }
        }
        ManagementRequests.answer(in, json, answer);
    }
}
