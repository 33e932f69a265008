package io.werken.expression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A bare field path is read from the bindings directly: it must give exactly what CEL's interpreter gives. */
class FieldPathTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final ExpressionCompiler compiler = new ExpressionCompiler(1000);

    private Bindings bindings() throws Exception {
        return new Bindings(JSON.readTree("""
                {"user_id": 123, "data": "some important data", "price": 9.5, "big": 12345678901234567890,
                 "none": null, "tags": ["a", "b"], "user": {"name": "adrian", "address": {"city": "Lima"}}}"""), Map.of("x-source", "shop"), Map.of("id", "ev-1", "workflow_id", "wf"));
    }

    @Test
    void eachPathGivesWhatCelGives() throws Exception {
        Bindings bindings = bindings();
        for (String source : new String[] {
            "payload.user_id",
            "payload.data",
            "payload.price",
            "payload.big",
            "payload.none",
            "payload.tags",
            "payload.user",
            "payload.user.name",
            " payload . user.address.city ",
            "event.id",
            "event.workflow_id"
        }) {
            Expression expression = compiler.compile(source);
            assertThat(expression.isFieldPath()).as(source).isTrue();
            assertThat(expression.evaluate(bindings)).as(source).isEqualTo(expression.evaluateWithCel(bindings));
        }
    }

    @Test
    void anythingElseIsLeftToCel() throws Exception {
        for (String source : new String[] {
            "payload.user_id > 100",
            "payload['user_id']",
            "size(payload.tags)",
            "payload",
            "has(payload.user)",
            "payload.user_id + 1",
            "event.id.size()"
        }) {
            assertThat(compiler.compile(source).isFieldPath()).as(source).isFalse();
        }
    }

    @Test
    void aPathThatDoesNotResolveFailsAsCelFails() throws Exception {
        Bindings bindings = bindings();
        for (String source : new String[] {
            "payload.missing", "payload.user.age", "payload.data.length", "headers.other", "payload.tags.first"
        }) {
            Expression expression = compiler.compile(source);
            String celError = null;
            try {
                expression.evaluateWithCel(bindings);
            } catch (ExpressionException e) {
                celError = e.getMessage();
            }
            assertThat(celError).as(source).isNotNull();
            assertThatThrownBy(() -> expression.evaluate(bindings))
                    .as(source)
                    .isInstanceOf(ExpressionException.class)
                    .hasMessage(celError);
        }
    }
}
