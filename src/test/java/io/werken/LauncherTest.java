package io.werken;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./werken} launcher picks the JVM options by the JDK it runs on: before JDK 25, {@code @jvm.options} and
 * the class-data archive by its absolute path; from JDK 25 on, jvm.options' options without Java 17's archive (which
 * such a JDK cannot read, and which cannot be combined with an AOT cache), and the AOT cache of aot/train when
 * {@code target/werken.aot} exists. Run on a copy of the launcher and jvm.options, with a stand-in JDK (its release
 * file and a {@code bin/java} that prints its arguments), so that no JDK 25 is needed.
 */
class LauncherTest {

    @TempDir
    Path dir;

    @Test
    void java17GetsJvmOptionsAndTheClassDataArchive() throws Exception {
        Path home = werkenHome();
        List<String> args = launch(home, jdk("17.0.15"), "validate", "x.json");
        assertThat(args)
                .containsExactly(
                        "@" + home.resolve("jvm.options"),
                        "-XX:SharedArchiveFile=" + home.resolve("target/werken.jsa"),
                        "-jar",
                        home.resolve("target/werken.jar").toString(),
                        "validate",
                        "x.json");
    }

    @Test
    void java25WithoutACacheGetsJvmOptionsWithoutJava17sArchive() throws Exception {
        Path home = werkenHome();
        List<String> expected = new ArrayList<>(optionsWithoutArchive());
        expected.addAll(List.of("-jar", home.resolve("target/werken.jar").toString(), "validate", "x.json"));
        assertThat(launch(home, jdk("25.0.3"), "validate", "x.json")).containsExactlyElementsOf(expected);
    }

    @Test
    void java25WithTheCacheUsesIt() throws Exception {
        Path home = werkenHome();
        Files.createFile(home.resolve("target/werken.aot"));
        List<String> expected = new ArrayList<>(optionsWithoutArchive());
        expected.add("-XX:AOTCache=" + home.resolve("target/werken.aot"));
        expected.addAll(List.of("-jar", home.resolve("target/werken.jar").toString(), "run"));
        assertThat(launch(home, jdk("25"), "run")).containsExactlyElementsOf(expected);
    }

    /** jvm.options' options, one per line, without comments and without the class-data archive. */
    private static List<String> optionsWithoutArchive() throws IOException {
        List<String> options = Files.readAllLines(Path.of("jvm.options")).stream()
                .map(line -> line.replaceFirst("#.*", "").trim())
                .filter(line -> !line.isEmpty() && !line.startsWith("-XX:SharedArchiveFile="))
                .toList();
        assertThat(options).contains("-XX:+UseSerialGC").isNotEmpty();
        return options;
    }

    /** A copy of the launcher and jvm.options with a stand-in target/werken.jar. */
    private Path werkenHome() throws IOException {
        Path home = Files.createDirectories(dir.resolve("werken"));
        Files.copy(Path.of("werken"), home.resolve("werken"));
        Files.copy(Path.of("jvm.options"), home.resolve("jvm.options"));
        Files.createDirectories(home.resolve("target"));
        Files.createFile(home.resolve("target/werken.jar"));
        return home.toRealPath();
    }

    /** A stand-in JDK of that version: its release file, and a bin/java that prints each argument on a line. */
    private Path jdk(String version) throws IOException {
        Path jdk = Files.createDirectories(dir.resolve("jdk-" + version));
        Files.writeString(jdk.resolve("release"), "IMPLEMENTOR=\"test\"\nJAVA_VERSION=\"" + version + "\"\n");
        Path java = Files.createDirectories(jdk.resolve("bin")).resolve("java");
        Files.writeString(java, "#!/bin/sh\nfor arg in \"$@\"; do printf '%s\\n' \"$arg\"; done\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        return jdk;
    }

    private List<String> launch(Path home, Path javaHome, String... args) throws Exception {
        List<String> command =
                new ArrayList<>(List.of("sh", home.resolve("werken").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder =
                new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().put("JAVA_HOME", javaHome.toString());
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(out).isZero();
        return out.lines().toList();
    }
}
