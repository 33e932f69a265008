package io.werken.it;

import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.werken.testing.FreePorts;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A RabbitMQ node of a test's own, beside the shared one: its own node name, AMQP and distribution ports, data and log
 * directories in a temporary directory, and no plugins. A test can stop and start it (its durable queues and
 * persistent messages survive, as on a real broker restart) without disturbing any other test.
 * <p>
 * Several can form a cluster ({@link #joinCluster}). Their Erlang cookie is already shared: the Debian wrappers run
 * every node, and rabbitmqctl, as the rabbitmq user, whose home holds the one {@code .erlang.cookie}; node names are
 * short ({@code …@localhost}), as the CLI tools expect by default.
 */
public final class RabbitNode implements AutoCloseable {

    public final String nodeName;
    public final int port;
    private final Path dir;
    private final Map<String, String> env;
    private Process server;

    private RabbitNode() throws IOException {
        if (which("rabbitmq-server") == null || which("rabbitmqctl") == null) {
            throw new IllegalStateException(
                    "rabbitmq-server and rabbitmqctl must be on PATH for the broker fault tests "
                            + "(.ci/run installs them)");
        }
        this.port = FreePorts.next();
        this.nodeName = "werken-fault-" + ProcessHandle.current().pid() + "-" + port + "@localhost";
        // The Debian wrapper runs the node as the rabbitmq user: it must be able to write here.
        this.dir = Files.createTempDirectory(
                "werken-rabbit-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxrwxrwx")));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path plugins = Files.writeString(dir.resolve("enabled_plugins"), "[].\n");
        // Its own config file: the system one may pin listeners to the shared node's port.
        Path config = Files.writeString(dir.resolve("rabbitmq.conf"), "listeners.tcp.local = 127.0.0.1:" + port + "\n");
        for (Path file : List.of(plugins, config)) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));
        }
        this.env = Map.of(
                "RABBITMQ_NODENAME", nodeName,
                "RABBITMQ_NODE_PORT", Integer.toString(port),
                "RABBITMQ_DIST_PORT", Integer.toString(FreePorts.next()),
                "RABBITMQ_MNESIA_BASE", dir.resolve("mnesia").toString(),
                "RABBITMQ_LOG_BASE", dir.resolve("log").toString(),
                "RABBITMQ_PID_FILE", dir.resolve("node.pid").toString(),
                "RABBITMQ_ENABLED_PLUGINS_FILE", plugins.toString(),
                "RABBITMQ_CONFIG_FILE", config.toString());
    }

    /** A node, not yet started. */
    public static RabbitNode create() throws IOException {
        return new RabbitNode();
    }

    public String uri() {
        return "amqp://guest:guest@127.0.0.1:" + port + "/%2F";
    }

    /** Starts the node and waits until it accepts AMQP connections. */
    public RabbitNode start() throws IOException {
        startInBackground();
        awaitUp(Duration.ofSeconds(90));
        return this;
    }

    public void startInBackground() throws IOException {
        ProcessBuilder builder = new ProcessBuilder("rabbitmq-server")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        dir.resolve("server.out").toFile()));
        builder.environment().putAll(env);
        server = builder.start();
    }

    public void awaitUp(Duration atMost) {
        await().atMost(atMost)
                .pollInterval(Duration.ofMillis(250))
                .ignoreExceptions()
                .until(() -> {
                    if (server != null && !server.isAlive()) {
                        throw new IllegalStateException(
                                "RabbitMQ node " + nodeName + " exited; see " + dir.resolve("server.out"));
                    }
                    return accepts();
                });
    }

    public boolean accepts() {
        ConnectionFactory factory = new ConnectionFactory();
        try {
            factory.setUri(URI.create(uri()));
            factory.setConnectionTimeout(1000);
            try (Connection ignored = factory.newConnection("werken-tests-probe")) {
                return true;
            }
        } catch (Exception e) {
            return false;
        }
    }

    /**
     * Runs a RabbitMQ CLI tool ({@code rabbitmqctl}, {@code rabbitmq-queues}, ...) against this node, with this node's
     * environment, and returns its output; throws if it fails or takes over a minute.
     */
    public String cli(String tool, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(tool, "-n", nodeName));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process ctl = builder.start();
        String output = new String(ctl.getInputStream().readAllBytes());
        if (!ctl.waitFor(60, TimeUnit.SECONDS) || ctl.exitValue() != 0) {
            ctl.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
        }
        return output;
    }

    /**
     * Makes this running node a member of {@code first}'s cluster, as an operator would: {@code stop_app},
     * {@code join_cluster}, {@code start_app}. What this node held is dropped.
     */
    public void joinCluster(RabbitNode first) throws Exception {
        cli("rabbitmqctl", "stop_app");
        cli("rabbitmqctl", "join_cluster", first.nodeName);
        cli("rabbitmqctl", "start_app");
        awaitUp(Duration.ofSeconds(60));
    }

    public boolean isRunning() {
        return server != null && server.isAlive();
    }

    /** Stops the node the way an operator would ({@code rabbitmqctl stop}) and waits until it is gone. */
    public void stop() throws Exception {
        ProcessBuilder builder = new ProcessBuilder("rabbitmqctl", "-n", nodeName, "stop").redirectErrorStream(true);
        builder.environment().putAll(env);
        Process ctl = builder.start();
        String output = new String(ctl.getInputStream().readAllBytes());
        if (!ctl.waitFor(60, TimeUnit.SECONDS) || ctl.exitValue() != 0) {
            throw new IllegalStateException("rabbitmqctl stop failed for " + nodeName + ": " + output);
        }
        if (server != null && !server.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("RabbitMQ node " + nodeName + " did not exit");
        }
        server = null;
    }

    @Override
    public void close() throws Exception {
        try {
            if (server != null && server.isAlive()) {
                stop();
            }
        } finally {
            if (server != null) {
                server.destroyForcibly();
            }
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Override
    public String toString() {
        return nodeName;
    }

    private static Path which(String command) {
        for (String entry : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path candidate = Path.of(entry, command);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
