package io.werken.bench;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A PostgreSQL database of the bench's own on 127.0.0.1 (user postgres, trust authentication as on the development
 * and CI machines): created fresh and dropped at the end, unless it was given by name to be reused. Counts the
 * journal's rows and tells the CPU time of the server processes that serve Werken.
 */
final class PostgresDatabase implements AutoCloseable {

    /** The server the bench uses unless told otherwise ({@code --postgresql=jdbc:postgresql://127.0.0.1:PORT/}). */
    static final String DEFAULT_SERVER = "jdbc:postgresql://127.0.0.1:5432/";

    private final String server;
    private final String user;
    private final String name;
    private final boolean owned;
    private final Connection connection;

    private PostgresDatabase(String server, String user, String name, boolean owned) throws SQLException {
        this.server = server;
        this.user = user;
        this.name = name;
        this.owned = owned;
        this.connection = DriverManager.getConnection(server + name, user, null);
    }

    /**
     * A new database named {@code werken_bench_<prefix>_<time>_<random>}.
     *
     * @throws Bench.Refused the server does not answer, or is not on 127.0.0.1
     */
    static PostgresDatabase create(String server, String user, String prefix) throws Bench.Refused {
        checkLocal(server);
        String name = "werken_bench_" + prefix + "_"
                + DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss").withZone(ZoneOffset.UTC).format(Instant.now()) + "_"
                + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
        try (Connection admin = DriverManager.getConnection(server + "postgres", user, null);
             Statement statement = admin.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new Bench.Refused("cannot create a PostgreSQL database at " + server + " as " + user + " ("
                    + e.getMessage() + "); start PostgreSQL there, give another with --postgresql=jdbc:postgresql://"
                    + "127.0.0.1:PORT/, or run without the journal scenarios (--no-journal)");
        }
        try {
            return new PostgresDatabase(server, user, name, true);
        } catch (SQLException e) {
            drop(server, user, name);
            throw new Bench.Refused("cannot connect to the new database " + name + ": " + e.getMessage());
        }
    }

    /** An existing database, which the bench leaves in place at the end. */
    static PostgresDatabase existing(String server, String user, String name) throws Bench.Refused {
        checkLocal(server);
        if (!name.matches("[a-z_][a-z0-9_]*")) {
            throw new Bench.Refused("not a plain database name: " + name);
        }
        try {
            return new PostgresDatabase(server, user, name, false);
        } catch (SQLException e) {
            throw new Bench.Refused("cannot connect to database " + name + " at " + server + ": " + e.getMessage());
        }
    }

    private static void checkLocal(String server) throws Bench.Refused {
        if (!server.startsWith("jdbc:postgresql://") || !server.endsWith("/")) {
            throw new Bench.Refused("--postgresql must look like jdbc:postgresql://127.0.0.1:5432/, not " + server);
        }
        String host = URI.create(server.substring("jdbc:".length())).getHost();
        if (!"127.0.0.1".equals(host)) {
            throw new Bench.Refused("the bench only uses a PostgreSQL on 127.0.0.1, not " + host);
        }
    }

    String name() {
        return name;
    }

    /** The JDBC URL Werken is given (WERKEN_JOURNAL_URL). */
    String url() {
        return server + name;
    }

    String user() {
        return user;
    }

    /** The bench's own connection to it (autocommit). */
    Connection connection() {
        return connection;
    }

    /** Events in the journal ({@code journal_events}); 0 while its schema is not there yet. */
    long countEvents() throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT count(*) FROM journal_events")) {
            rows.next();
            return rows.getLong(1);
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) { // undefined_table: Werken has not migrated it yet
                return 0;
            }
            throw e;
        }
    }

    /** How many of {@code eventIds} the journal holds, in one query. */
    long countStored(List<String> eventIds) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT count(*) FROM journal_events WHERE event_id = ANY (?)")) {
            statement.setArray(1, connection.createArrayOf("text", eventIds.toArray()));
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    /** The journal's events and actions on disk in bytes: the two tables with their indexes and TOAST. */
    long journalBytes() throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT pg_total_relation_size('journal_events')"
                     + " + pg_total_relation_size('journal_actions')")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    /** The database's size on disk in bytes (tables, indexes, TOAST). */
    long sizeBytes() throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT pg_database_size(?)")) {
            statement.setString(1, name);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    /**
     * CPU seconds so far of the server processes that work for Werken: the backends of this database's connections
     * (not the bench's own), and the server's WAL writer, checkpointer and background writer, which every database of
     * the server shares (so they count other work on the same server too).
     */
    Map<String, Double> cpuSeconds() {
        Map<String, Double> cpu = new LinkedHashMap<>();
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT pid, CASE WHEN datname = ? THEN 'backends' ELSE backend_type END FROM pg_stat_activity"
                + " WHERE (datname = ? AND pid <> pg_backend_pid())"
                + " OR backend_type IN ('walwriter', 'checkpointer', 'background writer')")) {
            statement.setString(1, name);
            statement.setString(2, name);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    double seconds = ProcessStats.cpuSeconds(rows.getLong(1));
                    if (!Double.isNaN(seconds)) {
                        cpu.merge(rows.getString(2), seconds, Double::sum);
                    }
                }
            }
        } catch (SQLException e) {
            return Map.of();
        }
        return cpu;
    }

    /** The secondary indexes of {@code tables} (not their primary keys): name and definition. */
    Map<String, String> secondaryIndexes(List<String> tables) throws SQLException {
        Map<String, String> indexes = new LinkedHashMap<>();
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i"
                + " JOIN pg_class c ON c.relname = i.indexname JOIN pg_index x ON x.indexrelid = c.oid"
                + " WHERE i.schemaname = current_schema() AND i.tablename = ANY (?) AND NOT x.indisprimary"
                + " ORDER BY i.tablename, i.indexname")) {
            statement.setArray(1, connection.createArrayOf("text", tables.toArray()));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    indexes.put(rows.getString(1), rows.getString(2));
                }
            }
        }
        return indexes;
    }

    /** Runs each statement on the bench's connection. */
    void execute(String... statements) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    /** Closes the bench's connection and drops the database if the bench created it. */
    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // dropping it below closes whatever is left
        }
        if (owned) {
            drop(server, user, name);
        }
    }

    private static void drop(String server, String user, String name) {
        try (Connection admin = DriverManager.getConnection(server + "postgres", user, null);
             Statement statement = admin.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } catch (SQLException e) {
            System.out.println("bench: could not drop PostgreSQL database " + name + ": " + e.getMessage());
        }
    }
}
