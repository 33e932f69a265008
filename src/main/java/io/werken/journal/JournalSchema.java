package io.werken.journal;

import io.werken.core.StartupRefusedException;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationVersion;

/**
 * The journal's schema: Flyway migrations from {@code classpath:db/journal}, refusing a database that a newer Werken
 * has migrated beyond what this one knows (Flyway itself would ignore such "future" migrations and carry on).
 */
final class JournalSchema {

    static final String LOCATION = "classpath:db/journal";

    private final DataSource dataSource;
    private final String description;
    private final String remedy;

    /**
     * @param description the database, for messages ({@link JournalStore#describe()})
     * @param remedy      what a deployer can do about a newer schema, besides running a newer Werken
     */
    JournalSchema(DataSource dataSource, String description, String remedy) {
        this.dataSource = dataSource;
        this.description = description;
        this.remedy = remedy;
    }

    /**
     * Brings the schema up to this jar's migrations.
     *
     * @throws SQLException            the database could not be reached (nothing was done)
     * @throws StartupRefusedException the schema is newer than this jar's, or Flyway refused to migrate it
     */
    void migrate() throws SQLException {
        try (Connection probe = dataSource.getConnection()) {
            probe.isValid(1);
        }
        Flyway flyway = Flyway.configure(JournalSchema.class.getClassLoader())
                .dataSource(dataSource)
                .locations(LOCATION)
                .load();
        try {
            refuseNewer(flyway.info().all());
            flyway.migrate();
        } catch (FlywayException e) {
            throw new StartupRefusedException(
                    "Journal database " + description + " could not be migrated: "
                            + JournalDatabase.firstLine(e.getMessage()),
                    e);
        }
    }

    private void refuseNewer(MigrationInfo[] migrations) {
        MigrationVersion known = null;
        MigrationVersion applied = null;
        for (MigrationInfo migration : migrations) {
            MigrationVersion version = migration.getVersion();
            if (version == null) {
                continue;
            }
            if (migration.getState().isResolved() && (known == null || version.isNewerThan(known))) {
                known = version;
            }
            if (migration.getState().isApplied() && (applied == null || version.isNewerThan(applied))) {
                applied = version;
            }
        }
        if (applied != null && (known == null || applied.isNewerThan(known))) {
            throw new StartupRefusedException("Journal database " + description + " has schema version "
                    + applied.getVersion() + ", newer than this Werken's "
                    + (known == null ? "none" : known.getVersion())
                    + ": run a newer Werken, or " + remedy);
        }
    }
}
