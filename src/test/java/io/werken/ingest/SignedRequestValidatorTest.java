package io.werken.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.werken.core.ProblemException;
import io.werken.core.ProblemType;
import io.werken.verify.TestSigner;
import io.werken.workflow.CurrentWorkflows;
import io.werken.workflow.SecretResolver;
import io.werken.workflow.WorkflowCatalog;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

/** Where the signature check sits among the validator's checks: after the workflow, before content type and body. */
class SignedRequestValidatorTest {

    private static final String SECRET = "gh-secret";

    private final WebhookRequestValidator validator = new WebhookRequestValidator(
            new CurrentWorkflows(WorkflowCatalog.load(
                    "test.json",
                    new ByteArrayInputStream("""
                    {"gh": {"verify": {"scheme": "github", "secrets": ["env:GH"]}, "actions": [{"type": "t"}]}}
                    """.getBytes(StandardCharsets.UTF_8)),
                    WorkflowCatalog.Settings.withSecrets(SecretResolver.of(Map.of("GH", SECRET))))),
            64,
            400);

    private static Exchange request(String contentType, byte[] body, Object signature) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getMessage().setHeader(Exchange.HTTP_METHOD, "POST");
        exchange.getMessage().setHeader("workflow_id", "gh");
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, contentType);
        exchange.getMessage().setHeader("X-Hub-Signature-256", signature);
        exchange.getMessage().setBody(body);
        return exchange;
    }

    private ProblemType rejection(Exchange exchange) {
        try {
            validator.process(exchange);
        } catch (ProblemException e) {
            return e.problemType();
        }
        throw new AssertionError("request was accepted");
    }

    @Test
    void aSignedRequestIsParsedAfterItsSignatureChecksOut() {
        byte[] body = "{\"n\": 1}".getBytes(StandardCharsets.UTF_8);
        Exchange exchange = request("application/json", body, TestSigner.github(SECRET, body));

        validator.process(exchange);

        assertThat(exchange.getMessage().getBody(JsonNode.class).get("n").asInt())
                .isEqualTo(1);
    }

    @Test
    void theSignatureIsCheckedBeforeTheContentTypeAndTheBody() {
        byte[] notJson = "not json".getBytes(StandardCharsets.UTF_8);

        assertThat(rejection(request("text/plain", notJson, null))).isEqualTo(ProblemType.SIGNATURE_MISSING);
        assertThat(rejection(request("text/plain", notJson, TestSigner.github(SECRET, notJson))))
                .isEqualTo(ProblemType.UNSUPPORTED_MEDIA_TYPE);
        assertThat(rejection(request("application/json", notJson, TestSigner.github(SECRET, notJson))))
                .isEqualTo(ProblemType.INVALID_JSON);
        assertThat(rejection(request("application/json", new byte[0], TestSigner.github("other", new byte[0]))))
                .isEqualTo(ProblemType.SIGNATURE_MISMATCH);
    }

    @Test
    void aSignatureHeaderSentTwiceIsRefusedRatherThanGuessedAt() {
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        String good = TestSigner.github(SECRET, body);

        assertThatThrownBy(() -> validator.process(request("application/json", body, List.of("sha256=00", good))))
                .isInstanceOfSatisfying(
                        ProblemException.class,
                        e -> assertThat(e.problemType()).isEqualTo(ProblemType.SIGNATURE_MALFORMED));
    }
}
