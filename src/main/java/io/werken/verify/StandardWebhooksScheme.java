package io.werken.verify;

import io.werken.core.ProblemException;
import io.werken.core.ProblemType;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * <a href="https://www.standardwebhooks.com">Standard Webhooks</a>: {@code webhook-signature} holds space-separated
 * {@code v1,<base64 HMAC-SHA256>} entries over {@code {webhook-id}.{webhook-timestamp}.{raw body}}; any entry made with
 * any of the secrets passes, and the timestamp must lie within the tolerance of now, either way.
 */
public final class StandardWebhooksScheme implements SignatureScheme {

    public static final String ID = "webhook-id";
    public static final String TIMESTAMP = "webhook-timestamp";
    public static final String SIGNATURE = "webhook-signature";
    public static final long DEFAULT_TOLERANCE_SECONDS = 300;

    private static final String SECRET_PREFIX = "whsec_";

    private final List<byte[]> keys;
    private final long toleranceSeconds;

    public StandardWebhooksScheme(List<byte[]> keys, long toleranceSeconds) {
        this.keys = List.copyOf(keys);
        this.toleranceSeconds = toleranceSeconds;
    }

    /** The HMAC key of a {@code whsec_<base64>} secret (the prefix is optional). */
    public static byte[] key(String secret) {
        String encoded = secret.startsWith(SECRET_PREFIX) ? secret.substring(SECRET_PREFIX.length()) : secret;
        byte[] key = Base64.getDecoder().decode(encoded);
        if (key.length == 0) {
            throw new IllegalArgumentException("empty key");
        }
        return key;
    }

    @Override
    public String name() {
        return "standard-webhooks";
    }

    @Override
    public Set<String> headers() {
        return Set.of(ID, TIMESTAMP, SIGNATURE);
    }

    @Override
    public void verify(RequestHeaders headers, byte[] body, Instant now) {
        String id = Signatures.required(headers, ID);
        String timestamp = Signatures.required(headers, TIMESTAMP);
        String signature = Signatures.required(headers, SIGNATURE);

        if (!timestamp.matches("[0-9]{1,12}")) {
            throw Signatures.malformed("The " + TIMESTAMP + " header is not a Unix time in seconds.");
        }
        long age = now.getEpochSecond() - Long.parseLong(timestamp);
        if (Math.abs(age) > toleranceSeconds) {
            throw new ProblemException(
                    ProblemType.TIMESTAMP_OUT_OF_TOLERANCE,
                    "The " + TIMESTAMP + " is "
                            + Math.abs(age) + " seconds " + (age > 0 ? "old" : "in the future") + "; at most "
                            + toleranceSeconds + " are accepted.");
        }

        byte[] signed = (id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8);
        boolean sawV1 = false;
        boolean match = false;
        for (String entry : signature.split(" ")) {
            if (!entry.startsWith("v1,")) {
                continue;
            }
            byte[] candidate;
            try {
                candidate = Base64.getDecoder().decode(entry.substring(3));
            } catch (IllegalArgumentException e) {
                continue;
            }
            sawV1 = true;
            match |= Signatures.matchesAny("HmacSHA256", keys, candidate, signed, body);
        }
        if (!sawV1) {
            throw Signatures.malformed("The " + SIGNATURE + " header holds no v1,<base64> signature.");
        }
        if (!match) {
            throw Signatures.mismatch("No v1 signature in " + SIGNATURE + " matches the id, timestamp and body.");
        }
    }
}
