package io.werken.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.DriverManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The journal's pool leaves the JVM's JDBC settings alone, which the embedded broker's Derby store shares. */
class JournalDatabaseTest {

    @Test
    void openingTheJournalLeavesDriverManagersLoginTimeoutAlone(@TempDir Path dir) {
        int before = DriverManager.getLoginTimeout();
        JournalDatabase database = JournalDatabase.open(new JournalStore.Settings(null, null, null, dir, 2), 3000);
        try {
            assertThat(DriverManager.getLoginTimeout())
                    .as("HikariCP on a JDBC URL sets its connection timeout as DriverManager's login timeout, global to"
                            + " the JVM: Derby, the embedded broker's store, then fails to open on loaded cores")
                    .isEqualTo(before);
        } finally {
            database.close();
        }
    }
}
