package io.werken.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.werken.core.ProblemException;
import io.werken.core.ProblemType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The github and hmac schemes, checked against GitHub's published example and signatures made by openssl. */
class HmacSchemeTest {

    // GitHub's documented example ("Validating webhook deliveries").
    private static final String GITHUB_SECRET = "It's a Secret to Everybody";
    private static final byte[] GITHUB_BODY = "Hello, World!".getBytes(StandardCharsets.UTF_8);
    private static final String GITHUB_SIGNATURE =
            "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

    private static final Instant NOW = Instant.now();

    private static List<byte[]> keys(String... secrets) {
        return java.util.Arrays.stream(secrets)
                .map(s -> s.getBytes(StandardCharsets.UTF_8))
                .toList();
    }

    private static RequestHeaders header(String name, String value) {
        return requested -> requested.equalsIgnoreCase(name) ? value : null;
    }

    private static void assertRejected(Runnable verification, ProblemType type) {
        assertThatThrownBy(verification::run)
                .isInstanceOfSatisfying(
                        ProblemException.class, e -> assertThat(e.problemType()).isEqualTo(type));
    }

    /** HMAC computed by the openssl command line, raw bytes; skips the test where openssl is not installed. */
    private static byte[] openssl(String digest, String key, byte[] body) throws IOException, InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder("openssl", "dgst", "-" + digest, "-hmac", key, "-binary").start();
        } catch (IOException e) {
            assumeTrue(false, "openssl is not installed");
            throw e;
        }
        try (OutputStream in = process.getOutputStream()) {
            in.write(body);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream stdout = process.getInputStream()) {
            stdout.transferTo(out);
        }
        assertThat(process.waitFor()).isZero();
        return out.toByteArray();
    }

    @Test
    void githubsPublishedExampleVerifies() {
        assertThatCode(() -> HmacScheme.github(keys(GITHUB_SECRET))
                        .verify(header("X-Hub-Signature-256", GITHUB_SIGNATURE), GITHUB_BODY, NOW))
                .doesNotThrowAnyException();
        assertThat(TestSigner.github(GITHUB_SECRET, GITHUB_BODY)).isEqualTo(GITHUB_SIGNATURE);
    }

    @Test
    void aGithubSignatureMadeByOpensslVerifiesAndUppercaseHexToo() throws Exception {
        byte[] body = "{\"action\": \"opened\", \"number\": 1}".getBytes(StandardCharsets.UTF_8);
        String hex = java.util.HexFormat.of().formatHex(openssl("sha256", GITHUB_SECRET, body));

        assertThatCode(() -> HmacScheme.github(keys(GITHUB_SECRET))
                        .verify(header("X-Hub-Signature-256", "sha256=" + hex), body, NOW))
                .doesNotThrowAnyException();
        assertThatCode(() -> HmacScheme.github(keys(GITHUB_SECRET))
                        .verify(header("X-Hub-Signature-256", "sha256=" + hex.toUpperCase(Locale.ROOT)), body, NOW))
                .doesNotThrowAnyException();
    }

    @Test
    void anHmacSha512Base64SignatureWithAPrefixMadeByOpensslVerifies() throws Exception {
        byte[] body = "{\"order\": {\"id\": 42}}".getBytes(StandardCharsets.UTF_8);
        String signature = "sig=" + Base64.getEncoder().encodeToString(openssl("sha512", "partner-secret", body));
        HmacScheme scheme = new HmacScheme(
                "hmac", "X-Signature", "sha512", HmacScheme.Encoding.BASE64, "sig=", keys("partner-secret"));

        assertThatCode(() -> scheme.verify(header("X-Signature", signature), body, NOW))
                .doesNotThrowAnyException();
    }

    @Test
    void anHmacSha256HexSignatureWithoutPrefixVerifiesWithEitherRotatedSecret() throws Exception {
        byte[] body = "[1, 2, 3]".getBytes(StandardCharsets.UTF_8);
        HmacScheme scheme = new HmacScheme(
                "hmac", "X-Signature", "sha256", HmacScheme.Encoding.HEX, "", keys("new-secret", "old-secret"));

        for (String secret : List.of("new-secret", "old-secret")) {
            String hex = java.util.HexFormat.of().formatHex(openssl("sha256", secret, body));
            assertThatCode(() -> scheme.verify(header("X-Signature", hex), body, NOW))
                    .doesNotThrowAnyException();
        }
        String other = TestSigner.hmacHex("HmacSHA256", "someone-else", body);
        assertRejected(() -> scheme.verify(header("X-Signature", other), body, NOW), ProblemType.SIGNATURE_MISMATCH);
    }

    @Test
    void theBodyReserialisedWithOtherWhitespaceFails() {
        byte[] signedBody = "{\"a\": 1, \"b\": [1, 2]}".getBytes(StandardCharsets.UTF_8);
        byte[] reserialised = "{\"a\":1,\"b\":[1,2]}".getBytes(StandardCharsets.UTF_8);

        assertRejected(
                () -> HmacScheme.github(keys(GITHUB_SECRET))
                        .verify(
                                header("X-Hub-Signature-256", TestSigner.github(GITHUB_SECRET, signedBody)),
                                reserialised,
                                NOW),
                ProblemType.SIGNATURE_MISMATCH);
    }

    @Test
    void missingAndMalformedSignaturesAreNamedWithoutRevealingTheExpectedValue() {
        HmacScheme github = HmacScheme.github(keys(GITHUB_SECRET));

        assertRejected(() -> github.verify(name -> null, GITHUB_BODY, NOW), ProblemType.SIGNATURE_MISSING);
        assertRejected(
                () -> github.verify(header("X-Hub-Signature-256", "757107ea0eb2509f"), GITHUB_BODY, NOW),
                ProblemType.SIGNATURE_MALFORMED);
        assertRejected(
                () -> github.verify(header("X-Hub-Signature-256", "sha256=not-hex"), GITHUB_BODY, NOW),
                ProblemType.SIGNATURE_MALFORMED);
        assertThatThrownBy(() -> github.verify(header("X-Hub-Signature-256", "sha256=00"), GITHUB_BODY, NOW))
                .message()
                .contains("X-Hub-Signature-256")
                .doesNotContain(GITHUB_SIGNATURE.substring(7))
                .doesNotContain(GITHUB_SECRET);
    }

    @Test
    void aSignatureOfAnotherLengthIsAMismatchNotAnError() {
        Map<String, String> truncated = Map.of("X-Hub-Signature-256", GITHUB_SIGNATURE.substring(0, 21));

        assertRejected(
                () -> HmacScheme.github(keys(GITHUB_SECRET)).verify(truncated::get, GITHUB_BODY, NOW),
                ProblemType.SIGNATURE_MISMATCH);
    }
}
