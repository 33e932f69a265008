package io.werken.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The journal tests' PostgreSQL, as those tests use it over JDBC: a cluster of the test's own that stops (connections
 * fail), starts again with its data, and is gone after close; and a database of the test's own on the shared server,
 * dropped on close even while a connection to it is open.
 */
class PostgresClusterIT {

    @Test
    void aClusterOfTheTestsOwnStopsStartsAndIsDroppedOnClose() throws Exception {
        String name;
        Path dataDirectory;
        Path configDirectory;
        try (PostgresCluster cluster = PostgresCluster.create()) {
            name = cluster.name;
            configDirectory = Path.of("/etc/postgresql", cluster.version, name);
            assertThat(configDirectory).isDirectory();
            String listed = line(lsclusters(), name);
            assertThat(listed.split("\\s+")).as(listed).contains(Integer.toString(cluster.port), "online");
            dataDirectory = Path.of(listed.split("\\s+")[5]);
            assertThat(dataDirectory).isDirectory();

            String url = cluster.createDatabase("journal");
            assertThat(url).isEqualTo("jdbc:postgresql://127.0.0.1:" + cluster.port + "/journal");
            try (Connection connection = connect(url);
                    Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE record (id text PRIMARY KEY)");
                statement.execute("INSERT INTO record VALUES ('before the outage')");
                assertThat(single(statement, "SHOW listen_addresses")).isEqualTo("127.0.0.1");
            }

            long stopping = System.nanoTime();
            cluster.stop();
            long stopMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopping);
            assertThatThrownBy(() -> connect(url).close()).isInstanceOf(SQLException.class);
            assertThat(cluster.isOnline()).isFalse();

            long starting = System.nanoTime();
            cluster.start();
            long startMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - starting);
            try (Connection connection = connect(url);
                    Statement statement = connection.createStatement()) {
                assertThat(single(statement, "SELECT string_agg(id, ',') FROM record"))
                        .isEqualTo("before the outage");
            }
            assertThat(cluster.isOnline()).isTrue();

            // Immediate mode, as a crash: the committed row survives recovery.
            cluster.stopImmediately();
            assertThatThrownBy(() -> connect(url).close()).isInstanceOf(SQLException.class);
            cluster.start();
            try (Connection connection = connect(url);
                    Statement statement = connection.createStatement()) {
                assertThat(single(statement, "SELECT count(*) FROM record")).isEqualTo("1");
            }
            System.out.printf(
                    "PostgresClusterIT: cluster %s stopped in %d ms, started again in %d ms%n",
                    cluster, stopMillis, startMillis);
        }
        assertThat(lsclusters()).doesNotContain(name);
        assertThat(dataDirectory).doesNotExist();
        assertThat(configDirectory).doesNotExist();
    }

    @Test
    void aDatabaseOfTheTestsOwnOnTheSharedServerIsDroppedOnClose() throws Exception {
        List<String> databases = new ArrayList<>();
        Connection open;
        try (Postgres shared = Postgres.shared()) {
            String url = shared.createDatabase();
            String other = shared.createDatabase();
            assertThat(List.of(url, other))
                    .allSatisfy(created -> assertThat(created)
                            .startsWith("jdbc:postgresql://127.0.0.1:5432/werken_postgresclusterit_"));
            assertThat(other).isNotEqualTo(url);
            for (String created : List.of(url, other)) {
                databases.add(created.substring(created.lastIndexOf('/') + 1));
            }
            assertThat(existing(databases)).containsExactlyInAnyOrderElementsOf(databases);

            // Left open on purpose, as a pool a test forgot would be: close() drops the database all the same.
            open = connect(url);
            try (Statement statement = open.createStatement()) {
                assertThat(single(statement, "SELECT current_database()")).isEqualTo(databases.get(0));
            }
        }
        open.close();
        assertThat(existing(databases)).as("databases left behind").isEmpty();
    }

    /** Which of {@code databases} the shared server has. */
    private static List<String> existing(List<String> databases) throws SQLException {
        List<String> existing = new ArrayList<>();
        String sql = "SELECT datname FROM pg_database WHERE datname = ANY (?)";
        try (Connection connection = connect("jdbc:postgresql://127.0.0.1:5432/postgres");
                PreparedStatement query = connection.prepareStatement(sql)) {
            query.setArray(1, connection.createArrayOf("text", databases.toArray()));
            try (ResultSet result = query.executeQuery()) {
                while (result.next()) {
                    existing.add(result.getString(1));
                }
            }
        }
        return existing;
    }

    /** As the journal connects: the URL, user postgres, no password. */
    private static Connection connect(String url) throws SQLException {
        DriverManager.setLoginTimeout(5);
        return DriverManager.getConnection(url, "postgres", "");
    }

    private static String single(Statement statement, String sql) throws SQLException {
        try (ResultSet result = statement.executeQuery(sql)) {
            assertThat(result.next()).as(sql).isTrue();
            return result.getString(1);
        }
    }

    private static String lsclusters() throws Exception {
        Process process = new ProcessBuilder("pg_lsclusters", "-h")
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }

    private static String line(String lsclusters, String cluster) {
        return lsclusters
                .lines()
                .filter(line -> line.split("\\s+")[1].equals(cluster))
                .findFirst()
                .orElseThrow(() -> new AssertionError("pg_lsclusters does not list " + cluster + ":\n" + lsclusters));
    }
}
