package io.werken.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One Werken per data directory, and a refused start that leaves the disk as it found it. */
class DataDirectoryTest {

    @TempDir
    Path temp;

    @Test
    void aSecondHolderIsRefusedWithTheFirstsPidAndTouchesNothing() throws Exception {
        Path dir = temp.resolve("data");
        try (DataDirectory first = DataDirectory.lock(dir.toString())) {
            assertThat(Files.readString(dir.resolve(DataDirectory.LOCK_FILE)).trim())
                    .isEqualTo(Long.toString(ProcessHandle.current().pid()));
            Files.createDirectories(dir.resolve("broker"));

            assertThatThrownBy(() -> DataDirectory.lock(dir.toString()))
                    .isInstanceOf(StartupRefusedException.class)
                    .hasMessage("WERKEN_DATA_DIR " + dir + " is in use by another Werken (pid "
                            + ProcessHandle.current().pid() + "): give this one a WERKEN_DATA_DIR of its own, or "
                            + "stop the other first.");
            assertThat(dir.resolve("broker")).isDirectory();
            assertThat(dir.resolve(DataDirectory.LOCK_FILE)).exists();
        }
        // Released: the next one takes it.
        DataDirectory.lock(dir.toString()).close();
    }

    @Test
    void aRefusedStartRemovesTheDirectoriesItCreated() throws Exception {
        Path dir = temp.resolve("new-parent").resolve("data");
        DataDirectory data = DataDirectory.lock(dir.toString());
        Files.createDirectories(dir.resolve("broker").resolve("store"));
        Files.writeString(dir.resolve("broker").resolve("store").resolve("seg0"), "x");

        data.removeWhatThisRunCreated();

        assertThat(temp.resolve("new-parent")).doesNotExist();
    }

    @Test
    void inADirectoryThatWasThereOnlyWhatThisRunAddedIsRemoved() throws Exception {
        Path dir = Files.createDirectories(temp.resolve("data"));
        Files.createDirectories(dir.resolve("journal"));
        Files.writeString(dir.resolve("journal").resolve("journal.mv.db"), "kept");
        DataDirectory data = DataDirectory.lock(dir.toString());
        Files.createDirectories(dir.resolve("broker"));

        data.removeWhatThisRunCreated();

        assertThat(dir.resolve("journal").resolve("journal.mv.db")).hasContent("kept");
        assertThat(dir.resolve("broker")).doesNotExist();
        assertThat(dir.resolve(DataDirectory.LOCK_FILE)).doesNotExist();
    }
}
