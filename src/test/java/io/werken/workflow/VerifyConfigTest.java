package io.werken.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.werken.verify.TestSigner;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The verify and dedupe blocks of workflows.json: what loads, and the one-line startup refusals. */
class VerifyConfigTest {

    private static WorkflowCatalog load(String workflow, Map<String, String> env) {
        String json = "{\"w\": {" + workflow + ", \"actions\": [{\"type\": \"log_evento\"}]}}";
        return WorkflowCatalog.load(
                "test.json",
                new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)),
                WorkflowCatalog.Settings.withSecrets(SecretResolver.of(env)));
    }

    @Test
    void theThreeShapesOfTheIssueLoad() {
        Map<String, String> env = Map.of(
                "MY_SECRET",
                "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                "MY_OLD_SECRET",
                "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                "GH_SECRET",
                "gh");

        assertThat(load(
                                "\"verify\": {\"scheme\": \"standard-webhooks\", \"secrets\": [\"env:MY_SECRET\", \"env:MY_OLD_SECRET\"], \"tolerance_seconds\": 300}",
                                env)
                        .find("w")
                        .orElseThrow()
                        .verify()
                        .name())
                .isEqualTo("standard-webhooks");
        assertThat(load("\"verify\": {\"scheme\": \"github\", \"secrets\": [\"env:GH_SECRET\"]}", env)
                        .find("w")
                        .orElseThrow()
                        .verify()
                        .headers())
                .containsExactly("X-Hub-Signature-256");
        WorkflowCatalog hmac = load(
                "\"verify\": {\"scheme\": \"hmac\", \"header\": \"X-Signature\", \"algorithm\": \"sha256\", \"encoding\": \"hex\", \"prefix\": \"sha256=\", \"secrets\": [\"env:GH_SECRET\"]}",
                env);
        assertThat(hmac.signatureHeaders()).containsExactly("X-Signature");
    }

    @Test
    void aFileSecretLosesItsTrailingLineBreak(@TempDir Path dir) throws IOException {
        Path secret = dir.resolve("partner");
        Files.writeString(secret, "partner-secret\n");
        Workflow workflow = load(
                        "\"verify\": {\"scheme\": \"hmac\", \"header\": \"X-Signature\", \"secrets\": [\"file:" + secret
                                + "\"]}",
                        Map.of())
                .find("w")
                .orElseThrow();
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        String signature = TestSigner.hmacHex("HmacSHA256", "partner-secret", body);

        assertThatCode(() -> workflow.verify()
                        .verify(name -> "X-Signature".equals(name) ? signature : null, body, Instant.now()))
                .doesNotThrowAnyException();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "unset variable|\"verify\": {\"scheme\": \"github\", \"secrets\": [\"env:NOT_SET_ANYWHERE\"]}|/w/verify: secret env:NOT_SET_ANYWHERE: environment variable NOT_SET_ANYWHERE is not set or empty",
                "missing file|\"verify\": {\"scheme\": \"github\", \"secrets\": [\"file:/nonexistent/werken-secret\"]}|secret file:/nonexistent/werken-secret: cannot read /nonexistent/werken-secret",
                "a value, not a reference|\"verify\": {\"scheme\": \"github\", \"secrets\": [\"hunter2-my-real-secret\"]}|/w/verify/secrets/0: does not match the regex pattern ^(env|file):.+",
                "no secrets|\"verify\": {\"scheme\": \"github\", \"secrets\": []}|/w/verify/secrets: must have at least 1 items",
                "unknown scheme|\"verify\": {\"scheme\": \"stripe\", \"secrets\": [\"env:S\"]}|/w/verify/scheme: does not have a value in the enumeration",
                "hmac without header|\"verify\": {\"scheme\": \"hmac\", \"secrets\": [\"env:S\"]}|\"header\" must name the HTTP header",
                "Camel header|\"verify\": {\"scheme\": \"hmac\", \"header\": \"CamelHttpUri\", \"secrets\": [\"env:S\"]}|(not a Camel* header)",
                "bad algorithm|\"verify\": {\"scheme\": \"hmac\", \"header\": \"X-S\", \"algorithm\": \"md5\", \"secrets\": [\"env:S\"]}|/w/verify/algorithm: does not have a value in the enumeration [\"sha256\", \"sha512\"]",
                "bad encoding|\"verify\": {\"scheme\": \"hmac\", \"header\": \"X-S\", \"encoding\": \"base32\", \"secrets\": [\"env:S\"]}|/w/verify/encoding: does not have a value in the enumeration [\"hex\", \"base64\"]",
                "setting of another scheme|\"verify\": {\"scheme\": \"github\", \"header\": \"X-S\", \"secrets\": [\"env:S\"]}|\"header\" is not a setting of scheme github",
                "zero tolerance|\"verify\": {\"scheme\": \"standard-webhooks\", \"tolerance_seconds\": 0, \"secrets\": [\"env:WH\"]}|/w/verify/tolerance_seconds: must have a minimum value of 1",
                "not a whsec secret|\"verify\": {\"scheme\": \"standard-webhooks\", \"secrets\": [\"env:S\"]}|secret env:S is not a whsec_<base64> secret",
                "dedupe path|\"dedupe\": {\"path\": \"id\"}|/w/dedupe/path: does not match the regex pattern",
            })
    void aBlockThatCannotBeUsedRefusesStartupWithOneLineThatNeverHoldsASecret(
            String name, String workflow, String message) {
        Map<String, String> env =
                Map.of("S", "not base64 at all: s3cr3t!", "WH", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");

        assertThatThrownBy(() -> load(workflow, env))
                .isInstanceOf(InvalidWorkflowsException.class)
                .hasMessageStartingWith("Invalid workflows file test.json (1 problem): ")
                .hasMessageContaining(message)
                .message()
                .doesNotContain("\n")
                .doesNotContain("s3cr3t")
                .doesNotContain("hunter2")
                .doesNotContain("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    }
}
