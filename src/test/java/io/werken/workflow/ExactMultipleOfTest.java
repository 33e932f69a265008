package io.werken.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.werken.core.WerkenJson;
import java.math.BigDecimal;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** multipleOf decided without dividing: the same answers as BigDecimal's remainder, and the same errors as before. */
class ExactMultipleOfTest {

    @Test
    void agreesWithTheRemainderOnManyNumbers() {
        Random random = new Random(19);
        List<String> divisors = List.of("0.01", "0.5", "3", "7", "2.5", "0.003", "12E2", "1e-5", "0.25");
        for (int i = 0; i < 20_000; i++) {
            BigDecimal divisor = new BigDecimal(divisors.get(i % divisors.size()));
            BigDecimal value = new BigDecimal(
                    java.math.BigInteger.valueOf(random.nextInt(2_000_001) - 1_000_000), random.nextInt(13) - 6);
            boolean expected = value.remainder(divisor).signum() == 0;
            assertThat(ExactMultipleOf.isMultiple(value, divisor))
                    .as("%s multipleOf %s", value, divisor)
                    .isEqualTo(expected);
        }
    }

    @Test
    void decidesHugeAndTinyExponentsExactly() {
        assertThat(ExactMultipleOf.isMultiple(new BigDecimal("1e300"), new BigDecimal("0.01")))
                .isTrue();
        assertThat(ExactMultipleOf.isMultiple(new BigDecimal("1.5e400"), new BigDecimal("0.7")))
                .isFalse();
        assertThat(ExactMultipleOf.isMultiple(new BigDecimal("7e-350"), new BigDecimal("0.01")))
                .isFalse();
        assertThat(ExactMultipleOf.isMultiple(new BigDecimal("-21e350"), new BigDecimal("7")))
                .isTrue();
        assertThat(ExactMultipleOf.isMultiple(new BigDecimal("3" + "0".repeat(399)), new BigDecimal("0.03")))
                .isTrue();
        assertThat(ExactMultipleOf.isMultiple(new BigDecimal("1" + "0".repeat(399) + "1"), new BigDecimal("2")))
                .isFalse();
        assertThat(ExactMultipleOf.isMultiple(new BigDecimal("0.0"), new BigDecimal("0.3")))
                .isTrue();
    }

    @Test
    void payloadSchemasUseItWithTheLibrarysErrors() throws Exception {
        JsonNode schema =
                WerkenJson.mapper().readTree("{\"type\":\"object\",\"properties\":{\"amount\":{\"multipleOf\":0.01}}}");
        PayloadSchema payloadSchema = new PayloadSchema(JsonSchemas.compile(schema));
        // An integer beyond double's range: the library rounded it through a double (Infinity) and failed.
        assertThat(payloadSchema.check(WerkenJson.mapper().readTree("{\"amount\":" + "9".repeat(350) + "}")))
                .isEmpty();
        assertThat(payloadSchema.check(WerkenJson.mapper().readTree("{\"amount\":1e300}")))
                .isEmpty();
        List<PayloadSchema.PayloadError> errors =
                payloadSchema.check(WerkenJson.mapper().readTree("{\"amount\":12.345}"));
        assertThat(errors).singleElement().satisfies(e -> {
            assertThat(e.pointer()).isEqualTo("/amount");
            assertThat(e.message()).contains("multiple of 0.01");
        });
    }
}
