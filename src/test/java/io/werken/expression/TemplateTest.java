package io.werken.expression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.werken.core.WerkenJson;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What one templated param value renders to: values as JSON, interpolated text, literals, and CEL's rules. */
class TemplateTest {

    private static final ObjectMapper JSON = WerkenJson.mapper();

    /** Renders {@code {"v": template}} against {@code payload} and returns the rendered {@code v}. */
    private static JsonNode render(String template, String payload) throws Exception {
        return render(template, payload, Map.of(), Map.of(), new ExpressionCompiler(1000));
    }

    private static JsonNode render(
            String template,
            String payload,
            Map<String, String> headers,
            Map<String, String> event,
            ExpressionCompiler compiler)
            throws Exception {
        ObjectNode params = JSON.createObjectNode().put("v", template);
        ParamsTemplate compiled = ParamsTemplate.compile(params, compiler);
        return compiled.render(new Bindings(JSON.readTree(payload), headers, event))
                .get("v");
    }

    private static String payloadWithItems(int count) throws JsonProcessingException {
        ArrayNode items = JSON.createArrayNode();
        for (int i = 1; i <= count; i++) {
            items.add(i);
        }
        return JSON.writeValueAsString(JSON.createObjectNode().set("items", items));
    }

    @Test
    void aHugeIntegerPassesThroughExactly() throws Exception {
        JsonNode value = render("{{ payload.x }}", "{\"x\": 12345678901234567890123}");

        assertThat(value.toString()).isEqualTo("12345678901234567890123");
    }

    @Test
    void decimalsPassThroughExactlyWithTheirTrailingZeros() throws Exception {
        assertThat(render("{{ payload.x }}", "{\"x\": 0.1}").toString()).isEqualTo("0.1");
        assertThat(render("{{ payload.x }}", "{\"x\": 0.10}").toString()).isEqualTo("0.10");
    }

    @Test
    void unicodeStringsPassThroughUnchanged() throws Exception {
        JsonNode value = render("{{ payload.name }}", "{\"name\": \"Ñandú ☃ 日本語 😀\"}");

        assertThat(value.isTextual()).isTrue();
        assertThat(value.textValue()).isEqualTo("Ñandú ☃ 日本語 😀");
    }

    @Test
    void aSelectedObjectKeepsItsKeyOrder() throws Exception {
        JsonNode value = render(
                "{{ payload.obj }}", "{\"obj\": {\"z\": 1, \"a\": {\"y\": [true, null], \"b\": \"x\"}, \"m\": 2}}");

        assertThat(value.toString()).isEqualTo("{\"z\":1,\"a\":{\"y\":[true,null],\"b\":\"x\"},\"m\":2}");
    }

    @Test
    void aSelectedListStaysAList() throws Exception {
        JsonNode value = render("{{ payload.list }}", "{\"list\": [1, \"two\", 3.0, {\"four\": 4}]}");

        assertThat(value.isArray()).isTrue();
        assertThat(value.toString()).isEqualTo("[1,\"two\",3.0,{\"four\":4}]");
    }

    @Test
    void nullBecomesJsonNull() throws Exception {
        JsonNode value = render("{{ payload.x }}", "{\"x\": null}");

        assertThat(value.isNull()).isTrue();
    }

    @Test
    void booleansStayBooleans() throws Exception {
        assertThat(render("{{ payload.on }}", "{\"on\": true}").isBoolean()).isTrue();
        assertThat(render("{{ payload.on }}", "{\"on\": true}").booleanValue()).isTrue();
        assertThat(render("{{ payload.off }}", "{\"off\": false}").booleanValue())
                .isFalse();
    }

    @Test
    void jsonIntegersAreCelIntsInComparisons() throws Exception {
        JsonNode value = render("{{ payload.user.age > 30 }}", "{\"user\": {\"age\": 31}}");

        assertThat(value.isBoolean()).isTrue();
        assertThat(value.booleanValue()).isTrue();
    }

    @Test
    void integerArithmeticGivesANumber() throws Exception {
        JsonNode value = render("{{ payload.n + 1 }}", "{\"n\": 41}");

        assertThat(value.isNumber()).isTrue();
        assertThat(value.toString()).isEqualTo("42");
    }

    @Test
    void textAroundTemplatesMakesAString() throws Exception {
        JsonNode value =
                render("Hello {{ payload.name }}, you are {{ payload.age }}", "{\"name\": \"Ada\", \"age\": 36}");

        assertThat(value.isTextual()).isTrue();
        assertThat(value.textValue()).isEqualTo("Hello Ada, you are 36");
    }

