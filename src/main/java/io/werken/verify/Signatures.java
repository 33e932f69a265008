package io.werken.verify;

import io.werken.core.ProblemException;
import io.werken.core.ProblemType;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HMAC and comparison helpers shared by the schemes; comparisons are constant-time. */
final class Signatures {

    private Signatures() {}

    static byte[] hmac(String algorithm, byte[] key, byte[]... parts) {
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(key, algorithm));
            for (byte[] part : parts) {
                mac.update(part);
            }
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(algorithm + " is not available in this JVM", e);
        }
    }

    /** True if {@code candidate} equals the HMAC of {@code parts} under any of {@code keys}; every key is tried. */
    static boolean matchesAny(String algorithm, List<byte[]> keys, byte[] candidate, byte[]... parts) {
        boolean match = false;
        for (byte[] key : keys) {
            match |= MessageDigest.isEqual(hmac(algorithm, key, parts), candidate);
        }
        return match;
    }

    static String required(RequestHeaders headers, String name) {
        String value = headers.get(name);
        if (value == null || value.isBlank()) {
            throw new ProblemException(
                    ProblemType.SIGNATURE_MISSING,
                    "The request has no " + name + " header; this workflow only accepts signed webhooks.");
        }
        return value.trim();
    }

    static ProblemException malformed(String detail) {
        return new ProblemException(ProblemType.SIGNATURE_MALFORMED, detail);
    }

    static ProblemException mismatch(String detail) {
        return new ProblemException(ProblemType.SIGNATURE_MISMATCH, detail);
    }
}
