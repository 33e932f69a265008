package io.werken.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.werken.core.ReceivedWebhook;
import io.werken.core.WerkenJson;
import io.werken.workflow.ActionPlanner.Outcome;
import io.werken.workflow.ActionPlanner.PlannedAction;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What each action of a workflow comes to for one event: published with rendered params, skipped, or failed. */
class ActionPlannerTest {

    private static final ObjectMapper JSON = WerkenJson.mapper();
    private static final int MAX_PARAMS_BYTES = 262_144;

    private final ActionPlanner planner = new ActionPlanner(JSON, MAX_PARAMS_BYTES);

    /** The only workflow, {@code w}, of an inline workflows file holding {@code actions}. */
    private static Workflow workflow(String actions) {
        String file = "{\"w\": {\"actions\": " + actions + "}}";
        return WorkflowCatalog.load(
                        "inline",
                        new ByteArrayInputStream(file.getBytes(StandardCharsets.UTF_8)),
                        WorkflowCatalog.Settings.defaults())
                .find("w")
                .orElseThrow();
    }

    private static ReceivedWebhook event(String payload) throws IOException {
        return event(Map.of(), JSON.readTree(payload));
    }

    private static ReceivedWebhook event(Map<String, String> headers, JsonNode payload) {
        return new ReceivedWebhook("evt-1", "w", "rev", "2026-12-01T10:00:00Z", headers, payload);
    }

    private static ReceivedWebhook fixture(String name, String githubEvent) throws IOException {
        JsonNode payload =
                JSON.readTree(Path.of("src/test/resources/fixtures", name).toFile());
        return new ReceivedWebhook(
                "evt-gh",
                "github-events",
                "rev",
                "2026-12-01T10:00:00Z",
                Map.of("x-github-event", githubEvent),
                payload);
    }

    @Test
    void aFalseConditionSkipsTheActionWithoutEvaluatingItsParams() throws IOException {
        Workflow w = workflow("[{\"type\": \"t\", \"when\": \"payload.amount > 100\","
                + " \"params\": {\"who\": \"{{ payload.customer.name }}\"}}]");

        List<PlannedAction> planned = planner.plan(w, event("{\"amount\": 5}"), true);

        assertThat(planned).singleElement().satisfies(action -> {
            assertThat(action.outcome()).isEqualTo(Outcome.SKIPPED);
            assertThat(action.params()).isNull();
            assertThat(action.reason()).isEqualTo("when is false: payload.amount > 100");
        });
    }

    @Test
    void aTrueConditionPublishesTheRenderedParams() throws IOException {
        Workflow w = workflow("[{\"type\": \"t\", \"when\": \"payload.amount > 100\","
                + " \"params\": {\"who\": \"{{ payload.customer.name }}\", \"amount\": \"{{ payload.amount }}\"}}]");

        List<PlannedAction> planned =
                planner.plan(w, event("{\"amount\": 250, \"customer\": {\"name\": \"Ada\"}}"), true);

        assertThat(planned).singleElement().satisfies(action -> {
            assertThat(action.outcome()).isEqualTo(Outcome.PUBLISH);
            assertThat(action.params().toString()).isEqualTo("{\"who\":\"Ada\",\"amount\":250}");
            assertThat(action.reason()).isNull();
        });
    }

