package io.werken.ingest;

import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.JsonNode;
import io.werken.core.ExchangeProperties;
import io.werken.core.ProblemType;
import io.werken.core.WebhookRejectedException;
import io.werken.workflow.CurrentWorkflows;
import io.werken.workflow.Workflow;
import io.werken.workflow.BundledWorkflows;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The validator's decisions, request by request: which are accepted and which 4xx the others get. */
class WebhookRequestValidatorTest {

    private WebhookRequestValidator validator;

    @BeforeEach
    void setUp() {
        validator = new WebhookRequestValidator(new CurrentWorkflows(BundledWorkflows.catalog()), 64);
    }

    private static Exchange request(String method, String workflowId, String contentType, String body) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getMessage().setHeader(Exchange.HTTP_METHOD, method);
        exchange.getMessage().setHeader("workflow_id", workflowId);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, contentType);
        exchange.getMessage().setBody(body == null ? null : body.getBytes(StandardCharsets.UTF_8));
        return exchange;
    }

    private ProblemType rejection(Exchange exchange) {
        try {
            validator.process(exchange);
        } catch (WebhookRejectedException e) {
            return e.problemType();
        }
        throw new AssertionError("request was accepted");
    }

    @Test
    void aValidWebhookBecomesItsJsonAndWorkflow() {
        Exchange exchange = request("POST", "mi-workflow", "application/json", "{\"user_id\": 123}");

        validator.process(exchange);

        assertThat(exchange.getMessage().getBody(JsonNode.class).get("user_id").asInt()).isEqualTo(123);
        assertThat(exchange.getProperty(ExchangeProperties.WORKFLOW, Workflow.class).id()).isEqualTo("mi-workflow");
    }

    @ParameterizedTest
    @ValueSource(strings = { "application/json", "application/json; charset=utf-8", "Application/JSON;charset=UTF-8",
        "application/cloudevents+json", "application/json; charset=\"utf-8\"" })
    void jsonContentTypesAreAccepted(String contentType) {
        validator.process(request("POST", "mi-workflow", contentType, "{}"));
    }

    @ParameterizedTest
    @ValueSource(strings = { "text/plain", "application/x-www-form-urlencoded", "application/json; charset=latin1",
        "application/xml", " " })
    void otherContentTypesAre415(String contentType) {
        assertThat(rejection(request("POST", "mi-workflow", contentType, "{}"))).isEqualTo(ProblemType.UNSUPPORTED_MEDIA_TYPE);
    }

    @Test
    void theMethodIsCheckedFirstAndAnswersWithAllow() {
        assertThatThrownBy(() -> validator.process(request("PUT", "nope", "text/plain", "")))
                .isInstanceOfSatisfying(WebhookRejectedException.class, e -> {
                    assertThat(e.problemType()).isEqualTo(ProblemType.METHOD_NOT_ALLOWED);
                    assertThat(e.responseHeaders()).containsEntry("Allow", "POST");
                });
    }

    @Test
    void anUnknownWorkflowIs404() {
        assertThat(rejection(request("POST", "nope", "application/json", "{}"))).isEqualTo(ProblemType.UNKNOWN_WORKFLOW);
    }

    @ParameterizedTest
    @ValueSource(strings = { "", "{", "{\"a\":1} trailing", "{\"a\":1,\"a\":2}", "{'a':1}", "[1,2,]", "nul" })
    void malformedBodiesAre400(String body) {
        assertThat(rejection(request("POST", "mi-workflow", "application/json", body))).isEqualTo(ProblemType.INVALID_JSON);
    }

    @Test
    void nestingDeeperThanTheLimitIs400() {
        String deep = "[".repeat(65) + "]".repeat(65);
        String limit = "[".repeat(64) + "]".repeat(64);
        assertThat(rejection(request("POST", "mi-workflow", "application/json", deep))).isEqualTo(ProblemType.INVALID_JSON);
        validator.process(request("POST", "mi-workflow", "application/json", limit));
    }

    @Test
    void aNumberOfThousandsOfDigitsIs400() {
        String huge = "{\"n\": " + "9".repeat(1001) + "}";
        assertThat(rejection(request("POST", "mi-workflow", "application/json", huge))).isEqualTo(ProblemType.INVALID_JSON);
    }

    @Test
    void decimalsKeepEveryDigit() {
        Exchange exchange = request("POST", "mi-workflow", "application/json", "{\"amount\": 0.12345678901234567890123, \"one\": 1.0}");

        validator.process(exchange);

        assertThat(exchange.getMessage().getBody(JsonNode.class).toString())
                .isEqualTo("{\"amount\":0.12345678901234567890123,\"one\":1.0}");
    }

    @Test
    void invalidUtf8Is400() {
        Exchange exchange = request("POST", "mi-workflow", "application/json", null);
        exchange.getMessage().setBody(new byte[] { '"', (byte) 0xC3, (byte) 0x28, '"' });
        assertThat(rejection(exchange)).isEqualTo(ProblemType.INVALID_JSON);
    }
}
