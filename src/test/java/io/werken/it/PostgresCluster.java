package io.werken.it;

import static org.awaitility.Awaitility.await;

import io.werken.testing.FreePorts;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A PostgreSQL cluster of a test's own, beside the shared server: made with Debian's {@code pg_createcluster} on a free
 * port, listening on 127.0.0.1 only, where user {@code postgres} connects with trust authentication. A test can stop
 * it (an outage of the journal's database) and start it again without disturbing any other test; {@link #close()}
 * drops it with its data.
 * <p>
 * PostgreSQL refuses to run as root; the Debian tools run the server as the {@code postgres} user. They need root (or
 * the {@code postgres} user) themselves: as anyone else, they run through {@code sudo -n}.
 */
public final class PostgresCluster implements AutoCloseable {

    /** Clusters are named {@code werken_it_<pid>_<port>}: a cluster whose JVM is gone is a leftover of a killed run. */
    private static final Pattern OWN_NAME = Pattern.compile("werken_it_(\\d+)_\\d+");

    private static final Duration TOOL_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    public final String version;
    public final String name;
    public final int port;
    private final Postgres server;
    private boolean dropped;

    private PostgresCluster(String version, String name, int port) {
        this.version = version;
        this.name = name;
        this.port = port;
        this.server = new Postgres(port);
    }

    /** Creates a cluster of the newest installed PostgreSQL on a free port, starts it and waits until it accepts. */
    public static PostgresCluster create() throws IOException, InterruptedException {
        String version = installedVersion();
        dropLeftovers();
        IllegalStateException failure = null;
        // A free port can be taken between choosing and binding it: try another.
        for (int attempt = 0; attempt < 3; attempt++) {
            int port = FreePorts.next();
            String name = "werken_it_" + ProcessHandle.current().pid() + "_" + port;
            PostgresCluster cluster = new PostgresCluster(version, name, port);
            try {
                // --start-conf=manual: never started at boot. Trust on 127.0.0.1 (initdb's pg_hba.conf, which
                // pg_createcluster leaves alone when given the authentication), peer on the local socket as Debian's.
                admin(
                        TOOL_TIMEOUT,
                        "pg_createcluster",
                        version,
                        cluster.name,
                        "-p",
                        Integer.toString(port),
                        "--start-conf=manual",
                        "--",
                        "--auth-host=trust",
                        "--auth-local=peer");
                cluster.listenOnLoopbackOnly();
                cluster.start();
                return cluster;
            } catch (IOException | RuntimeException e) {
                IllegalStateException attemptFailure = new IllegalStateException(
                        "Cannot create PostgreSQL cluster " + cluster + ": " + e.getMessage(), e);
                try {
                    cluster.close();
                } catch (RuntimeException closing) {
                    attemptFailure.addSuppressed(closing);
                }
                if (failure != null) {
                    attemptFailure.addSuppressed(failure);
                }
                failure = attemptFailure;
            }
        }
        throw failure;
    }

    public String jdbcUrl(String database) {
        return server.jdbcUrl(database);
    }

    /** Creates the database {@code name} in this cluster and returns its JDBC URL; connect as {@link Postgres#USER}. */
    public String createDatabase(String name) {
        return server.createDatabase(name);
    }

    public Connection connect(String database) throws SQLException {
        return server.connect(database);
    }

    /** Whether the cluster accepts a connection now. */
    public boolean accepts() {
        return server.accepts();
    }

    /** Starts the stopped cluster and waits until it accepts connections. */
    public void start() throws IOException, InterruptedException {
        admin(TOOL_TIMEOUT, "pg_ctlcluster", version, name, "start");
        awaitAccepting(START_TIMEOUT);
    }

    /**
     * Stops the cluster in fast mode, as an operator would: open transactions are rolled back and clients
     * disconnected. Returns once it refuses connections.
     */
    public void stop() throws IOException, InterruptedException {
        stop("fast");
    }

    /** Stops the cluster in immediate mode, as a crash would: no checkpoint, recovery at the next start. */
    public void stopImmediately() throws IOException, InterruptedException {
        stop("immediate");
    }

    /** Whether {@code pg_lsclusters} shows this cluster online. */
    public boolean isOnline() throws IOException, InterruptedException {
        return listed().map(status -> status.startsWith("online")).orElse(false);
    }

    /** Drops the cluster, stopping it first: its data, configuration and log are gone. */
    @Override
    public void close() {
        if (dropped) {
            return;
        }
        try {
            if (listed().isPresent()) {
                drop(version, name);
            }
            dropped = true;
        } catch (IOException e) {
            throw new IllegalStateException("Cannot drop PostgreSQL cluster " + this, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while dropping PostgreSQL cluster " + this, e);
        }
    }

    @Override
    public String toString() {
        return version + "/" + name + " on 127.0.0.1:" + port;
    }

    /**
     * Sets {@code listen_addresses} in a file of the cluster's {@code conf.d}, which Debian's postgresql.conf includes
     * last. Not with {@code pg_createcluster -o}: it writes 127.0.0.1 without quotes, taking it for a number, and
     * PostgreSQL then refuses the file.
     */
    private void listenOnLoopbackOnly() throws IOException, InterruptedException {
        Path settings = Files.createTempFile("werken-postgres-", ".conf");
        try {
            Files.writeString(
                    settings,
                    "# PostgresCluster: a test's own cluster, on the loopback interface only\n"
                            + "listen_addresses = '127.0.0.1'\n");
            Files.setPosixFilePermissions(settings, PosixFilePermissions.fromString("rw-r--r--"));
            admin(TOOL_TIMEOUT, "install", "-m", "644", settings.toString(), settingsFile(version, name));
        } finally {
            Files.deleteIfExists(settings);
        }
    }

    private void stop(String mode) throws IOException, InterruptedException {
        admin(TOOL_TIMEOUT, "pg_ctlcluster", version, name, "stop", "-m", mode);
        await().atMost(STOP_TIMEOUT).pollInterval(Duration.ofMillis(200)).until(() -> !accepts());
    }

    private void awaitAccepting(Duration atMost) {
        await().atMost(atMost).pollInterval(Duration.ofMillis(200)).until(this::accepts);
    }

    /** This cluster's status in {@code pg_lsclusters}, if it is listed. */
    private Optional<String> listed() throws IOException, InterruptedException {
        return clusters().stream()
                .filter(columns -> columns[0].equals(version) && columns[1].equals(name))
                .map(columns -> columns[3])
                .findFirst();
    }

    /** {@code pg_lsclusters} lines, as columns: version, name, port, status, owner, data directory, log file. */
    private static List<String[]> clusters() throws IOException, InterruptedException {
        List<String[]> clusters = new ArrayList<>();
        for (String line : run(false, TOOL_TIMEOUT, "pg_lsclusters", "-h").split("\n")) {
            if (!line.isBlank()) {
                clusters.add(line.trim().split("\\s+"));
            }
        }
        return clusters;
    }

    /**
     * Drops the clusters of test JVMs that are gone (killed before their close), so they do not pile up. Another JVM
     * may be dropping the same one: a leftover that cannot be dropped is not this test's failure.
     */
    private static void dropLeftovers() throws IOException, InterruptedException {
        for (String[] columns : clusters()) {
            Matcher own = OWN_NAME.matcher(columns[1]);
            if (own.matches() && ProcessHandle.of(Long.parseLong(own.group(1))).isEmpty()) {
                try {
                    drop(columns[0], columns[1]);
                } catch (IllegalStateException e) {
                    System.err.println("PostgresCluster: leftover cluster " + columns[0] + "/" + columns[1]
                            + " not dropped: " + e.getMessage());
                }
            }
        }
    }

    /**
     * {@code pg_dropcluster} removes the files it knows of and then the configuration directory, which must then be
     * empty: the settings file of {@link #listenOnLoopbackOnly} goes first.
     */
    private static void drop(String version, String name) throws IOException, InterruptedException {
        admin(TOOL_TIMEOUT, "rm", "-f", settingsFile(version, name));
        admin(TOOL_TIMEOUT, "pg_dropcluster", "--stop", version, name);
    }

    private static String settingsFile(String version, String name) {
        return "/etc/postgresql/" + version + "/" + name + "/conf.d/werken-tests.conf";
    }

    /** The newest PostgreSQL server version installed the Debian way (15 on Debian 12). */
    private static String installedVersion() throws IOException {
        Path versions = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(versions)) {
            try (Stream<Path> dirs = Files.list(versions)) {
                Optional<String> newest = dirs.filter(
                                dir -> dir.getFileName().toString().matches("\\d+"))
                        .filter(dir -> Files.isExecutable(dir.resolve("bin/initdb")))
                        .map(dir -> dir.getFileName().toString())
                        .max(Comparator.comparingInt(Integer::parseInt));
                if (newest.isPresent()) {
                    return newest.get();
                }
            }
        }
        throw new IllegalStateException("No PostgreSQL server under " + versions + ": the journal tests need Debian's "
                + "postgresql package (.ci/run installs it)");
    }

    /** Runs a Debian PostgreSQL tool that needs root or the postgres user. */
    private static String admin(Duration timeout, String... command) throws IOException, InterruptedException {
        return run(true, timeout, command);
    }

    private static String run(boolean admin, Duration timeout, String... command)
            throws IOException, InterruptedException {
        List<String> full = new ArrayList<>();
        String user = System.getProperty("user.name");
        if (admin && !user.equals("root") && !user.equals("postgres")) {
            full.addAll(List.of("sudo", "-n"));
        }
        full.addAll(List.of(command));
        // Output to a file, not a pipe: reading a pipe would wait for a hung tool past the timeout.
        Path output = Files.createTempFile("werken-postgres-", ".out");
        try {
            Process process = new ProcessBuilder(full)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(
                        String.join(" ", full) + " did not finish within " + timeout + ": " + Files.readString(output));
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", full) + " failed with exit code " + process.exitValue()
                        + ": " + Files.readString(output));
            }
            return Files.readString(output);
        } finally {
            Files.deleteIfExists(output);
        }
    }
}
