package io.werken.verify;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Signs like a sender would, with javax.crypto.Mac directly: independent of the code under test. */
public final class TestSigner {

    private TestSigner() {}

    public static byte[] hmac(String algorithm, byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(key, algorithm));
            return mac.doFinal(data);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The {@code webhook-signature} entry for a {@code whsec_} secret, as the Standard Webhooks spec defines it. */
    public static String standardWebhooks(String whsecSecret, String id, long timestamp, byte[] body) {
        byte[] key = Base64.getDecoder().decode(whsecSecret.substring("whsec_".length()));
        byte[] prefix = (id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8);
        byte[] content = new byte[prefix.length + body.length];
        System.arraycopy(prefix, 0, content, 0, prefix.length);
        System.arraycopy(body, 0, content, prefix.length, body.length);
        return "v1," + Base64.getEncoder().encodeToString(hmac("HmacSHA256", key, content));
    }

    /** GitHub's {@code X-Hub-Signature-256} value. */
    public static String github(String secret, byte[] body) {
        return "sha256=" + HexFormat.of().formatHex(hmac("HmacSHA256", secret.getBytes(StandardCharsets.UTF_8), body));
    }

    public static String hmacHex(String algorithm, String secret, byte[] body) {
        return HexFormat.of().formatHex(hmac(algorithm, secret.getBytes(StandardCharsets.UTF_8), body));
    }

    public static String hmacBase64(String algorithm, String secret, byte[] body) {
        return Base64.getEncoder().encodeToString(hmac(algorithm, secret.getBytes(StandardCharsets.UTF_8), body));
    }
}
