package io.werken.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.werken.testing.FreePorts;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every startup refusal, as a deployer meets it running {@code java @jvm.options -jar target/werken.jar}: the whole
 * output is one ERROR line naming the setting, with no stack frame, the exit code is 1, and the data directory that
 * did not exist before does not exist after. A taken port is refused whether Werken's check finds it or the server's
 * own bind does (the port taken between the two: the tests' {@code werken.test.skip-port-checks} lets the check pass).
 */
class StartupRefusalsIT {

    private static final List<String> SKIP_PORT_CHECKS = List.of("-Dwerken.test.skip-port-checks=true");
    private static final Duration LIMIT = Duration.ofSeconds(90);

    @TempDir
    Path temp;

    @Test
    void aTakenWebhookPort() throws Exception {
        try (ServerSocket taken = listening()) {
            Map<String, String> env = settings();
            env.put("WERKEN_HTTP_PORT", Integer.toString(taken.getLocalPort()));

            assertRefusedInOneLine(
                    WerkenProcess.command(env, LIMIT),
                    "Port " + taken.getLocalPort() + " (WERKEN_HTTP_PORT) is in use");
            assertRefusedInOneLine(
                    WerkenProcess.command(env, SKIP_PORT_CHECKS, LIMIT),
                    "Port " + taken.getLocalPort() + " (WERKEN_HTTP_PORT) is in use");
        }
    }

    @Test
    void aTakenManagementPort() throws Exception {
        try (ServerSocket taken = listening()) {
            Map<String, String> env = settings();
            env.put("WERKEN_MANAGEMENT_PORT", Integer.toString(taken.getLocalPort()));

            assertRefusedInOneLine(
                    WerkenProcess.command(env, LIMIT),
                    "Port " + taken.getLocalPort() + " (WERKEN_MANAGEMENT_PORT) is in use");
            // Camel's management server only logs a port it cannot bind, and starts without it.
            assertRefusedInOneLine(
                    WerkenProcess.command(env, SKIP_PORT_CHECKS, LIMIT),
                    "Port " + taken.getLocalPort() + " (WERKEN_MANAGEMENT_PORT) is in use");
        }
    }

    @Test
    void aTakenEmbeddedAmqpPortFoundByTheCheck() throws Exception {
        try (ServerSocket taken = listening()) {
            assertRefusedInOneLine(
                    WerkenProcess.command(embedded(taken.getLocalPort()), LIMIT),
                    "Port " + taken.getLocalPort() + " (WERKEN_EMBEDDED_AMQP_PORT) is in use",
                    "WERKEN_RABBITMQ_URI");
        }
    }

    @Test
    void aTakenEmbeddedAmqpPortFoundByTheBrokersBind() throws Exception {
        try (ServerSocket taken = listening()) {
            // The broker starts (its store created under the data directory) and its port fails to bind.
            assertRefusedInOneLine(
                    WerkenProcess.command(embedded(taken.getLocalPort()), SKIP_PORT_CHECKS, LIMIT),
                    "Port " + taken.getLocalPort() + " (WERKEN_EMBEDDED_AMQP_PORT) is in use",
                    "WERKEN_RABBITMQ_URI");
        }
    }

    @Test
    void aDataDirectoryInUseByAnotherWerken() throws Exception {
        Path dataDir = temp.resolve("shared-data");
        Map<String, String> first = WerkenProcess.embeddedSettings(FreePorts.next(), dataDir);
        try (WerkenProcess running = WerkenProcess.start(first, "data-dir-holder")) {
            // Its own ports, and the same ones: either way the data directory is what it is told about.
            Map.Entry<Integer, String> ownPorts =
                    WerkenProcess.command(WerkenProcess.embeddedSettings(FreePorts.next(), dataDir), LIMIT);
            Map.Entry<Integer, String> samePorts = WerkenProcess.command(first, LIMIT);

            for (Map.Entry<Integer, String> result : List.of(ownPorts, samePorts)) {
                assertThat(result.getKey()).isEqualTo(1);
                assertThat(result.getValue().lines())
                        .as(result.getValue())
                        .singleElement()
                        .asString()
                        .contains(" ERROR ")
                        .contains("Werken cannot start.")
                        .contains("WERKEN_DATA_DIR " + dataDir + " is in use by another Werken (pid " + running.pid()
                                + ")");
                assertThat(result.getValue()).doesNotContain("\tat ");
            }
            // The other Werken's files are left alone, and it runs on.
            assertThat(Files.readString(dataDir.resolve("werken.lock")).trim()).isEqualTo(Long.toString(running.pid()));
            assertThat(dataDir.resolve("broker")).isDirectory();
            assertThat(dataDir.resolve("journal")).isDirectory();
            assertThat(running.healthStatus()).isEqualTo(200);
        }
    }

    @Test
    void everyWrongSettingAtOnce() throws Exception {
        Map<String, String> env = settings();
        env.put("WERKEN_DISPATCH_CONSUMERS", "0");
        env.put("WERKEN_JOURNAL_POOL_SIZE", "101");

        assertRefusedInOneLine(
                WerkenProcess.command(env, List.of("-Dwerken.queue.type=stream"), LIMIT),
                "3 settings are wrong: WERKEN_QUEUE_TYPE must be classic or quorum, not 'stream'; "
                        + "WERKEN_DISPATCH_CONSUMERS must be 1..1024, not 0; WERKEN_JOURNAL_POOL_SIZE must be 1..100, not 101");
    }

    @Test
    void aCamelServerKeyTheWebhookServerDoesNotImplement() throws Exception {
        Map<String, String> env = settings();
        // Keys Camel's own server has (so camel-main binds them without complaint), which Werken's does not implement.
        env.put("CAMEL_SERVER_USEGLOBALSSLCONTEXTPARAMETERS", "true");

        assertRefusedInOneLine(
                WerkenProcess.command(env, List.of("-Dcamel.server.authenticationEnabled=true"), LIMIT),
                "CAMEL_SERVER_USEGLOBALSSLCONTEXTPARAMETERS, camel.server.authenticationEnabled are not implemented by "
                        + "Werken's webhook server");
    }

    @Test
    void aCamelServerKeyNeitherServerHas() throws Exception {
        Map<String, String> env = settings();
        // camel-main binds CAMEL_SERVER_* itself, and fails with a stack trace on a key its own server lacks.
        env.put("CAMEL_SERVER_CORS_ENABLED", "true");

        assertRefusedInOneLine(
                WerkenProcess.command(env, LIMIT),
                "CAMEL_SERVER_CORS_ENABLED is not implemented by Werken's webhook server");
    }

    /** Werken on its embedded broker at {@code amqpPort}, with a data directory that does not exist yet. */
    private Map<String, String> embedded(int amqpPort) throws Exception {
        return WerkenProcess.embeddedSettings(
                amqpPort, temp.resolve("new-parent").resolve("data"));
    }

    /** Werken on its embedded broker (any free port) with a data directory that does not exist yet. */
    private Map<String, String> settings() throws Exception {
        return embedded(FreePorts.next());
    }

    private void assertRefusedInOneLine(Map.Entry<Integer, String> result, String... details) {
        assertThat(result.getKey()).as(result.getValue()).isEqualTo(1);
        assertThat(result.getValue().lines())
                .as(result.getValue())
                .singleElement()
                .asString()
                .contains(" ERROR ")
                .contains("Werken cannot start.")
                .contains(details);
        assertThat(result.getValue()).doesNotContain("\tat ");
        assertThat(temp.resolve("new-parent")).as("nothing created on disk").doesNotExist();
    }

    private static ServerSocket listening() throws Exception {
        ServerSocket socket = new ServerSocket();
        socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
        return socket;
    }
}
