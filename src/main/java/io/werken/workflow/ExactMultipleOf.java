package io.werken.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.ExecutionContext;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaContext;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.keyword.Keyword;
import com.networknt.schema.keyword.KeywordValidator;
import com.networknt.schema.keyword.MultipleOfValidator;
import com.networknt.schema.path.NodePath;
import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * JSON Schema's {@code multipleOf}, decided exactly without dividing. The schema library divides the payload's number
 * by the divisor ({@code BigDecimal.divideAndRemainder}), which for {@code 1e300} and {@code 0.01} builds a 302-digit
 * quotient: tens of microseconds a number, seconds for a 1 MiB body of them. With a = ua·10^-sa and b = ub·10^-sb,
 * a is a multiple of b exactly when ub divides ua·10^(sb-sa), which modular arithmetic on the unscaled values decides
 * in about a microsecond whatever the exponents; integers are taken exactly too (the library rounds them through a
 * double). Same errors as the library's keyword, which this replaces in {@link JsonSchemas}.
 */
final class ExactMultipleOf extends MultipleOfValidator {

    /** The keyword, bound in place of the library's. */
    static final Keyword KEYWORD = new Keyword() {
        @Override
        public String getValue() {
            return "multipleOf";
        }

        @Override
        public KeywordValidator newValidator(
                SchemaLocation location, JsonNode schemaNode, Schema parent, SchemaContext context) {
            return new ExactMultipleOf(location, schemaNode, parent, context);
        }
    };

    private final BigDecimal divisor;

    private ExactMultipleOf(SchemaLocation location, JsonNode schemaNode, Schema parent, SchemaContext context) {
        super(location, schemaNode, parent, context);
        this.divisor = getDivisor(schemaNode);
    }

    @Override
    public void validate(ExecutionContext context, JsonNode node, JsonNode root, NodePath location) {
        if (divisor == null || divisor.signum() == 0 || !node.isNumber()) {
            return;
        }
        if (!isMultiple(node.decimalValue(), divisor)) {
            context.addError(error().instanceNode(node)
                    .instanceLocation(location)
                    .evaluationPath(context.getEvaluationPath())
                    .locale(context.getExecutionConfig().getLocale())
                    .arguments(divisor.toString())
                    .build());
        }
    }

    /** Whether {@code value} is an integer multiple of {@code divisor} (not zero). */
    static boolean isMultiple(BigDecimal value, BigDecimal divisor) {
        BigInteger unscaledValue = value.unscaledValue().abs();
        BigInteger unscaledDivisor = divisor.unscaledValue().abs();
        long shift = (long) divisor.scale() - value.scale();
        if (shift >= 0) {
            // ub | ua·10^shift, with 10^shift taken modulo ub: never a number larger than ub squared.
            return unscaledValue
                            .mod(unscaledDivisor)
                            .multiply(BigInteger.TEN.modPow(BigInteger.valueOf(shift), unscaledDivisor))
                            .mod(unscaledDivisor)
                            .signum()
                    == 0;
        }
        // ub·10^-shift | ua: the scales are bounded (the payload's by WERKEN_MAX_JSON_NUMBER_EXPONENT, the divisor's by
        // its author), so this power is at most some hundreds of digits.
        return unscaledValue
                        .mod(unscaledDivisor.multiply(BigInteger.TEN.pow((int) -shift)))
                        .signum()
                == 0;
    }
}
