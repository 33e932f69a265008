package io.werken.journal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.werken.core.StartupRefusedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import org.apache.camel.util.ObjectHelper;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The journal's pool of connections and its schema's state: work runs on a connection once the schema is this jar's
 * (migrating it first if that is still to do), and every SQL failure becomes a one-line
 * {@link JournalUnavailableException} that names the database but never the password.
 */
final class JournalDatabase implements AutoCloseable {

    /** How long the embedded store may take to open its file before Werken gives up. */
    static final long EMBEDDED_OPEN_TIMEOUT_MILLIS = 30_000;

    private static final Logger LOG = LoggerFactory.getLogger(JournalDatabase.class);

    /**
     * H2 in PostgreSQL mode, names folded to lower case like PostgreSQL's, nulls ordered like PostgreSQL's. WRITE_DELAY=0
     * writes each commit to the file before it returns (H2's default, 500 ms, loses commits to a kill -9: records the
     * consumer has acknowledged). DB_CLOSE_ON_EXIT=FALSE leaves closing to {@link #close}, after Werken stops writing.
     */
    static final String H2_SETTINGS =
            ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0";

    /** Work on a connection. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private final HikariDataSource dataSource;
    private final boolean embedded;
    private final String description;
    private final String password;
    private final JournalSchema schema;

    private final Object migrating = new Object();
    private volatile boolean migrated;
    /** Attempts made to migrate (written under {@link #migrating}), and how the last one failed. */
    private volatile long attempts;

    private JournalUnavailableException lastFailure;

