package io.werken.http;

import io.werken.core.Sha256;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Locale;

/**
 * The management port's admin token ({@code WERKEN_ADMIN_TOKEN}), kept as its SHA-256 digest, and the token a request
 * presents in {@code Authorization}. Compared with {@link MessageDigest#isEqual}, which takes the same time whatever
 * the token and leaks neither its bytes nor its length.
 */
final class AdminToken {

    /** Null when no token is configured. */
    private final byte[] digest;

    /** {@code configured} null or blank: none. */
    AdminToken(String configured) {
        this.digest = configured == null || configured.isBlank() ? null : sha256(configured.trim());
    }

    boolean configured() {
        return digest != null;
    }

    /** Whether {@code presented}, trimmed, is the token; false when none is configured. */
    boolean isToken(String presented) {
        return digest != null && presented != null && !presented.isBlank() && matches(presented.trim());
    }

    /** Whether {@code presented}, as it is, is the token. */
    boolean matches(String presented) {
        return digest != null && MessageDigest.isEqual(digest, sha256(presented));
    }

    /** {@code Authorization: Bearer} with the token (Basic does not count: a browser may send it by itself). */
    boolean isBearer(String authorization) {
        if (digest == null || authorization == null) {
            return false;
        }
        String value = authorization.trim();
        int space = value.indexOf(' ');
        return space > 0 && value.substring(0, space).equalsIgnoreCase("bearer") && isToken(value.substring(space + 1));
    }

    /** The token in {@code Bearer <token>}, or the password in {@code Basic base64(user:token)}; null if none. */
    static String presented(String authorization) {
        if (authorization == null) {
            return null;
        }
        String value = authorization.trim();
        int space = value.indexOf(' ');
        if (space < 0) {
            return null;
        }
        // RFC 7235: the scheme is case-insensitive.
        String scheme = value.substring(0, space).toLowerCase(Locale.ROOT);
        String credentials = value.substring(space + 1).trim();
        String token = switch (scheme) {
            case "bearer" -> credentials;
            case "basic" -> basicPassword(credentials);
            default -> null;
        };
        return token == null || token.isEmpty() ? null : token;
    }

    private static String basicPassword(String credentials) {
        try {
            String decoded = new String(Base64.getDecoder().decode(credentials), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0 ? null : decoded.substring(colon + 1);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static byte[] sha256(String value) {
        return Sha256.digest(value);
    }
}
