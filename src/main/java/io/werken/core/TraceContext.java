package io.werken.core;

import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A W3C Trace Context ({@code traceparent}, https://www.w3.org/TR/trace-context/): the trace a webhook belongs to, and
 * the span that handed it on. Werken continues a sender's trace (or starts one) and passes it on, with a span id of its
 * own for each hop, to the event and to every action message as the AMQP header {@code traceparent}.
 *
 * @param traceId 32 lower-case hex digits, not all zero
 * @param spanId  16 lower-case hex digits, not all zero: the span that sends the message carrying this context
 * @param flags   2 hex digits ({@code 01}: sampled)
 */
public record TraceContext(String traceId, String spanId, String flags) {

    /** The header's name, on HTTP requests and AMQP messages alike. */
    public static final String HEADER = "traceparent";

    /** {@code vv-<32 hex>-<16 hex>-ff}: version 00 is exactly this long; a later version may go on after a dash. */
    private static final int LENGTH = 55;

    private static final String ZERO_TRACE = "0".repeat(32);
    private static final String ZERO_SPAN = "0".repeat(16);
    private static final String SAMPLED = "01";

    /** The context a {@code traceparent} value holds, or empty if it is absent or not valid. */
    public static Optional<TraceContext> parse(String traceparent) {
        if (traceparent == null || traceparent.length() > 512) {
            return Optional.empty();
        }
        // By hand rather than with a regular expression: dispatch reads one for every event.
        String value = traceparent.trim();
        if (value.length() < LENGTH
                || !hex(value, 0, 2)
                || value.charAt(2) != '-'
                || !hex(value, 3, 35)
                || value.charAt(35) != '-'
                || !hex(value, 36, 52)
                || value.charAt(52) != '-'
                || !hex(value, 53, 55)) {
            return Optional.empty();
        }
        String version = value.substring(0, 2);
        boolean more = value.length() > LENGTH;
        // Version ff is invalid; version 00 has exactly four fields; a later version's further fields start with '-'.
        if (version.equals("ff") || (more && (version.equals("00") || value.charAt(LENGTH) != '-'))) {
            return Optional.empty();
        }
        String traceId = value.substring(3, 35);
        String spanId = value.substring(36, 52);
        if (traceId.equals(ZERO_TRACE) || spanId.equals(ZERO_SPAN)) {
            return Optional.empty();
        }
        return Optional.of(new TraceContext(traceId, spanId, value.substring(53, 55)));
    }

    /** Whether {@code s[from, to)} is all lower-case hex digits. */
    private static boolean hex(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }

    /** The sender's trace continued with a span of Werken's, or a new trace when the sender sent none that is valid. */
    public static TraceContext continueOrStart(String traceparent) {
        return parse(traceparent).map(TraceContext::child).orElseGet(TraceContext::start);
    }

    /** A new trace, sampled. */
    public static TraceContext start() {
        return new TraceContext(randomHex(16, ZERO_TRACE), randomHex(8, ZERO_SPAN), SAMPLED);
    }

    /** The same trace, with a new span: this hop's. */
    public TraceContext child() {
        return new TraceContext(traceId, randomHex(8, ZERO_SPAN), flags);
    }

    /** The {@code traceparent} header value, version 00. */
    public String traceparent() {
        return "00-" + traceId + "-" + spanId + "-" + flags;
    }

    private static String randomHex(int bytes, String zero) {
        byte[] random = new byte[bytes];
        String hex;
        do {
            ThreadLocalRandom.current().nextBytes(random);
            hex = HexFormat.of().formatHex(random);
        } while (hex.equals(zero));
        return hex;
    }
}
