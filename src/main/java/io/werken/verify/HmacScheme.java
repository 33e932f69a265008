package io.werken.verify;

import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * An HMAC of the raw body in one header, hex or base64, after an optional prefix: the {@code hmac} scheme, and
 * {@code github} ({@code X-Hub-Signature-256: sha256=<hex>}) as a preset of it.
 */
public final class HmacScheme implements SignatureScheme {

    public enum Encoding {
        HEX,
        BASE64
    }

    private final String name;
    private final String header;
    private final String macAlgorithm;
    private final Encoding encoding;
    private final String prefix;
    private final List<byte[]> keys;

    public HmacScheme(
            String name, String header, String algorithm, Encoding encoding, String prefix, List<byte[]> keys) {
        this.name = name;
        this.header = header;
        this.macAlgorithm = switch (algorithm) {
            case "sha256" -> "HmacSHA256";
            case "sha512" -> "HmacSHA512";
            default -> throw new IllegalArgumentException("algorithm must be sha256 or sha512");
        };
        this.encoding = encoding;
        this.prefix = prefix == null ? "" : prefix;
        this.keys = List.copyOf(keys);
    }

    public static HmacScheme github(List<byte[]> keys) {
        return new HmacScheme("github", "X-Hub-Signature-256", "sha256", Encoding.HEX, "sha256=", keys);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Set<String> headers() {
        return Set.of(header);
    }

    @Override
    public void verify(RequestHeaders headers, byte[] body, Instant now) {
        String value = Signatures.required(headers, header);
        if (!value.startsWith(prefix)) {
            throw Signatures.malformed("The " + header + " header does not start with '" + prefix + "'.");
        }
        byte[] candidate;
        try {
            String encoded = value.substring(prefix.length());
            candidate = encoding == Encoding.HEX
                    ? HexFormat.of().parseHex(encoded.toLowerCase(Locale.ROOT))
                    : Base64.getDecoder().decode(encoded);
        } catch (IllegalArgumentException e) {
            throw Signatures.malformed("The " + header + " header is not "
                    + (encoding == Encoding.HEX ? "hex" : "base64") + " after its prefix.");
        }
        if (!Signatures.matchesAny(macAlgorithm, keys, candidate, body)) {
            throw Signatures.mismatch("The " + header + " signature does not match the body.");
        }
    }
}
