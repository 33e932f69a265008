package io.werken.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.werken.core.ExchangeProperties;
import io.werken.core.ProblemException;
import io.werken.core.ProblemType;
import io.werken.workflow.BundledWorkflows;
import io.werken.workflow.CurrentWorkflows;
import io.werken.workflow.Workflow;
import java.nio.charset.StandardCharsets;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The validator's decisions, request by request: which are accepted and which 4xx the others get. */
class WebhookRequestValidatorTest {

    private WebhookRequestValidator validator;

    @BeforeEach
    void setUp() {
        validator = new WebhookRequestValidator(new CurrentWorkflows(BundledWorkflows.catalog()), 64, 400);
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
        return refusal(exchange).problemType();
    }

    private ProblemException refusal(Exchange exchange) {
        try {
            validator.process(exchange);
        } catch (ProblemException e) {
            return e;
        }
        throw new AssertionError(
                "request was accepted: " + exchange.getMessage().getBody());
    }

    private static Exchange bytes(byte... body) {
        Exchange exchange = request("POST", "mi-workflow", "application/json", null);
        exchange.getMessage().setBody(body);
        return exchange;
    }

    private static byte[] concat(String before, byte[] middle, String after) {
        byte[] head = before.getBytes(StandardCharsets.UTF_8);
        byte[] tail = after.getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[head.length + middle.length + tail.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(middle, 0, all, head.length, middle.length);
        System.arraycopy(tail, 0, all, head.length + middle.length, tail.length);
        return all;
    }

    @Test
    void aValidWebhookBecomesItsJsonAndWorkflow() {
        Exchange exchange = request("POST", "mi-workflow", "application/json", "{\"user_id\": 123}");

        validator.process(exchange);

        assertThat(exchange.getMessage().getBody(JsonNode.class).get("user_id").asInt())
                .isEqualTo(123);
        assertThat(exchange.getProperty(ExchangeProperties.WORKFLOW, Workflow.class)
                        .id())
                .isEqualTo("mi-workflow");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "application/json",
                "application/json; charset=utf-8",
                "Application/JSON;charset=UTF-8",
                "application/cloudevents+json",
                "application/json; charset=\"utf-8\""
            })
    void jsonContentTypesAreAccepted(String contentType) {
        validator.process(request("POST", "mi-workflow", contentType, "{}"));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "text/plain",
                "application/x-www-form-urlencoded",
                "application/json; charset=latin1",
                "application/xml",
                " "
            })
    void otherContentTypesAre415(String contentType) {
        assertThat(rejection(request("POST", "mi-workflow", contentType, "{}")))
                .isEqualTo(ProblemType.UNSUPPORTED_MEDIA_TYPE);
    }

    @Test
    void theMethodIsCheckedFirstAndAnswersWithAllow() {
        assertThatThrownBy(() -> validator.process(request("PUT", "nope", "text/plain", "")))
                .isInstanceOfSatisfying(ProblemException.class, e -> {
                    assertThat(e.problemType()).isEqualTo(ProblemType.METHOD_NOT_ALLOWED);
                    assertThat(e.responseHeaders()).containsEntry("Allow", "POST");
                });
    }

    @Test
    void anUnknownWorkflowIs404() {
        assertThat(rejection(request("POST", "nope", "application/json", "{}")))
                .isEqualTo(ProblemType.UNKNOWN_WORKFLOW);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "{", "{\"a\":1} trailing", "{\"a\":1,\"a\":2}", "{'a':1}", "[1,2,]", "nul"})
    void malformedBodiesAre400(String body) {
        assertThat(rejection(request("POST", "mi-workflow", "application/json", body)))
                .isEqualTo(ProblemType.INVALID_JSON);
    }

    @Test
    void nestingDeeperThanTheLimitIs400() {
        String deep = "[".repeat(65) + "]".repeat(65);
        String limit = "[".repeat(64) + "]".repeat(64);
        assertThat(rejection(request("POST", "mi-workflow", "application/json", deep)))
                .isEqualTo(ProblemType.INVALID_JSON);
        validator.process(request("POST", "mi-workflow", "application/json", limit));
    }

    @Test
    void aNumberOfThousandsOfDigitsIs400() {
        String huge = "{\"n\": " + "9".repeat(1001) + "}";
        assertThat(rejection(request("POST", "mi-workflow", "application/json", huge)))
                .isEqualTo(ProblemType.INVALID_JSON);
    }

    @Test
    void decimalsKeepEveryDigit() {
        Exchange exchange = request(
                "POST", "mi-workflow", "application/json", "{\"amount\": 0.12345678901234567890123, \"one\": 1.0}");

        validator.process(exchange);

        assertThat(exchange.getMessage().getBody(JsonNode.class).toString())
                .isEqualTo("{\"amount\":0.12345678901234567890123,\"one\":1.0}");
    }

    @Test
    void invalidUtf8Is400() {
        Exchange exchange = request("POST", "mi-workflow", "application/json", null);
        exchange.getMessage().setBody(new byte[] {'"', (byte) 0xC3, (byte) 0x28, '"'});
        assertThat(rejection(exchange)).isEqualTo(ProblemType.INVALID_JSON);
    }

    /** Numbers of every shape whose exponent or scale is beyond 400, as the value, in arrays and objects, and alone. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"m\": 1e999999}",
                "{\"n\": 1e2147483648}",
                "{\"n\": 1e-2147483649}",
                "{\"n\": 1E99999999999999999999}",
                "[1, 2, 1e-999999]",
                "{\"a\": {\"b\": [12.5E+400000]}}",
                "-7.25e401",
                "1e-401",
                "0.5e-400",
                "{\"z\": 0e999}",
                "{\"z\": -0.0e-1000}",
                "{\"z\": 1234.5e398}"
            })
    void numbersWithAnAbsurdExponentOrScaleAre400(String body) {
        ProblemException refused = refusal(request("POST", "mi-workflow", "application/json", body));

        assertThat(refused.problemType()).isEqualTo(ProblemType.INVALID_JSON);
        assertThat(refused.getMessage())
                .contains("out of range", "400", "WERKEN_MAX_JSON_NUMBER_EXPONENT", "line 1, column");
    }

    @Test
    void theRefusalNamesWhereTheNumberIs() {
        assertThat(refusal(request("POST", "mi-workflow", "application/json", "{\"a\": {\"b\": [1, 12.5E+400000]}}"))
                        .getMessage())
                .contains("number at /a/b/1 out of range", "(line 1, column 17)");
        assertThat(refusal(request("POST", "mi-workflow", "application/json", "\n  -0.0000000001e-999999"))
                        .getMessage())
                .contains("number at the top level", "(line 2, column 3)");
    }

    /** Up to the limit every number reads exactly as sent: doubles' whole range, subnormals, and long decimals. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "1e400",
                "-1E-400",
                "1.7976931348623157E308",
                "4.9E-324",
                "4.9406564584124654E-324",
                "1234.5e397",
                "0.00000000000000000000000000000000000001",
                "1e+0",
                "-0.0",
                "0e-400",
                "123456789012345678901234567890",
                "0.1234567890123456789012345678901234567890123456789"
            })
    void numbersWithinTheLimitKeepEveryDigit(String number) {
        Exchange exchange = request("POST", "mi-workflow", "application/json", "[" + number + "]");

        validator.process(exchange);

        assertThat(exchange.getMessage().getBody(JsonNode.class).get(0).decimalValue())
                .isEqualByComparingTo(new java.math.BigDecimal(number));
    }

    /** Sequences Jackson alone would accept and alter: overlong forms, CESU-8 surrogates, code points past U+10FFFF. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "C080",
                "C0AF",
                "C1BF",
                "E080AF",
                "E09FBF",
                "F0808080",
                "F08FBFBF",
                "EDA080",
                "EDBFBF",
                "EDA0BDEDB880",
                "F4908080",
                "F7BFBFBF",
                "F88080808080",
                "FC8080808080",
                "FE",
                "FF",
                "80",
                "BF",
                "C3",
                "E282",
                "F09F98",
                "C328",
                "E228A1",
                "F0289F98"
            })
    void bytesThatAreNotUtf8InAStringAre400(String hex) {
        ProblemException refused =
                refusal(bytes(concat("{\"s\": \"a", java.util.HexFormat.of().parseHex(hex), "\"}")));

        assertThat(refused.problemType()).isEqualTo(ProblemType.INVALID_JSON);
        assertThat(refused.getMessage()).contains("not valid UTF-8", "at byte 8");
    }

    @Test
    void theRefusalSaysWhatIsWrongWithTheBytes() {
        assertThat(refusal(bytes(concat("{\"s\": \"", new byte[] {(byte) 0xC0, (byte) 0xAF}, "\"}")))
                        .getMessage())
                .contains("an overlong encoding at byte 7");
        assertThat(refusal(bytes(concat("{\"s\": \"", new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, "\"}")))
                        .getMessage())
                .contains("an encoded UTF-16 surrogate at byte 7");
        assertThat(refusal(bytes(concat("[\"", new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, "\"]")))
                        .getMessage())
                .contains("a code point above U+10FFFF at byte 2");
    }

    /** The longest of each form, the code points next to the surrogates and U+10FFFF itself are UTF-8. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "7F",
                "C280",
                "DFBF",
                "E0A080",
                "ED9FBF",
                "EE8080",
                "EFBFBF",
                "F0908080",
                "F48FBFBF",
                "F09F9880",
                "E282AC"
            })
    void everyWellFormedSequenceIsAcceptedAsSent(String hex) {
        byte[] sequence = java.util.HexFormat.of().parseHex(hex);
        Exchange exchange = bytes(concat("{\"s\": \"", sequence, "\"}"));

        validator.process(exchange);

        assertThat(exchange.getMessage().getBody(JsonNode.class).get("s").textValue())
                .isEqualTo(new String(sequence, StandardCharsets.UTF_8));
    }

    /** Jackson would detect these encodings from the bytes and read them: JSON is UTF-8 (RFC 8259). */
    @ParameterizedTest
    @ValueSource(
            strings = {"UTF-16BE", "UTF-16LE", "UTF-16", "UTF-32BE", "UTF-32LE", "x-UTF-32BE-BOM", "x-UTF-32LE-BOM"})
    void utf16AndUtf32BodiesAre400WithOrWithoutAByteOrderMark(String charset) {
        byte[] body = "{\"user_id\": 123}".getBytes(java.nio.charset.Charset.forName(charset));

        ProblemException refused = refusal(bytes(body));

        assertThat(refused.problemType()).isEqualTo(ProblemType.INVALID_JSON);
        assertThat(refused.getMessage()).containsAnyOf("looks like UTF-16 or UTF-32", "byte order mark");
    }

    @Test
    void aUtf8ByteOrderMarkIsIgnoredAsRfc8259Allows() {
        Exchange exchange = bytes(concat("", new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, "{\"user_id\": 123}"));

        validator.process(exchange);

        assertThat(exchange.getMessage().getBody(JsonNode.class).get("user_id").asInt())
                .isEqualTo(123);
    }

    @Test
    void theBodysJsonValueIsKeptAsSentWithoutAByteOrderMarkOrTheWhitespaceAroundIt() {
        String value = "{\"b\": 1.0,\n \"a\" : [1e2, -0, \"\\u00e9\"] }";
        Exchange exchange =
                bytes(concat("", new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, " \r\n\t" + value + "\n \t"));

        validator.process(exchange);

        assertThat(exchange.getProperty(ExchangeProperties.PAYLOAD_BYTES, byte[].class))
                .isEqualTo(value.getBytes(StandardCharsets.UTF_8));
        Exchange scalar = request("POST", "mi-workflow", "application/json", "  -0.50E+3\n");
        validator.process(scalar);
        assertThat(scalar.getProperty(ExchangeProperties.PAYLOAD_BYTES, byte[].class))
                .isEqualTo("-0.50E+3".getBytes(StandardCharsets.UTF_8));
        Exchange bare = request("POST", "mi-workflow", "application/json", "\"\u00e9\"");
        validator.process(bare);
        assertThat(bare.getProperty(ExchangeProperties.PAYLOAD_BYTES, byte[].class))
                .isEqualTo("\"\u00e9\"".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aNulByteAnywhereIsRefused() {
        assertThat(rejection(bytes(concat("{\"s\": \"a", new byte[] {0}, "\"}"))))
                .isEqualTo(ProblemType.INVALID_JSON);
        assertThat(rejection(bytes(concat("", new byte[] {0}, "{}")))).isEqualTo(ProblemType.INVALID_JSON);
    }
}
