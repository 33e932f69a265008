package io.werken.expression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.werken.core.WerkenJson;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One event's expressions share a budget of steps, bytes and time; a hostile payload runs it out, not the heap. */
class EvaluationBudgetTest {

    private static final ObjectMapper JSON = WerkenJson.mapper();
    /** No comprehension limit to speak of: these tests are about the budget. */
    private static final ExpressionCompiler COMPILER = new ExpressionCompiler(10_000_000);

    /** {@code {"note": <chars x>, "items": [{"name": "i0"}, ...]}}. */
    private static JsonNode payload(int noteChars, int items) {
        ObjectNode payload = JSON.createObjectNode();
        payload.put("note", "x".repeat(noteChars));
        ArrayNode list = payload.putArray("items");
        for (int i = 0; i < items; i++) {
            list.addObject().put("name", "i" + i).put("n", i);
        }
        return payload;
    }

    private static Bindings bindings(JsonNode payload, EvaluationLimits limits) {
        return new Bindings(payload, Map.of(), Map.of(), limits);
    }

    @Test
    void aMapBuildingBigStringsFailsOnTheByteBudgetInsteadOfAllocating() throws Exception {
        // 400 copies of a 300,000-character note would be 240 MB; the default budget stops it after a few.
        Bindings bindings = new Bindings(payload(300_000, 400), Map.of(), Map.of());
        Template template = Template.compile("{{ payload.items.map(i, i.name + ' - ' + payload.note) }}", COMPILER);

        assertThatThrownBy(() -> template.render(bindings))
                .isInstanceOf(ExpressionException.class)
                .hasMessage("the event's expressions built more than 2097152 bytes of strings, lists and maps"
                        + " (WERKEN_CEL_MAX_BYTES)");
        assertThat(bindings.budget().bytes())
                .as("charged when the budget ran out")
                .isLessThan(EvaluationLimits.DEFAULTS.maxBytes() + 2 * 2 * 300_100);
    }

    @Test
    void bytesCountStringsListsMapsAndBytesThatExpressionsBuild() throws Exception {
        EvaluationLimits limits = new EvaluationLimits(1_000_000, 1000, 60_000);
        JsonNode payload = payload(10, 200);
        for (String source : new String[] {
            "payload.items.map(i, i.name + payload.note + payload.note)", // strings
            "payload.items.map(i, [i.n, i.n, i.n, i.n])", // list literals
            "payload.items.map(i, {'a': i.n, 'b': i.n})", // map literals
            "payload.items.map(i, bytes(payload.note) + bytes(i.name))", // bytes
        }) {
            Expression expression = COMPILER.compile(source);
            assertThatThrownBy(() -> expression.evaluate(bindings(payload, limits)))
                    .as(source)
                    .hasMessageContaining("WERKEN_CEL_MAX_BYTES");
        }
    }

    @Test
    void selectingLargeValuesCostsNothing() throws Exception {
        // The note is 3 MB as UTF-16; selecting it, indexing into lists and choosing between values allocate nothing.
        EvaluationLimits limits = new EvaluationLimits(1_000_000, 100_000, 60_000);
        Bindings bindings = bindings(payload(1_500_000, 1000), limits);

        Object notes = COMPILER.compile("payload.items.map(i, i.n % 2 == 0 ? payload.note : [payload.note][0])")
                .evaluate(bindings);
        boolean long_ = COMPILER.compileCondition("size(payload.note) > 1000 && payload.note.startsWith('x')")
                .test(bindings);

        assertThat(notes).asList().hasSize(1000);
        assertThat(long_).isTrue();
        assertThat(bindings.budget().bytes())
                .as("8 bytes for each element of the map's list and of the 500 list literals")
                .isEqualTo(8 * 1000 + 8 * 500);
    }

    @Test
    void nestedComprehensionsFailOnTheStepBudget() throws Exception {
        Expression nested = COMPILER.compileCondition("payload.items.all(a, payload.items.all(b, a.n + b.n >= 0))");
        JsonNode payload = payload(1, 300);

        assertThatThrownBy(() -> nested.test(bindings(payload, new EvaluationLimits(50_000, 1 << 20, 60_000))))
                .isInstanceOf(ExpressionException.class)
                .hasMessage("the event's expressions took more than 50000 evaluation steps (WERKEN_CEL_MAX_STEPS)");
        assertThat(nested.test(bindings(payload, new EvaluationLimits(10_000_000, 1 << 20, 60_000))))
                .as("the same with room enough")
                .isTrue();
    }

