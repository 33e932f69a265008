package io.werken.ingest;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * A JSON parser that refuses a number whose decimal exponent or scale is beyond a limit before anything turns it into
 * a value. Werken reads decimals as exact {@link BigDecimal}s, and a 20-byte number such as {@code 1e999999} is one
 * whose division (a payload schema's {@code multipleOf}), plain printing or conversion to an integer builds numbers of
 * a million digits: minutes of CPU. Past an exponent of 2^31 Jackson cannot make one at all and throws a
 * {@link NumberFormatException}.
 * <p>
 * The limit applies to the number as {@link BigDecimal} would hold it: its decimal exponent (that of its first
 * significant digit, {@code 12.5e3} has 4) must lie within plus or minus the limit, and it may have no more digits
 * after the decimal point than the limit ({@code 1e-5} has five). Checked on the number's text, when its value is
 * first asked for.
 */
final class NumberLimitingParser extends JsonParserDelegate {

    /** Saturates the exponent's own digits: anything this large is refused whatever the rest of the number. */
    private static final long HUGE = 1_000_000_000_000L;

    /** A number refused by the limit: where it is, and the limit. */
    static final class NumberLimitException extends JsonParseException {

        NumberLimitException(JsonParser parser, String message, JsonLocation location) {
            super(parser, message, location);
        }
    }

    private final int limit;

    NumberLimitingParser(JsonParser delegate, int limit) {
        super(delegate);
        this.limit = limit;
    }

    @Override
    public BigDecimal getDecimalValue() throws IOException {
        checkNumber();
        return super.getDecimalValue();
    }

    @Override
    public double getDoubleValue() throws IOException {
        checkNumber();
        return super.getDoubleValue();
    }

    @Override
    public float getFloatValue() throws IOException {
        checkNumber();
        return super.getFloatValue();
    }

    @Override
    public BigInteger getBigIntegerValue() throws IOException {
        checkNumber();
        return super.getBigIntegerValue();
    }

    @Override
    public Number getNumberValue() throws IOException {
        checkNumber();
        return super.getNumberValue();
    }

    @Override
    public Number getNumberValueExact() throws IOException {
        checkNumber();
        return super.getNumberValueExact();
    }

    @Override
    public Object getNumberValueDeferred() throws IOException {
        checkNumber();
        return super.getNumberValueDeferred();
    }

    private void checkNumber() throws IOException {
        JsonToken token = currentToken();
        if (token != JsonToken.VALUE_NUMBER_FLOAT && token != JsonToken.VALUE_NUMBER_INT) {
            return;
        }
        if (!withinLimit(getTextCharacters(), getTextOffset(), getTextLength(), limit)) {
            String pointer = getParsingContext().pathAsPointer().toString();
            throw new NumberLimitException(
                    this,
                    "number at " + (pointer.isEmpty() ? "the top level" : pointer)
                            + " out of range: its decimal exponent must lie within \u00b1" + limit
                            + " and it may have at most "
                            + limit + " digits after the decimal point",
                    currentTokenLocation());
        }
    }

    /**
     * Whether the JSON number in {@code text[offset, offset + length)} has a decimal exponent within +-{@code limit}
     * and at most {@code limit} digits after the point, as a {@link BigDecimal}: its scale is the digits after the
     * point less the exponent written, its decimal exponent its precision - 1 - scale.
     */
    static boolean withinLimit(char[] text, int offset, int length, int limit) {
        int i = offset;
        int end = offset + length;
        if (i < end && text[i] == '-') {
            i++;
        }
        int digits = 0;
        int leadingZeros = 0;
        boolean significant = false;
        int fractionDigits = 0;
        boolean fraction = false;
        for (; i < end; i++) {
            char c = text[i];
            if (c == '.') {
                fraction = true;
                continue;
            }
            if (c < '0' || c > '9') {
                break;
            }
            digits++;
            if (fraction) {
                fractionDigits++;
            }
            if (!significant) {
                if (c == '0') {
                    leadingZeros++;
                } else {
                    significant = true;
                }
            }
        }
        long exponent = 0;
        if (i < end && (text[i] == 'e' || text[i] == 'E')) {
            i++;
            boolean negative = i < end && text[i] == '-';
            if (i < end && (text[i] == '-' || text[i] == '+')) {
                i++;
            }
            for (; i < end && exponent < HUGE; i++) {
                exponent = exponent * 10 + (text[i] - '0');
            }
            exponent = negative ? -exponent : exponent;
        }
        long precision = significant ? digits - leadingZeros : 1;
        long scale = fractionDigits - exponent;
        long decimalExponent = precision - 1 - scale;
        return scale <= limit && decimalExponent <= limit && decimalExponent >= -limit;
    }
}