    @Test
    void aNonStringValueIsInterpolatedAsItsJsonText() throws Exception {
        JsonNode value = render(
                "ids: {{ payload.ids }}; meta: {{ payload.meta }}", "{\"ids\": [1, 2], \"meta\": {\"k\": \"v\"}}");

        assertThat(value.textValue()).isEqualTo("ids: [1,2]; meta: {\"k\":\"v\"}");
    }

    @Test
    void aLiteralOpeningIsWrittenAsACelString() throws Exception {
        assertThat(render("{{ '{{' }}", "{}").textValue()).isEqualTo("{{");
    }

    @Test
    void closingBracesInsideACelStringDoNotEndTheTemplate() throws Exception {
        assertThat(render("a {{ '}}' }} b", "{}").textValue()).isEqualTo("a }} b");
    }

    @Test
    void aCelMapLiteralBecomesAnObject() throws Exception {
        JsonNode value = render("{{ {'a': {'b': 1}} }}", "{}");

        assertThat(value.isObject()).isTrue();
        assertThat(value.toString()).isEqualTo("{\"a\":{\"b\":1}}");
    }

    @Test
    void aPayloadStringThatLooksLikeATemplateIsPassedOnLiterally() throws Exception {
        String payload = "{\"text\": \"{{ payload.secret }}\", \"secret\": \"s3cret\"}";

        assertThat(render("{{ payload.text }}", payload).textValue()).isEqualTo("{{ payload.secret }}");
        assertThat(render("said: {{ payload.text }}", payload).textValue()).isEqualTo("said: {{ payload.secret }}");
    }

    @Test
    void aMissingKeyFailsNamingTheKey() {
        assertThatThrownBy(() -> render("{{ payload.absent }}", "{\"present\": 1}"))
                .isInstanceOf(ParamsTemplate.ParamsException.class)
                .hasMessageContaining("CEL:")
                .hasMessageContaining("'absent'");
    }

    @Test
    void hasGivesADefaultForAnOptionalField() throws Exception {
        String template = "{{ has(payload.nick) ? payload.nick : 'default' }}";

        assertThat(render(template, "{\"nick\": \"ada\"}").textValue()).isEqualTo("ada");
        assertThat(render(template, "{}").textValue()).isEqualTo("default");
    }

    @Test
    void aResultThatIsNotAJsonNumberFailsClearly() {
        assertThatThrownBy(() -> render("{{ 1.0/0.0 }}", "{}"))
                .isInstanceOf(ParamsTemplate.ParamsException.class)
                .hasMessageContaining("Infinity")
                .hasMessageContaining("not a JSON number");
        assertThatThrownBy(() -> render("{{ 0.0/0.0 }}", "{}"))
                .isInstanceOf(ParamsTemplate.ParamsException.class)
                .hasMessageContaining("NaN")
                .hasMessageContaining("not a JSON number");
    }

    @Test
    void aComprehensionOverTheLimitFails() throws Exception {
        String payload = payloadWithItems(100);

        assertThatThrownBy(() -> render(
                        "{{ payload.items.map(i, i) }}", payload, Map.of(), Map.of(), new ExpressionCompiler(10)))
                .isInstanceOf(ParamsTemplate.ParamsException.class)
                .hasMessageContaining("CEL:")
                .hasMessageContaining("evaluation error");
    }

    @Test
    void aComprehensionWithinTheLimitWorks() throws Exception {
        JsonNode value = render(
                "{{ payload.items.map(i, i) }}", payloadWithItems(5), Map.of(), Map.of(), new ExpressionCompiler(10));

        assertThat(value.toString()).isEqualTo("[1,2,3,4,5]");
    }

    @Test
    void headersAreAMapByLowerCaseName() throws Exception {
        Map<String, String> headers = Map.of("x-github-event", "push", "x-a", "1");
        ExpressionCompiler compiler = new ExpressionCompiler(1000);

        assertThat(render("{{ headers['x-github-event'] }}", "{}", headers, Map.of(), compiler)
                        .textValue())
                .isEqualTo("push");
        assertThat(render("{{ 'x-a' in headers }}", "{}", headers, Map.of(), compiler)
                        .booleanValue())
                .isTrue();
        assertThat(render("{{ 'x-a' in headers }}", "{}", Map.of(), Map.of(), compiler)
                        .booleanValue())
                .isFalse();
    }

    @Test
    void theEventIsAMapOfItsIdentity() throws Exception {
        Map<String, String> event = Map.of("id", "evt-42", "workflow_id", "w", "received_at", "2026-12-01T10:00:00Z");

        JsonNode value = render(
                "{{ event.id }} of {{ event.workflow_id }}", "{}", Map.of(), event, new ExpressionCompiler(1000));

        assertThat(value.textValue()).isEqualTo("evt-42 of w");
    }
}
