package io.werken.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code java -jar werken.jar validate FILE}: its exit code and what it prints, and that it never prints a secret. */
class ValidateCommandTest {

    private static final String SECRET_VALUE = "gh-s3cr3t-value-7f3a";

    @TempDir
    Path dir;

    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();

    private int validate(Map<String, String> environment, String... args) {
        try (PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
                PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8)) {
            CommandLine line = WerkenCommand.commandLine(
                    () -> {
                        throw new AssertionError("no server");
                    },
                    environment::get);
            line.setOut(new PrintWriter(out, true));
            line.setErr(new PrintWriter(err, true));
            String[] command = new String[args.length + 1];
            command[0] = "validate";
            System.arraycopy(args, 0, command, 1, args.length);
            return line.execute(command);
        }
    }

    private String out() {
        return outBytes.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return errBytes.toString(StandardCharsets.UTF_8);
    }

    private List<String> errLines() {
        return err().lines().toList();
    }

    private Path file(String json) throws IOException {
        return Files.writeString(dir.resolve("workflows.json"), json);
    }

    @Test
    void theShippedFileIsValid() {
        int exit = validate(Map.of(), "src/main/resources/workflows.json");

        assertThat(exit).isZero();
        assertThat(out()).contains("valid, 3 workflows").contains("mi-workflow, blog-nuevo-post, github-events");
        assertThat(err()).isEmpty();
    }

    @Test
    void aBadFileListsEveryProblemOnItsOwnLine() throws IOException {
        Path bad = file("""
                {"w": {"actions": [
                  {"type": "a", "when": "1"},
                  {"type": "b", "params": {"title": "{{ payload.title"}},
                  {"type": "c", "queue": "received_webhooks"}]}}""");

        int exit = validate(Map.of(), bad.toString());

        assertThat(exit).isEqualTo(1);
        assertThat(out()).isEmpty();
        assertThat(errLines()).hasSize(4);
        assertThat(errLines().get(0)).isEqualTo(bad + ": invalid, 3 problems:");
        assertThat(errLines().get(1)).startsWith("  /w/actions/0/when: ");
        assertThat(errLines().get(2))
                .startsWith("  /w/actions/1/params/title: ")
                .contains("not closed");
        assertThat(errLines().get(3)).startsWith("  /w/actions/2/queue: ").contains("'received_webhooks'");
    }

    @Test
    void patternsThePayloadSuppliesOrThatBlowUpAreExplained() throws IOException {
        Path bad = file("""
                {"w": {
                  "payload_schema": {"type": "object", "properties": {
                    "sku": {"type": "string", "pattern": "^[A-Z]{3}-\\\\d{4}$"},
                    "id": {"type": "string", "pattern": "^((\\\\w{30}){30}){30}$"},
                    "enum": {"type": "string", "pattern": "(q{40}){40}"}}},
                  "actions": [
                    {"type": "a", "when": "payload.sku.matches(payload.rule)"},
                    {"type": "b", "params": {"ok": "{{ payload.sku.matches('(z{100}|y){1000}') }}"}},
                    {"type": "c", "when": "payload.sku.matches('^[A-Z]{3}-[0-9]{4}$')"}]}}""");

        int exit = validate(Map.of(), bad.toString());

        assertThat(exit).isEqualTo(1);
        assertThat(errLines()).hasSize(5);
        assertThat(errLines().get(0)).isEqualTo(bad + ": invalid, 4 problems:");
        assertThat(errLines())
                .anySatisfy(
                        line -> assertThat(line)
                                .isEqualTo(
                                        "  /w/actions/0/when: matches() at column 21: the pattern must be a string literal, not taken from"
                                                + " the payload or computed (such a pattern could exhaust memory when compiled)"));
        assertThat(errLines())
                .anySatisfy(line -> assertThat(line)
                        .startsWith(
                                "  /w/actions/1/params/ok: {{ payload.sku.matches('(z{100}|y){1000}') }}: matches() at column 22:"
                                        + " the pattern '(z{100}|y){1000}'")
                        .contains("nests counted repetitions ({n}) to 100000 copies, more than 1000"));
        assertThat(errLines())
                .anySatisfy(line -> assertThat(line)
                        .isEqualTo(
                                "  /w/payload_schema/properties/id/pattern: the pattern '^((\\w{30}){30}){30}$' nests counted"
                                        + " repetitions ({n}) to 27000 copies, more than 1000: RE2 writes them all out when it"
                                        + " compiles the pattern"));
        // A property named like a data keyword ("enum") is a schema all the same: its pattern is measured too.
        assertThat(errLines())
                .anySatisfy(
                        line -> assertThat(line)
                                .startsWith(
                                        "  /w/payload_schema/properties/enum/pattern: the pattern '(q{40}){40}' nests counted"));
    }

    @Test
    void theReceivedQueueIsTheOneThisEnvironmentConfigures() throws IOException {
        Path file = file("{\"w\": {\"actions\": [{\"type\": \"a\", \"queue\": \"events\"}]}}");

        assertThat(validate(Map.of(), file.toString())).isZero();
        assertThat(validate(Map.of("WERKEN_QUEUE_RECEIVED", "events"), file.toString()))
                .isEqualTo(1);
        assertThat(err()).contains("/w/actions/0/queue: 'events' is one of Werken's own queues");
    }

    @Test
    void noArgumentsIsAUsageError() {
        int exit = validate(Map.of());

        assertThat(exit).isEqualTo(2);
        assertThat(errLines())
                .startsWith(
                        "Missing required parameter: 'FILE'",
                        "Check a workflows file offline, as Werken checks it at startup.",
                        "Usage: java -jar werken.jar validate [-h] FILE");
        assertThat(out()).isEmpty();
    }

    @Test
    void anUnknownOptionOrASecondFileIsAUsageError() {
        assertThat(validate(Map.of(), "--strict", "a.json")).isEqualTo(2);
        assertThat(validate(Map.of(), "a.json", "b.json")).isEqualTo(2);
    }

    @Test
    void aFileThatCannotBeReadIsInvalid() {
        Path missing = dir.resolve("missing.json");

        int exit = validate(Map.of(), missing.toString());

        assertThat(exit).isEqualTo(1);
        assertThat(err()).contains(missing + ": cannot be read");
    }

    @Test
    void anUnsetSecretIsReportedByName() throws IOException {
        Path file = file("{\"gh\": {\"verify\": {\"scheme\": \"github\", \"secrets\": [\"env:GH_HOOK_SECRET\"]},"
                + " \"actions\": [{\"type\": \"a\"}]}}");

        int exit = validate(Map.of(), file.toString());

        assertThat(exit).isEqualTo(1);
        assertThat(errLines()).hasSize(2);
        assertThat(errLines().get(1)).startsWith("  /gh/verify: ").contains("GH_HOOK_SECRET");
    }

    @Test
    void aSetSecretsValueIsNeverPrinted() throws IOException {
        Path file = file("{\"gh\": {\"verify\": {\"scheme\": \"github\", \"secrets\": [\"env:GH_HOOK_SECRET\"]},"
                + " \"actions\": [{\"type\": \"a\"}]}}");

        int exit = validate(Map.of("GH_HOOK_SECRET", SECRET_VALUE), file.toString());

        assertThat(exit).isZero();
        assertThat(out()).contains("valid, 1 workflow: gh").doesNotContain(SECRET_VALUE);
        assertThat(err()).doesNotContain(SECRET_VALUE);
    }

    @Test
    void aSetSecretThatIsNotUsableIsReportedWithoutItsValue() throws IOException {
        Path file = file("""
                {"sw": {"verify": {"scheme": "standard-webhooks", "secrets": ["env:SW_SECRET"]},
                        "actions": [{"type": "a", "when": "payload.x =="}]}}""");

        int exit = validate(Map.of("SW_SECRET", SECRET_VALUE), file.toString());

        assertThat(exit).isEqualTo(1);
        assertThat(errLines())
                .anySatisfy(
                        line -> assertThat(line).startsWith("  /sw/verify: ").contains("env:SW_SECRET"));
        assertThat(errLines()).anySatisfy(line -> assertThat(line).startsWith("  /sw/actions/0/when: "));
        assertThat(out() + err()).doesNotContain(SECRET_VALUE);
    }
}
