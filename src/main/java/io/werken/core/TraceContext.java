package io.werken.core;

import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

    /**
     * Version 00 exactly; a later version by its first four fields (the spec's rule for versions it does not know).
     * Version ff is invalid.
     */
    private static final Pattern TRACEPARENT = Pattern.compile(
            "^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$");
    private static final String ZERO_TRACE = "0".repeat(32);
    private static final String ZERO_SPAN = "0".repeat(16);
    private static final String SAMPLED = "01";

    /** The context a {@code traceparent} value holds, or empty if it is absent or not valid. */
    public static Optional<TraceContext> parse(String traceparent) {
        if (traceparent == null || traceparent.length() > 512) {
            return Optional.empty();
        }
        Matcher m = TRACEPARENT.matcher(traceparent.trim());
        if (!m.matches()) {
            return Optional.empty();
        }
        String version = m.group(1);
        if (version.equals("ff") || (version.equals("00") && m.group(5) != null)
            || m.group(2).equals(ZERO_TRACE) || m.group(3).equals(ZERO_SPAN)) {
            return Optional.empty();
        }
        return Optional.of(new TraceContext(m.group(2), m.group(3), m.group(4)));
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
