package io.werken.expression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.werken.core.WerkenJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** An action's params as a whole: constant params as written, templates at any depth, errors by JSON Pointer. */
class ParamsTemplateTest {

    private static final ObjectMapper JSON = WerkenJson.mapper();
    private static final ExpressionCompiler COMPILER = new ExpressionCompiler(1000);

    private static ObjectNode params(String json) throws Exception {
        return (ObjectNode) JSON.readTree(json);
    }

    private static Bindings payload(String json) throws Exception {
        return new Bindings(JSON.readTree(json), Map.of(), Map.of());
    }

    @Test
    void paramsWithoutTemplatesAreTheWorkflowsOwnObject() throws Exception {
        ObjectNode params = params("{\"to\": \"a@example.com\", \"n\": 0.10, \"tags\": [\"x\", {\"y\": \"}} {\"}]}");

        ParamsTemplate template = ParamsTemplate.compile(params, COMPILER);

        assertThat(template.isConstant()).isTrue();
        assertThat(template.render(payload("{}"))).isSameAs(params);
    }

    @Test
    void templatesInNestedObjectsAndArraysAreRendered() throws Exception {
        ObjectNode params = params("""
                {"kind": "order", "order": {"id": "{{ payload.id }}", "lines": ["{{ payload.first }}", "fixed", 7,
                 {"sku": "{{ payload.sku }}"}]}}""");

        ParamsTemplate template = ParamsTemplate.compile(params, COMPILER);
        ObjectNode rendered = template.render(payload("{\"id\": 12, \"first\": \"apple\", \"sku\": \"A-1\"}"));

        assertThat(template.isConstant()).isFalse();
        assertThat(rendered.toString())
                .isEqualTo(
                        "{\"kind\":\"order\",\"order\":{\"id\":12,\"lines\":[\"apple\",\"fixed\",7,{\"sku\":\"A-1\"}]}}");
    }

    @Test
    void renderingLeavesTheWrittenParamsUntouched() throws Exception {
        ObjectNode params = params("{\"id\": \"{{ payload.id }}\"}");

        ParamsTemplate.compile(params, COMPILER).render(payload("{\"id\": 5}"));

        assertThat(params.toString()).isEqualTo("{\"id\":\"{{ payload.id }}\"}");
    }

    @Test
    void keysAreNeverTemplates() throws Exception {
        ObjectNode onlyKey = params("{\"{{ payload.k }}\": \"v\"}");
        ParamsTemplate constant = ParamsTemplate.compile(onlyKey, COMPILER);

        assertThat(constant.isConstant()).isTrue();
        assertThat(constant.render(payload("{\"k\": \"x\"}")).fieldNames())
                .toIterable()
                .containsExactly("{{ payload.k }}");

        ObjectNode keyAndValue = params("{\"{{ payload.k }}\": \"{{ payload.k }}\"}");
        ObjectNode rendered = ParamsTemplate.compile(keyAndValue, COMPILER).render(payload("{\"k\": \"x\"}"));

        assertThat(rendered.toString()).isEqualTo("{\"{{ payload.k }}\":\"x\"}");
    }

    @Test
    void anUnclosedTemplateIsRefusedAtItsPointer() throws Exception {
        ObjectNode params = params("{\"title\": \"Issue {{ payload.x\"}");

        assertThatThrownBy(() -> ParamsTemplate.compile(params, COMPILER))
                .isInstanceOfSatisfying(ParamsTemplate.ParamsException.class, e -> {
                    assertThat(e.pointer()).isEqualTo("/title");
                    assertThat(e.getMessage()).contains("not closed");
                });
    }

    @Test
    void aPointerReachesIntoNestedValuesAndEscapesKeys() throws Exception {
        ObjectNode params = params("{\"a/b\": {\"list\": [\"ok\", \"{{ payload.x\"]}}");

        assertThatThrownBy(() -> ParamsTemplate.compile(params, COMPILER))
                .isInstanceOfSatisfying(
                        ParamsTemplate.ParamsException.class,
                        e -> assertThat(e.pointer()).isEqualTo("/a~1b/list/1"));
    }

    @Test
    void aCelTypeErrorIsRefusedWithTheTemplateAndCelsMessage() throws Exception {
        ObjectNode params = params("{\"sum\": \"{{ 1 + 'a' }}\"}");

        assertThatThrownBy(() -> ParamsTemplate.compile(params, COMPILER))
                .isInstanceOfSatisfying(ParamsTemplate.ParamsException.class, e -> {
                    assertThat(e.pointer()).isEqualTo("/sum");
                    assertThat(e.getMessage()).startsWith("{{").contains("CEL:");
                });
    }

    @Test
    void everyFailingTemplateIsCollected() throws Exception {
        ObjectNode params =
                params("{\"title\": \"{{ payload.x\", \"ok\": \"{{ payload.y }}\", \"sum\": \"{{ 1 + 'a' }}\"}");
        List<ParamsTemplate.ParamsException> problems = new ArrayList<>();

        ParamsTemplate template = ParamsTemplate.compile(params, COMPILER, problems);

        assertThat(template).isNull();
        assertThat(problems).extracting(ParamsTemplate.ParamsException::pointer).containsExactly("/title", "/sum");
    }

    @Test
    void aRuntimeFailureNamesThePointerOfTheValue() throws Exception {
        ObjectNode params = params("{\"user\": {\"name\": \"{{ payload.user.name }}\"}}");
        ParamsTemplate template = ParamsTemplate.compile(params, COMPILER);

        assertThatThrownBy(() -> template.render(payload("{\"user\": {}}")))
                .isInstanceOfSatisfying(ParamsTemplate.ParamsException.class, e -> {
                    assertThat(e.pointer()).isEqualTo("/user/name");
                    assertThat(e.getMessage()).contains("CEL:").contains("name");
                });
    }

    @Test
    void oneCompiledTemplateRendersEachEventOnItsOwn() throws Exception {
        ParamsTemplate template = ParamsTemplate.compile(params("{\"id\": \"{{ payload.id }}\"}"), COMPILER);

        JsonNode first = template.render(payload("{\"id\": 1}"));
        JsonNode second = template.render(payload("{\"id\": \"two\"}"));

        assertThat(first.toString()).isEqualTo("{\"id\":1}");
        assertThat(second.toString()).isEqualTo("{\"id\":\"two\"}");
    }
}
