package io.werken.verify;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.werken.core.ProblemException;
import io.werken.core.ProblemType;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Standard Webhooks verification against the specification's published vector and independently signed requests. */
class StandardWebhooksSchemeTest {

    // The example published with the Standard Webhooks specification (and Svix's libraries).
    private static final String SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final String SPEC_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private static final long SPEC_TIMESTAMP = 1614265330;
    private static final byte[] SPEC_BODY = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);
    private static final String SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    private static final String OLD_SECRET =
            "whsec_" + Base64.getEncoder().encodeToString("an older secret".getBytes(StandardCharsets.UTF_8));

    private static StandardWebhooksScheme scheme(String... secrets) {
        return new StandardWebhooksScheme(
                java.util.Arrays.stream(secrets)
                        .map(StandardWebhooksScheme::key)
                        .toList(),
                300);
    }

    private static RequestHeaders headers(String id, long timestamp, String signature) {
        Map<String, String> values =
                Map.of("webhook-id", id, "webhook-timestamp", Long.toString(timestamp), "webhook-signature", signature);
        return values::get;
    }

    private static void assertRejected(Runnable verification, ProblemType type) {
        assertThatThrownBy(verification::run)
                .isInstanceOfSatisfying(
                        ProblemException.class,
                        e -> org.assertj.core.api.Assertions.assertThat(e.problemType())
                                .isEqualTo(type));
    }

    @Test
    void theSpecificationsPublishedExampleVerifies() {
        assertThatCode(() -> scheme(SPEC_SECRET)
                        .verify(
                                headers(SPEC_ID, SPEC_TIMESTAMP, SPEC_SIGNATURE),
                                SPEC_BODY,
                                Instant.ofEpochSecond(SPEC_TIMESTAMP)))
                .doesNotThrowAnyException();
    }

    @Test
    void theTestSignerReproducesThePublishedExample() {
        org.assertj.core.api.Assertions.assertThat(
                        TestSigner.standardWebhooks(SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY))
                .isEqualTo(SPEC_SIGNATURE);
    }

    @Test
    void aSecretWithoutItsWhsecPrefixIsTheSameKey() {
        assertThatCode(() -> scheme(SPEC_SECRET.substring(6))
                        .verify(
                                headers(SPEC_ID, SPEC_TIMESTAMP, SPEC_SIGNATURE),
                                SPEC_BODY,
                                Instant.ofEpochSecond(SPEC_TIMESTAMP)))
                .doesNotThrowAnyException();
    }

    @Test
    void theBodyReserialisedWithOtherWhitespaceFails() {
        byte[] compact = "{\"test\":2432232314}".getBytes(StandardCharsets.UTF_8);

        assertRejected(
                () -> scheme(SPEC_SECRET)
                        .verify(
                                headers(SPEC_ID, SPEC_TIMESTAMP, SPEC_SIGNATURE),
                                compact,
                                Instant.ofEpochSecond(SPEC_TIMESTAMP)),
                ProblemType.SIGNATURE_MISMATCH);
    }

    @Test
    void anotherIdOrTimestampThanTheSignedOnesFails() {
        assertRejected(
                () -> scheme(SPEC_SECRET)
                        .verify(
                                headers("msg_other", SPEC_TIMESTAMP, SPEC_SIGNATURE),
                                SPEC_BODY,
                                Instant.ofEpochSecond(SPEC_TIMESTAMP)),
                ProblemType.SIGNATURE_MISMATCH);
        assertRejected(
                () -> scheme(SPEC_SECRET)
                        .verify(
                                headers(SPEC_ID, SPEC_TIMESTAMP + 1, SPEC_SIGNATURE),
                                SPEC_BODY,
                                Instant.ofEpochSecond(SPEC_TIMESTAMP)),
                ProblemType.SIGNATURE_MISMATCH);
    }

    @Test
    void duringARotationEitherSecretVerifies() {
        long now = 1_800_000_000L;
        String signedWithOld = TestSigner.standardWebhooks(OLD_SECRET, "msg_1", now, SPEC_BODY);
        String signedWithNew = TestSigner.standardWebhooks(SPEC_SECRET, "msg_1", now, SPEC_BODY);
        StandardWebhooksScheme rotating = scheme(SPEC_SECRET, OLD_SECRET);

        assertThatCode(() ->
                        rotating.verify(headers("msg_1", now, signedWithOld), SPEC_BODY, Instant.ofEpochSecond(now)))
                .doesNotThrowAnyException();
        assertThatCode(() ->
                        rotating.verify(headers("msg_1", now, signedWithNew), SPEC_BODY, Instant.ofEpochSecond(now)))
                .doesNotThrowAnyException();
        assertRejected(
                () -> scheme(SPEC_SECRET)
                        .verify(headers("msg_1", now, signedWithOld), SPEC_BODY, Instant.ofEpochSecond(now)),
                ProblemType.SIGNATURE_MISMATCH);
    }

    @Test
    void anyMatchingEntryOfSeveralPasses() {
        long now = 1_800_000_000L;
        String good = TestSigner.standardWebhooks(SPEC_SECRET, "msg_1", now, SPEC_BODY);
        String header = "v1,Zm9yZ2VkIHNpZ25hdHVyZQ== v2,ignored " + good + " v1a,alsoIgnored";

        assertThatCode(() -> scheme(SPEC_SECRET)
                        .verify(headers("msg_1", now, header), SPEC_BODY, Instant.ofEpochSecond(now)))
                .doesNotThrowAnyException();
    }

    @ParameterizedTest(name = "signed {0} s from now: accepted = {1}")
    @CsvSource({"0, true", "-300, true", "300, true", "-301, false", "301, false", "-86400, false"})
    void theTimestampMustLieWithinTheToleranceEitherWay(long offset, boolean accepted) {
        long now = 1_800_000_000L;
        long signedAt = now + offset;
        RequestHeaders request =
                headers("msg_1", signedAt, TestSigner.standardWebhooks(SPEC_SECRET, "msg_1", signedAt, SPEC_BODY));
        Runnable verification = () -> scheme(SPEC_SECRET).verify(request, SPEC_BODY, Instant.ofEpochSecond(now));

        if (accepted) {
            assertThatCode(verification::run).doesNotThrowAnyException();
        } else {
            assertRejected(verification, ProblemType.TIMESTAMP_OUT_OF_TOLERANCE);
        }
    }

    @Test
    void aCustomToleranceApplies() {
        long now = 1_800_000_000L;
        StandardWebhooksScheme strict =
                new StandardWebhooksScheme(List.of(StandardWebhooksScheme.key(SPEC_SECRET)), 10);
        RequestHeaders request =
                headers("msg_1", now - 11, TestSigner.standardWebhooks(SPEC_SECRET, "msg_1", now - 11, SPEC_BODY));

        assertRejected(
                () -> strict.verify(request, SPEC_BODY, Instant.ofEpochSecond(now)),
                ProblemType.TIMESTAMP_OUT_OF_TOLERANCE);
    }

    @Test
    void missingAndMalformedHeadersAreNamed() {
        Instant now = Instant.ofEpochSecond(SPEC_TIMESTAMP);
        Map<String, String> noSignature = Map.of("webhook-id", SPEC_ID, "webhook-timestamp", "1614265330");

        assertThatThrownBy(() -> scheme(SPEC_SECRET).verify(noSignature::get, SPEC_BODY, now))
                .isInstanceOf(ProblemException.class)
                .hasMessageContaining("webhook-signature");
        assertThatThrownBy(() -> scheme(SPEC_SECRET).verify(name -> null, SPEC_BODY, now))
                .isInstanceOf(ProblemException.class)
                .hasMessageContaining("webhook-id");
        assertRejected(
                () -> scheme(SPEC_SECRET).verify(noSignature::get, SPEC_BODY, now), ProblemType.SIGNATURE_MISSING);
        Map<String, String> textTimestamp = Map.of(
                "webhook-id",
                SPEC_ID,
                "webhook-timestamp",
                "2021-02-25T15:02:10Z",
                "webhook-signature",
                SPEC_SIGNATURE);
        assertRejected(
                () -> scheme(SPEC_SECRET).verify(textTimestamp::get, SPEC_BODY, now), ProblemType.SIGNATURE_MALFORMED);
        assertRejected(
                () -> scheme(SPEC_SECRET).verify(headers(SPEC_ID, SPEC_TIMESTAMP, "g0hM9SsE+OTPJTGt"), SPEC_BODY, now),
                ProblemType.SIGNATURE_MALFORMED);
        assertRejected(
                () -> scheme(SPEC_SECRET).verify(headers(SPEC_ID, SPEC_TIMESTAMP, "v1,***"), SPEC_BODY, now),
                ProblemType.SIGNATURE_MALFORMED);
    }

    @Test
    void aRejectionNeverRevealsTheSecretOrTheExpectedSignature() {
        assertThatThrownBy(() -> scheme(SPEC_SECRET)
                        .verify(
                                headers(SPEC_ID, SPEC_TIMESTAMP, "v1,AAAA"),
                                SPEC_BODY,
                                Instant.ofEpochSecond(SPEC_TIMESTAMP)))
                .message()
                .doesNotContain(SPEC_SIGNATURE.substring(3))
                .doesNotContain(SPEC_SECRET.substring(6));
    }
}