    @Test
    void aBudgetRunOutInsideAnErrorAbsorbingOperatorStillFails() throws Exception {
        // CEL absorbs an error on one side of || when the other is true, and in exists(): the budget must not be.
        Expression absorbing =
                COMPILER.compileCondition("payload.items.exists(a, payload.items.exists(b, a.n + b.n < 0)) || true");

        assertThatThrownBy(
                        () -> absorbing.test(bindings(payload(1, 300), new EvaluationLimits(10_000, 1 << 20, 60_000))))
                .hasMessageContaining("WERKEN_CEL_MAX_STEPS");
    }

    @Test
    void theBudgetIsSharedByAllOfAnEventsExpressions() throws Exception {
        Expression count = COMPILER.compile("payload.items.filter(i, i.n % 2 == 0).size()");
        Bindings bindings = bindings(payload(1, 100), new EvaluationLimits(2_000, 1 << 20, 60_000));

        assertThat(count.evaluate(bindings)).isEqualTo(50L);
        long stepsOfOne = bindings.budget().steps();
        assertThat(stepsOfOne).as("more than half the budget").isBetween(1_001L, 2_000L);
        assertThatThrownBy(() -> count.evaluate(bindings)).hasMessageContaining("WERKEN_CEL_MAX_STEPS");
        // Once run out, even a trivial expression of the same event fails at once.
        assertThatThrownBy(() -> COMPILER.compile("1 + 1").evaluate(bindings))
                .hasMessageContaining("WERKEN_CEL_MAX_STEPS");
        // A bare field path needs no interpreter, and no budget.
        assertThat(COMPILER.compile("payload.note").evaluate(bindings)).isEqualTo("x");
    }

    @Test
    void slowStepsFailOnTheTimeBudget() throws Exception {
        // Few steps, each slow: every one of 1000 ids looked up in a list of 20,000 (20 million comparisons), far more
        // than 1 ms on any machine.
        ObjectNode payload = JSON.createObjectNode();
        ArrayNode ids = payload.putArray("ids");
        ArrayNode known = payload.putArray("known");
        for (int i = 0; i < 20_000; i++) {
            known.add(-i - 1);
        }
        for (int i = 0; i < 1000; i++) {
            ids.add(i);
        }
        Expression lookup = COMPILER.compileCondition("payload.ids.exists(i, i in payload.known)");

        assertThatThrownBy(() -> lookup.test(bindings(payload, new EvaluationLimits(1_000_000, 1 << 20, 1))))
                .isInstanceOf(ExpressionException.class)
                .hasMessage("the event's expressions took more than 1 ms (WERKEN_CEL_MAX_MS)");
    }

    @Test
    void ordinaryExpressionsSpendLittle() throws Exception {
        JsonNode payload = JSON.readTree("""
                {"action": "opened", "amount": 250, "customer": {"name": "Ada", "tags": ["vip", "eu"]},
                 "lines": [{"sku": "a", "qty": 2}, {"sku": "b", "qty": 1}]}""");
        Bindings bindings = new Bindings(payload, Map.of("x-event", "order"), Map.of("id", "ev-1"));

        assertThat(COMPILER.compileCondition("payload.action == 'opened' && payload.amount > 100"
                                + " && 'vip' in payload.customer.tags")
                        .test(bindings))
                .isTrue();
        assertThat(Template.compile(
                                "Order for {{ payload.customer.name }}: {{ payload.lines.map(l, l.sku + ' x'"
                                        + " + string(l.qty)) }}",
                                COMPILER)
                        .render(bindings)
                        .textValue())
                .isEqualTo("Order for Ada: [\"a x2\",\"b x1\"]");
        assertThat(bindings.budget().steps()).isLessThan(100);
        assertThat(bindings.budget().bytes()).isLessThan(200);
    }
}
