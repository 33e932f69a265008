package io.werken.it;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Databases of a test's own on a PostgreSQL server that user {@code postgres} reaches over TCP with trust
 * authentication: the shared server at 127.0.0.1:5432 ({@link #shared()}, which .ci/run sets up) or a test's own
 * {@link PostgresCluster}. {@link #close()} drops the databases it created.
 * <p>
 * A JDBC URL here names no user, as {@code WERKEN_JOURNAL_URL} does not: connect as {@link #USER} with no password.
 */
public final class Postgres implements AutoCloseable {

    public static final String HOST = "127.0.0.1";
    public static final int SHARED_PORT = 5432;
    public static final String USER = "postgres";

    /** PostgreSQL's limit on identifiers (NAMEDATALEN - 1); a longer name would be truncated silently. */
    private static final int MAX_NAME = 63;

    private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]{0," + (MAX_NAME - 1) + "}");

    public final int port;
    private final List<String> created = new ArrayList<>();

    Postgres(int port) {
        this.port = port;
    }

    /** The shared server at 127.0.0.1:5432; each test takes its own instance, which drops only its own databases. */
    public static Postgres shared() {
        return new Postgres(SHARED_PORT);
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + HOST + ":" + port + "/" + database;
    }

    /**
     * Creates a database with a fresh name, {@code werken_<calling class>_<random>}, and returns its JDBC URL. The
     * calling class in the name tells whose a leftover database is.
     */
    public String createDatabase() {
        String caller = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE)
                .getCallerClass()
                .getSimpleName()
                .toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9_]", "_");
        String random = "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        String prefix = "werken_" + caller;
        return createDatabase(prefix.substring(0, Math.min(prefix.length(), MAX_NAME - random.length())) + random);
    }

    /** Creates the database {@code name} (lower case letters, digits and underscores) and returns its JDBC URL. */
    public String createDatabase(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "Not a database name for the tests: " + name + " (expected " + NAME + ")");
        }
        execute("CREATE DATABASE \"" + name + "\"");
        synchronized (created) {
            created.add(name);
        }
        return jdbcUrl(name);
    }

    /** A connection to {@code database} as {@link #USER}; it fails within seconds if the server does not answer. */
    public Connection connect(String database) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", USER);
        properties.setProperty("connectTimeout", "3");
        properties.setProperty("loginTimeout", "5");
        properties.setProperty("socketTimeout", "60");
        return DriverManager.getConnection(jdbcUrl(database), properties);
    }

    /** Whether the server accepts a connection now. */
    public boolean accepts() {
        try (Connection ignored = connect("postgres")) {
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    /** Drops the databases this instance created, disconnecting whoever still uses them. */
    @Override
    public void close() {
        List<String> names;
        synchronized (created) {
            names = new ArrayList<>(created);
            created.clear();
        }
        IllegalStateException failure = null;
        for (String name : names) {
            try {
                // FORCE: a pool the test did not close (or a killed Werken's sessions) must not keep the database.
                execute("DROP DATABASE IF EXISTS \"" + name + "\" WITH (FORCE)");
            } catch (IllegalStateException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public String toString() {
        return HOST + ":" + port;
    }

    private void execute(String sql) {
        try (Connection connection = connect("postgres");
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            String hint = port == SHARED_PORT ? " (.ci/run sets it up with trust authentication)" : "";
            throw new IllegalStateException(
                    sql + " failed on PostgreSQL at " + this + " as user " + USER + hint + ": " + e.getMessage(), e);
        }
    }
}