    private JournalDatabase(JournalStore.Settings settings, long connectionTimeoutMillis) {
        if (settings.poolSize() < 1) {
            throw new StartupRefusedException("The journal's pool size must be at least 1, not " + settings.poolSize());
        }
        this.embedded = settings.url() == null || settings.url().isBlank();
        this.password = settings.password();
        // A DataSource of the driver's, never a JDBC URL: with a URL, HikariCP sets its connection timeout as
        // DriverManager's login timeout, which is global to the JVM, and the embedded broker's Derby store then had
        // to open within it (it did not, on loaded cores).
        HikariConfig config = new HikariConfig();
        String remedy;
        if (embedded) {
            if (settings.embeddedDir() == null) {
                throw new StartupRefusedException(
                        "The journal has neither a URL nor a directory for its embedded store");
            }
            Path dir = settings.embeddedDir().toAbsolutePath().normalize();
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new StartupRefusedException("The journal's directory " + dir + " cannot be created: " + e, e);
            }
            this.description = "jdbc:h2:file:" + dir.resolve("journal");
            org.h2.jdbcx.JdbcDataSource h2 = new org.h2.jdbcx.JdbcDataSource();
            h2.setURL(description + H2_SETTINGS);
            config.setDataSource(h2);
            remedy = "move " + dir + " aside";
        } else {
            String url = settings.url().trim();
            this.description = withoutParameters(url);
            if (!url.startsWith("jdbc:postgresql:")) {
                throw new StartupRefusedException(
                        "The journal's URL " + description + " is not a jdbc:postgresql:// URL (WERKEN_JOURNAL_URL)");
            }
            PGSimpleDataSource postgres = new PGSimpleDataSource();
            // Defaults the URL may override (it is set last). No parameter values in the driver's messages: they
            // carry payloads.
            postgres.setLogServerErrorDetail(false);
            postgres.setConnectTimeout(5);
            // A write cut off by a partition fails (and is retried from the queue) instead of hanging its consumer.
            postgres.setSocketTimeout(60);
            postgres.setTcpKeepAlive(true);
            postgres.setApplicationName("werken-journal");
            // The writer's batches as multi-row INSERTs (a batch of 500 records: a few statements, not 500 each way).
            // Its counts then come back as SUCCESS_NO_INFO, which JournalInserts expects.
            postgres.setReWriteBatchedInserts(true);
            postgres.setURL(url);
            if (settings.user() != null && !settings.user().isBlank()) {
                postgres.setUser(settings.user());
            }
            if (settings.password() != null && !settings.password().isEmpty()) {
                postgres.setPassword(settings.password());
            }
            config.setDataSource(postgres);
            remedy = "point WERKEN_JOURNAL_URL at another database";
        }
        config.setPoolName("werken-journal");
        config.setMaximumPoolSize(settings.poolSize());
        // The embedded store's wait is H2 opening (or recovering) its file on this machine, not a network: on loaded
        // cores that took over 3 s, and refusing to start over it would be a crash loop on a slow disk.
        long timeout =
                embedded ? Math.max(connectionTimeoutMillis, EMBEDDED_OPEN_TIMEOUT_MILLIS) : connectionTimeoutMillis;
        config.setConnectionTimeout(timeout);
        config.setValidationTimeout(Math.max(250, timeout - 1000));
        // Start without a connection: a database that is down must not keep Werken from starting.
        config.setInitializationFailTimeout(-1);
        this.dataSource = new HikariDataSource(config);
        this.schema = new JournalSchema(dataSource, description, remedy);
    }

    /** Opens the pool and migrates the schema, or leaves that for later if PostgreSQL cannot be reached. */
    static JournalDatabase open(JournalStore.Settings settings, long connectionTimeoutMillis) {
        JournalDatabase database = new JournalDatabase(settings, connectionTimeoutMillis);
        try {
            database.schema.migrate();
            database.migrated = true;
        } catch (SQLException e) {
            if (database.embedded) {
                database.close();
                throw new StartupRefusedException(
                        "Journal database " + database.description + " cannot be opened: " + database.reason(e), e);
            }
            LOG.warn(
                    "Journal database {} is unreachable ({}): Werken starts without it, and migrates its schema when"
                            + " it answers",
                    database.description,
                    database.reason(e));
        } catch (StartupRefusedException e) {
            if (!database.embedded && !database.answers()) {
                LOG.warn(
                        "Journal database {} went away while being migrated ({}): migrating it when it answers",
                        database.description,
                        database.scrub(e.getMessage()));
            } else {
                database.close();
                throw new StartupRefusedException(database.scrub(e.getMessage()), e.getCause());
            }
        }
        return database;
    }

    boolean embedded() {
        return embedded;
    }

    /** Its JDBC URL without parameters. */
    String description() {
        return description;
    }

    /** Runs {@code work} on a connection in auto-commit. */
    <T> T read(Work<T> work) {
        ensureMigrated();
        try (Connection connection = dataSource.getConnection()) {
            return work.run(connection);
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    /** Runs {@code work} in one transaction, committed if it returns and rolled back if it throws. */
    <T> T transaction(Work<T> work) {
        ensureMigrated();
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                try {
                    connection.rollback();
                } catch (SQLException rollback) {
                    e.addSuppressed(rollback);
                }
                throw e;
            }
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    /** True if the schema is this jar's (migrating it if need be) and the database answers. */
    boolean reachable() {
        try {
            ensureMigrated();
        } catch (JournalUnavailableException e) {
            return false;
        }
        return answers();
    }

    @Override
    public void close() {
        dataSource.close();
    }

    /** Migrates the schema if that is still to do; an attempt another caller is making is waited for and shared. */
    private void ensureMigrated() {
        if (migrated) {
            return;
        }
        long seen = attempts;
        synchronized (migrating) {
            if (migrated) {
                return;
            }
            if (attempts != seen && lastFailure != null) {
                throw new JournalUnavailableException(lastFailure.getMessage(), lastFailure);
            }
            attempts++;
            try {
                schema.migrate();
                migrated = true;
                lastFailure = null;
                LOG.info("Journal database {} answers, and its schema is migrated", description);
            } catch (SQLException e) {
                lastFailure = unavailable(e);
                throw lastFailure;
            } catch (StartupRefusedException e) {
                lastFailure = new JournalUnavailableException(scrub(e.getMessage()), e.getCause());
                throw lastFailure;
            }
        }
    }

    private boolean answers() {
        try (Connection connection = dataSource.getConnection()) {
            return connection.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    private JournalUnavailableException unavailable(SQLException e) {
        return new JournalUnavailableException("Journal database " + description + " is unavailable: " + reason(e), e);
    }

    /** Why {@code e} happened, in one line: its message, the batch's first error, and the driver's underlying one. */
    private String reason(SQLException e) {
        StringBuilder reason = new StringBuilder(firstLine(e.getMessage()));
        SQLException next = e.getNextException();
        if (next != null && next.getMessage() != null && !reason.toString().contains(firstLine(next.getMessage()))) {
            reason.append(": ").append(firstLine(next.getMessage()));
        }
        Throwable root = ObjectHelper.createExceptionIterable(e).iterator().next(); // the root cause comes first
        if (root != e && root.getMessage() != null && !reason.toString().contains(firstLine(root.getMessage()))) {
            reason.append(" (").append(firstLine(root.getMessage())).append(')');
        }
        return scrub(reason.toString());
    }

    private String scrub(String message) {
        return password == null || password.isEmpty() ? message : message.replace(password, "********");
    }

    static String firstLine(String message) {
        if (message == null) {
            return "no reason given";
        }
        String trimmed = message.strip();
        int end = trimmed.indexOf('\n');
        return (end < 0 ? trimmed : trimmed.substring(0, end)).strip();
    }

    /** {@code url} without its parameters (where a password may be) or any user information. */
    static String withoutParameters(String url) {
        if (url == null) {
            return null;
        }
        String bare = url;
        int query = bare.indexOf('?');
        if (query >= 0) {
            bare = bare.substring(0, query);
        }
        int semicolon = bare.indexOf(';');
        if (semicolon >= 0) {
            bare = bare.substring(0, semicolon);
        }
        return bare.replaceFirst("//[^/@]*@", "//");
    }
}
