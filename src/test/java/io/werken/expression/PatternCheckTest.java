package io.werken.expression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.werken.core.WerkenJson;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** matches() is given string literals of a reasonable size only, checked when the expression compiles. */
class PatternCheckTest {

    private static final ExpressionCompiler COMPILER = new ExpressionCompiler(1000);

    @ParameterizedTest
    @ValueSource(
            strings = {
                "payload.name.matches(payload.pattern)",
                "matches(payload.name, payload.pattern)",
                "payload.name.matches('^' + payload.prefix)",
                "payload.names.exists(n, n.matches(payload.rules[0]))",
                "payload.name.matches(headers['x-pattern'])",
            })
    void aPatternThatIsNotAStringLiteralIsRefused(String condition) {
        assertThatThrownBy(() -> COMPILER.compileCondition(condition))
                .isInstanceOf(ExpressionException.class)
                .hasMessageStartingWith("matches() at column ")
                .hasMessageEndingWith(": the pattern must be a string literal, not taken from the payload or computed"
                        + " (such a pattern could exhaust memory when compiled)");
    }

    @Test
    void theRefusalPointsAtThePattern() {
        assertThatThrownBy(() -> COMPILER.compile("payload.a.matches(payload.b)"))
                .hasMessageStartingWith("matches() at column 19: ");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "payload.name.matches('((x{50}){50}){50}')",
                "matches(payload.name, '(a{1000}){1000}')",
                "payload.name.matches(r'(\\w{20}|\\d{30}){100}')",
            })
    void aLiteralPatternThatBlowsUpIsRefused(String condition) {
        assertThatThrownBy(() -> COMPILER.compileCondition(condition))
                .isInstanceOf(ExpressionException.class)
                .hasMessageMatching("matches\\(\\) at column \\d+: the pattern '.*")
                .hasMessageContaining("RE2 writes");
    }

    @Test
    void literalPatternsWork() throws Exception {
        Expression branch = COMPILER.compileCondition("payload.ref.matches('^refs/heads/(main|release/.+)$')");
        Expression mac = COMPILER.compileCondition("matches(payload.mac, '^([0-9a-f]{2}:){5}[0-9a-f]{2}$')");
        Bindings bindings = new Bindings(
                WerkenJson.mapper().readTree("{\"ref\": \"refs/heads/release/1.2\", \"mac\": \"00:1a:2b:3c:4d:5e\"}"),
                Map.of(),
                Map.of());

        assertThat(branch.test(bindings)).isTrue();
        assertThat(mac.test(bindings)).isTrue();
    }
}
