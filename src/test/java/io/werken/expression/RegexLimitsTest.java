package io.werken.expression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Patterns RE2 would blow up while compiling are refused before anything compiles them; ordinary ones pass. */
class RegexLimitsTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "((x{50}){50}){50}",
                "(a{1000}){1000}",
                "(?:(?:[a-z]{40}){40})",
                "((ab|cd){10}e{3}){400}",
                "(\\d{2,}){600}",
                "(x{1001})",
                "(((((a{4}){4}){4}){4}){4}){4}",
                "[a-z]{1000}[0-9]{1000}\\w{1000}.{1000}a{1000}b{1000}c{1000}d{1000}e{1000}f{1000}g{1000}",
                "(abcdefghijklmnopqrstuvwxyz){500}",
                "\\Qabcdefghijklmnopqrst\\E{1000}(x{10}){999}",
            })
    void blowUpsAreRefused(String pattern) {
        assertThat(RegexLimits.problem(pattern)).isNotNull().contains("RE2 writes");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "^[a-z0-9._%+-]+@[a-z0-9-]+(\\.[a-z0-9-]+)*\\.[a-z]{2,24}$",
                "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
                "^v?(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(-[0-9A-Za-z.-]+)?$",
                "^((25[0-5]|2[0-4]\\d|1?\\d{1,2})\\.){3}(25[0-5]|2[0-4]\\d|1?\\d{1,2})$",
                "^refs/heads/(main|release/.+)$",
                "(?i)^\\p{L}[\\p{L}\\p{N}_]{0,63}$",
                "([0-9a-f]{2}:){5}[0-9a-f]{2}",
                "(x{10}){100}",
                "[{}]{3}a{,5}b{x}",
                "\\d{1000}",
            })
    void ordinaryPatternsPassAndCompileWithinTheBelt(String pattern) {
        assertThat(RegexLimits.problem(pattern)).isNull();
        // What passes compiles within CEL's own limit on the compiled program (ExpressionCompiler's belt).
        assertThatCode(() -> assertThat(com.google.re2j.Pattern.compile(pattern).programSize())
                        .isLessThanOrEqualTo(2 * RegexLimits.MAX_SIZE))
                .doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "(a{100}){100}",
                "[a-z]{1000}[0-9]{1000}\\w{1000}.{1000}a{1000}b{1000}c{1000}d{1000}e{1000}f{1000}g{1000}",
                "(abcdefghijklmnopqrstuvwxyz){500}",
                "(a|b|c|d){1000}(e|f){1000}",
            })
    void theEstimateIsNoLessThanHalfOfWhatRe2jCompiles(String pattern) {
        // Small enough to compile here: the estimate must not undershoot RE2J's program much, or a blow-up could pass.
        assertThat(RegexLimits.measure(pattern).size())
                .isGreaterThanOrEqualTo(com.google.re2j.Pattern.compile(pattern).programSize() / 2);
    }
}
