package io.werken.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import io.werken.verify.HmacScheme;
import io.werken.verify.SignatureScheme;
import io.werken.verify.StandardWebhooksScheme;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Reads a workflow's {@code "verify"} block into a {@link SignatureScheme}, resolving its secrets. Any problem is an
 * IllegalArgumentException with a one-line reason, which the catalog turns into a startup refusal.
 */
public final class VerifyConfig {

    /** An HTTP header name (RFC 9110 token); Camel* names never reach a route, so they cannot be used. */
    private static final Pattern HEADER = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}");

    private VerifyConfig() {}

    public static SignatureScheme parse(JsonNode verify, SecretResolver secrets) {
        if (!verify.isObject()) {
            throw new IllegalArgumentException("must be an object with \"scheme\" and \"secrets\"");
        }
        String scheme = text(verify, "scheme", null);
        if (scheme == null) {
            throw new IllegalArgumentException("\"scheme\" is missing; use standard-webhooks, github or hmac");
        }
        return switch (scheme) {
            case "standard-webhooks" -> {
                allowOnly(verify, Set.of("scheme", "secrets", "tolerance_seconds"));
                JsonNode tolerance = verify.get("tolerance_seconds");
                long seconds = StandardWebhooksScheme.DEFAULT_TOLERANCE_SECONDS;
                if (tolerance != null) {
                    if (!tolerance.canConvertToLong() || !tolerance.isIntegralNumber() || tolerance.asLong() < 1) {
                        throw new IllegalArgumentException("\"tolerance_seconds\" must be a positive whole number");
                    }
                    seconds = tolerance.asLong();
                }
                yield new StandardWebhooksScheme(
                        keys(verify, secrets, secret -> {
                            try {
                                return StandardWebhooksScheme.key(secret);
                            } catch (IllegalArgumentException e) {
                                throw new IllegalArgumentException("is not a whsec_<base64> secret");
                            }
                        }),
                        seconds);
            }
            case "github" -> {
                allowOnly(verify, Set.of("scheme", "secrets"));
                yield HmacScheme.github(keys(verify, secrets, VerifyConfig::utf8));
            }
            case "hmac" -> {
                allowOnly(verify, Set.of("scheme", "secrets", "header", "algorithm", "encoding", "prefix"));
                String header = text(verify, "header", null);
                if (header == null
                        || !HEADER.matcher(header).matches()
                        || header.regionMatches(true, 0, "camel", 0, 5)) {
                    throw new IllegalArgumentException("\"header\" must name the HTTP header that carries the signature"
                            + " (not a Camel* header)");
                }
                String algorithm = text(verify, "algorithm", "sha256");
                if (!algorithm.equals("sha256") && !algorithm.equals("sha512")) {
                    throw new IllegalArgumentException("\"algorithm\" must be sha256 or sha512");
                }
                String encoding = text(verify, "encoding", "hex");
                if (!encoding.equals("hex") && !encoding.equals("base64")) {
                    throw new IllegalArgumentException("\"encoding\" must be hex or base64");
                }
                yield new HmacScheme(
                        "hmac",
                        header,
                        algorithm,
                        encoding.equals("hex") ? HmacScheme.Encoding.HEX : HmacScheme.Encoding.BASE64,
                        text(verify, "prefix", ""),
                        keys(verify, secrets, VerifyConfig::utf8));
            }
            default ->
                throw new IllegalArgumentException(
                        "unknown scheme '" + scheme + "'; use standard-webhooks, github or hmac");
        };
    }

    private static List<byte[]> keys(JsonNode verify, SecretResolver secrets, Function<String, byte[]> toKey) {
        JsonNode list = verify.get("secrets");
        if (list == null || !list.isArray() || list.isEmpty()) {
            throw new IllegalArgumentException(
                    "\"secrets\" must be a non-empty array of env:NAME or file:PATH references");
        }
        List<byte[]> keys = new ArrayList<>(list.size());
        for (JsonNode reference : list) {
            if (!reference.isTextual()) {
                throw new IllegalArgumentException("\"secrets\" must hold strings (env:NAME or file:PATH)");
            }
            String secret = secrets.resolve(reference.asText());
            try {
                keys.add(toKey.apply(secret));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("secret " + reference.asText() + " " + e.getMessage());
            }
        }
        return keys;
    }

    private static byte[] utf8(String secret) {
        return secret.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(JsonNode node, String field, String otherwise) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return otherwise;
        }
        if (!value.isTextual()) {
            throw new IllegalArgumentException("\"" + field + "\" must be a string");
        }
        return value.asText();
    }

    private static void allowOnly(JsonNode verify, Set<String> fields) {
        for (Iterator<String> names = verify.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!fields.contains(name)) {
                throw new IllegalArgumentException("\"" + name + "\" is not a setting of scheme "
                        + verify.get("scheme").asText());
            }
        }
    }
}