    @Test
    void aConditionThatGivesANonBoolFails() throws IOException {
        Workflow w = workflow("[{\"type\": \"notify\", \"when\": \"payload.x\"}]");

        PlannedAction action = planner.plan(w, event("{\"x\": \"yes\"}"), true).get(0);

        assertThat(action.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(action.reason())
                .startsWith("workflow 'w', action 0 (notify), when: ")
                .contains("string")
                .contains("not a bool");
    }

    @Test
    void aFailedConditionNamesTheWorkflowActionTypeFieldAndCelsMessage() throws IOException {
        Workflow w = workflow("[{\"type\": \"first\"}, {\"type\": \"notify\", \"when\": \"payload.missing == 1\"}]");

        PlannedAction action = planner.plan(w, event("{}"), true).get(1);

        assertThat(action.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(action.reason())
                .startsWith("workflow 'w', action 1 (notify), when: ")
                .contains("CEL:")
                .contains("'missing'");
    }

    @Test
    void aFailedParamNamesTheWorkflowActionTypePointerAndCelsMessage() throws IOException {
        Workflow w = workflow("[{\"type\": \"open_issue\", \"params\": {\"title\": \"{{ payload.issue.title }}\"}}]");

        PlannedAction action = planner.plan(w, event("{\"issue\": {}}"), true).get(0);

        assertThat(action.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(action.params()).isNull();
        assertThat(action.reason())
                .startsWith("workflow 'w', action 0 (open_issue), params/title: ")
                .contains("CEL:")
                .contains("'title'");
    }

    @Test
    void dispatchStopsAtTheFirstFailure() throws IOException {
        Workflow w = workflow("[{\"type\": \"a\", \"params\": {\"v\": \"{{ payload.v }}\"}},"
                + " {\"type\": \"b\", \"params\": {\"v\": \"{{ payload.nope }}\"}},"
                + " {\"type\": \"c\", \"params\": {\"v\": \"{{ payload.other }}\"}}]");

        List<PlannedAction> planned = planner.plan(w, event("{\"v\": 1}"), true);

        assertThat(planned).extracting(PlannedAction::outcome).containsExactly(Outcome.PUBLISH, Outcome.FAILED);
    }

    @Test
    void theDryRunPlansEveryAction() throws IOException {
        Workflow w = workflow("[{\"type\": \"a\", \"params\": {\"v\": \"{{ payload.v }}\"}},"
                + " {\"type\": \"b\", \"params\": {\"v\": \"{{ payload.nope }}\"}},"
                + " {\"type\": \"c\", \"when\": \"payload.v == 2\"},"
                + " {\"type\": \"d\", \"params\": {\"v\": \"{{ payload.other }}\"}},"
                + " {\"type\": \"e\", \"params\": {\"fixed\": true}}]");

        List<PlannedAction> planned = planner.plan(w, event("{\"v\": 1}"), false);

        assertThat(planned)
                .extracting(PlannedAction::outcome)
                .containsExactly(Outcome.PUBLISH, Outcome.FAILED, Outcome.SKIPPED, Outcome.FAILED, Outcome.PUBLISH);
        assertThat(planned).extracting(p -> p.action().type()).containsExactly("a", "b", "c", "d", "e");
    }

    @Test
    void renderedParamsLargerThanTheLimitFail() throws IOException {
        ActionPlanner small = new ActionPlanner(JSON, 50);
        Workflow w = workflow("[{\"type\": \"t\", \"params\": {\"text\": \"{{ payload.text }}\"}}]");

        PlannedAction fits = small.plan(w, event("{\"text\": \"short\"}"), true).get(0);
        PlannedAction tooLarge = small.plan(w, event("{\"text\": \"" + "x".repeat(100) + "\"}"), true)
                .get(0);

        assertThat(fits.outcome()).isEqualTo(Outcome.PUBLISH);
        assertThat(tooLarge.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(tooLarge.reason())
                .startsWith("workflow 'w', action 0 (t), params: ")
                .contains("limit of 50 bytes");
    }

    @Test
    void aHugeListSelectedIntoParamsFailsTheLimitInsteadOfExhaustingMemory() {
        ArrayNode items = JSON.createArrayNode();
        for (int i = 0; i < 200_000; i++) {
            items.add(i);
        }
        ObjectNode payload = JSON.createObjectNode().set("items", items);
        Workflow w = workflow("[{\"type\": \"t\", \"params\": {\"items\": \"{{ payload.items }}\"}}]");

        PlannedAction action = planner.plan(w, event(Map.of(), payload), true).get(0);

        assertThat(action.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(action.reason()).contains("limit of " + MAX_PARAMS_BYTES + " bytes");
    }

    @Test
    void aGithubPushStartsABuildAndLogsIt() throws IOException {
        Workflow github = BundledWorkflows.catalog().find("github-events").orElseThrow();

        List<PlannedAction> planned = planner.plan(github, fixture("github-push.json", "push"), false);

        assertThat(planned)
                .extracting(p -> p.action().type())
                .containsExactly("start_build", "request_review", "log_evento");
        PlannedAction build = planned.get(0);
        assertThat(build.outcome()).isEqualTo(Outcome.PUBLISH);
        assertThat(build.action().queue()).isEqualTo("ci_builds");
        assertThat(build.params().get("commits").isNumber()).isTrue();
        assertThat(build.params().get("commits").asInt()).isEqualTo(2);
        assertThat(build.params().get("repository").asText()).isEqualTo("octocat/Hello-World");
        assertThat(build.params().get("commit").asText()).isEqualTo("59b20b8d5c6ff8d09518454d4dd8b7b30f095ab5");
        assertThat(build.params().get("pusher").asText()).isEqualTo("octocat");
        assertThat(planned.get(1).outcome()).isEqualTo(Outcome.SKIPPED);
        assertThat(planned.get(2).outcome()).isEqualTo(Outcome.PUBLISH);
        assertThat(planned.get(2).params().get("mensaje").asText())
                .isEqualTo("GitHub push event on octocat/Hello-World");
    }

    @Test
    void aGithubPullRequestRequestsAReview() throws IOException {
        Workflow github = BundledWorkflows.catalog().find("github-events").orElseThrow();

        List<PlannedAction> planned = planner.plan(github, fixture("github-pull-request.json", "pull_request"), false);

        assertThat(planned)
                .extracting(PlannedAction::outcome)
                .containsExactly(Outcome.SKIPPED, Outcome.PUBLISH, Outcome.PUBLISH);
        PlannedAction review = planned.get(1);
        assertThat(review.action().queue()).isEqualTo("code_reviews");
        assertThat(review.params().get("number").isIntegralNumber()).isTrue();
        assertThat(review.params().get("number").asInt()).isEqualTo(1347);
        assertThat(review.params().get("reviewers").toString()).isEqualTo("[\"hubot\",\"monalisa\"]");
        assertThat(review.params().get("title").asText()).isEqualTo("#1347: Amazing new feature");
        assertThat(review.params().get("author").asText()).isEqualTo("octocat");
        assertThat(review.params().get("draft").isBoolean()).isTrue();
        assertThat(review.params().get("draft").booleanValue()).isFalse();
        assertThat(planned.get(2).params().get("mensaje").asText())
                .isEqualTo("GitHub pull_request event on octocat/Hello-World");
    }

    @Test
    void anEventThatRunsOutTheEvaluationBudgetFailsWithTheReasonForEveryActionLeft() {
        // 250 copies of a 100,000-character note: 50 MB of strings before the params' size was ever measured.
        Workflow w = workflow(
                "[{\"type\": \"t\", \"params\": {\"lines\": \"{{ payload.items.map(i, i.sku + ': ' + payload.note) }}\"}},"
                        + " {\"type\": \"u\", \"when\": \"size(payload.items) > 0\"}]");
        ObjectNode payload = JSON.createObjectNode().put("note", "n".repeat(100_000));
        ArrayNode items = payload.putArray("items");
        for (int i = 0; i < 250; i++) {
            items.addObject().put("sku", "sku-" + i);
        }
        String reason =
                "the event's expressions built more than 2097152 bytes of strings, lists and maps (WERKEN_CEL_MAX_BYTES)";

        List<PlannedAction> dispatch = planner.plan(w, event(Map.of(), payload), true);
        List<PlannedAction> dryRun = planner.plan(w, event(Map.of(), payload), false);

        assertThat(dispatch).singleElement().satisfies(action -> {
            assertThat(action.outcome()).isEqualTo(Outcome.FAILED);
            assertThat(action.reason()).isEqualTo("workflow 'w', action 0 (t), params/lines: " + reason);
        });
        assertThat(dryRun).extracting(PlannedAction::outcome).containsExactly(Outcome.FAILED, Outcome.FAILED);
        assertThat(dryRun.get(1).reason()).isEqualTo("workflow 'w', action 1 (u), when: " + reason);
    }
}
