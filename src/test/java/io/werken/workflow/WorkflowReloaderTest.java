package io.werken.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reloading a workflows file on disk: by request, and on each way a file is changed in production. */
class WorkflowReloaderTest {

    private static final String ONE = """
            {"w": {"actions": [{"type": "one"}]}}""";
    private static final String TWO = """
            {"w": {"actions": [{"type": "two", "queue": "q_two"}]}, "added": {"actions": [{"type": "x"}]}}""";
    private static final String THREE = """
            {"w": {"actions": [{"type": "three"}]}}""";

    @TempDir
    Path dir;

    private final DefaultCamelContext context = new DefaultCamelContext();
    private final List<WorkflowCatalog> prepared = new ArrayList<>();
    private WorkflowReloader reloader;

    @AfterEach
    void stop() throws IOException {
        if (reloader != null) {
            reloader.stop();
        }
        context.close();
    }

    private WorkflowReloader reloader(Path file, boolean watch) {
        WorkflowCatalog initial = WorkflowsFile.load(file.toString(), context, WorkflowCatalog.Settings.defaults());
        reloader = new WorkflowReloader(
                file.toString(),
                context,
                WorkflowCatalog.Settings.defaults(),
                new CurrentWorkflows(initial),
                prepared::add,
                watch,
                Duration.ofMillis(200));
        reloader.start();
        return reloader;
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
    }

    private static String revision(String content) {
        return WorkflowCatalog.revisionOf(content.getBytes(StandardCharsets.UTF_8));
    }

    private static String firstType(WorkflowReloader reloader) {
        return reloader.current().find("w").orElseThrow().actions().get(0).type();
    }

    @Test
    void aReloadOfANewValidFilePutsItInUseWholeAndSaysWhatChanged() throws IOException {
        Path file = write("workflows.json", ONE);
        WorkflowReloader reloader = reloader(file, false);
        List<WorkflowCatalog> replaced = new ArrayList<>();
        reloader.onReplace(replaced::add);
        assertThat(reloader.getRevision()).isEqualTo(revision(ONE));

        write("workflows.json", TWO);
        WorkflowReloader.Result result = reloader.reload("test");

        assertThat(result.outcome()).isEqualTo(WorkflowReloader.Outcome.RELOADED);
        assertThat(result.previousRevision()).isEqualTo(revision(ONE));
        assertThat(result.revision()).isEqualTo(revision(TWO)).isEqualTo(reloader.getRevision());
        assertThat(result.added()).containsExactly("added");
        assertThat(result.changed()).containsExactly("w");
        assertThat(result.removed()).isEmpty();
        Workflow w = reloader.current().find("w").orElseThrow();
        assertThat(w.revision()).isEqualTo(revision(TWO));
        assertThat(w.actions().get(0).queue()).isEqualTo("q_two");
        // Prepared (its queues declared) before it was put in use, and announced after.
        assertThat(prepared).extracting(WorkflowCatalog::actionQueues).containsExactly(Set.of("q_two"));
        assertThat(replaced).extracting(WorkflowCatalog::revision).containsExactly(revision(TWO));
        assertThat(reloader.getReloadsSucceeded()).isEqualTo(1);

        // Asked again: the same revision, loaded again (a rotated file: secret would be read again).
        WorkflowReloader.Result again = reloader.reload("again");
        assertThat(again.outcome()).isEqualTo(WorkflowReloader.Outcome.UNCHANGED);
        assertThat(again.revision()).isEqualTo(revision(TWO));
        assertThat(prepared).hasSize(2);
        assertThat(reloader.count(WorkflowReloader.Outcome.UNCHANGED)).isEqualTo(1);
    }

    @Test
    void aFileWithoutAnyWorkflowIsRefused() throws IOException {
        Path file = write("workflows.json", ONE);
        WorkflowReloader reloader = reloader(file, false);

        write("workflows.json", "{\"$schema\": \"./workflows.schema.json\"}");

        WorkflowReloader.Result result = reloader.reload("test");
        assertThat(result.outcome()).isEqualTo(WorkflowReloader.Outcome.INVALID);
        assertThat(result.problems()).containsExactly("/: the file defines no workflow");
        assertThat(firstType(reloader)).isEqualTo("one");
    }

    @Test
    void aFailingListenerDoesNotMakeAReloadThatHappenedLookFailed() throws IOException {
        Path file = write("workflows.json", ONE);
        WorkflowReloader reloader = reloader(file, false);
        reloader.onReplace(catalog -> {
            throw new IllegalStateException("listener broke");
        });

        write("workflows.json", TWO);

        assertThat(reloader.reload("test").outcome()).isEqualTo(WorkflowReloader.Outcome.RELOADED);
        assertThat(firstType(reloader)).isEqualTo("two");
    }

    @Test
    void theWatcherTriesAgainWhatTheBrokerWasNotReadyForButNotAnInvalidFile() throws IOException {
        Path file = write("workflows.json", ONE);
        java.util.concurrent.atomic.AtomicBoolean brokerUp = new java.util.concurrent.atomic.AtomicBoolean(false);
        WorkflowCatalog initial = WorkflowsFile.load(file.toString(), context, WorkflowCatalog.Settings.defaults());
        reloader = new WorkflowReloader(
                file.toString(),
                context,
                WorkflowCatalog.Settings.defaults(),
                new CurrentWorkflows(initial),
                catalog -> {
                    if (!brokerUp.get()) {
                        throw new IllegalStateException("broker away");
                    }
                },
                true,
                Duration.ofMillis(200));
        reloader.start();
        WorkflowReloader watched = reloader;

        Files.writeString(file, TWO, StandardCharsets.UTF_8);
        await().atMost(Duration.ofSeconds(10)).until(() -> "FAILED".equals(watched.getLastReloadOutcome()));
        assertThat(firstType(watched)).isEqualTo("one");
        brokerUp.set(true);

        // Tried again (every 10 s) while the file stays as it is.
        await().atMost(Duration.ofSeconds(20)).until(() -> firstType(watched).equals("two"));
        assertThat(watched.getLastReloadOutcome()).isEqualTo("RELOADED");
    }

    @Test
    void putBackAsItWasAFileThatWasRefusedNoLongerShowsTheRefusal() throws IOException {
        Path file = write("workflows.json", ONE);
        WorkflowReloader reloader = reloader(file, true);

        Files.writeString(file, "{not json", StandardCharsets.UTF_8);
        await().atMost(Duration.ofSeconds(10)).until(() -> "INVALID".equals(reloader.getLastReloadOutcome()));
        Files.writeString(file, ONE, StandardCharsets.UTF_8);

        await().atMost(Duration.ofSeconds(10)).until(() -> "UNCHANGED".equals(reloader.getLastReloadOutcome()));
        assertThat(reloader.getLastReloadProblems()).isEmpty();
        assertThat(reloader.getReloadsFailed()).isEqualTo(1);
    }

    @Test
    void anInvalidFileChangesNothingAndKeepsEveryProblem() throws IOException {
        Path file = write("workflows.json", ONE);
        WorkflowReloader reloader = reloader(file, false);

        write("workflows.json", """
                {"w": {"actions": [{"type": "t", "when": "payload.("}]}, "bad id!": {"actions": []}}""");
        WorkflowReloader.Result result = reloader.reload("test");

        assertThat(result.outcome()).isEqualTo(WorkflowReloader.Outcome.INVALID);
        assertThat(result.revision()).isEqualTo(revision(ONE));
        assertThat(result.problems())
                .hasSizeGreaterThanOrEqualTo(2)
                .anySatisfy(p -> assertThat(p).startsWith("/w/actions/0/when: "))
                .anySatisfy(p -> assertThat(p).startsWith("/bad id!"));
        assertThat(reloader.getRevision()).isEqualTo(revision(ONE));
        assertThat(firstType(reloader)).isEqualTo("one");
        assertThat(reloader.getLastReloadOutcome()).isEqualTo("INVALID");
        assertThat(reloader.getLastReloadProblems()).contains("/w/actions/0/when");
        assertThat(reloader.getReloadsFailed()).isEqualTo(1);
        assertThat(prepared).isEmpty();
    }

    @Test
    void aFileWhoseQueuesCannotBeDeclaredChangesNothing() throws IOException {
        Path file = write("workflows.json", ONE);
        WorkflowCatalog initial = WorkflowsFile.load(file.toString(), context, WorkflowCatalog.Settings.defaults());
        reloader = new WorkflowReloader(
                file.toString(),
                context,
                WorkflowCatalog.Settings.defaults(),
                new CurrentWorkflows(initial),
                catalog -> {
                    throw new IllegalStateException("broker says no");
                },
                false,
                Duration.ofSeconds(1));

        write("workflows.json", TWO);
        WorkflowReloader.Result result = reloader.reload("test");

        assertThat(result.outcome()).isEqualTo(WorkflowReloader.Outcome.FAILED);
        assertThat(result.problems()).singleElement().asString().contains("broker says no");
        assertThat(firstType(reloader)).isEqualTo("one");
    }

    @Test
    void theWatcherRunsOnAThreadCamelNamesAndStops() throws IOException {
        Path file = write("workflows.json", ONE);
        WorkflowReloader reloader = reloader(file, true);
        assertThat(watcherThreads()).singleElement().asString().startsWith("Camel (");

        reloader.stop();

        await().atMost(Duration.ofSeconds(10)).until(() -> watcherThreads().isEmpty());
    }

    private static List<String> watcherThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(name -> name.contains("WorkflowsFileWatcher"))
                .toList();
    }

    @Test
    void aFileWrittenInPlaceIsReloaded() throws IOException {
        Path file = write("workflows.json", ONE);
        WorkflowReloader reloader = reloader(file, true);

        Files.writeString(file, TWO, StandardCharsets.UTF_8);

        await().atMost(Duration.ofSeconds(10)).until(() -> firstType(reloader).equals("two"));
        assertThat(reloader.getRevision()).isEqualTo(revision(TWO));
    }

    @Test
    void aFileReplacedByARenameIsReloaded() throws IOException {
        Path file = write("workflows.json", ONE);
        WorkflowReloader reloader = reloader(file, true);

        Files.move(
                write(".workflows.json.tmp", TWO),
                file,
                StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);

        await().atMost(Duration.ofSeconds(10)).until(() -> firstType(reloader).equals("two"));
    }

    /** As a Kubernetes ConfigMap volume does: workflows.json -> ..data/workflows.json, ..data -> ..version. */
    @Test
    void aFileSwappedThroughASymlinkIsReloaded() throws IOException {
        Files.createDirectory(dir.resolve("..v1"));
        Files.writeString(dir.resolve("..v1/workflows.json"), ONE);
        Files.createSymbolicLink(dir.resolve("..data"), Path.of("..v1"));
        Path file = Files.createSymbolicLink(dir.resolve("workflows.json"), Path.of("..data/workflows.json"));
        WorkflowReloader reloader = reloader(file, true);

        Files.createDirectory(dir.resolve("..v2"));
        Files.writeString(dir.resolve("..v2/workflows.json"), THREE);
        Path link = Files.createSymbolicLink(dir.resolve("..data_tmp"), Path.of("..v2"));
        Files.move(link, dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

        await().atMost(Duration.ofSeconds(10)).until(() -> firstType(reloader).equals("three"));
        assertThat(reloader.getRevision()).isEqualTo(revision(THREE));
    }

    @Test
    void theBundledFileIsNotWatchedButCanBeReloaded() {
        WorkflowCatalog initial =
                WorkflowsFile.load("classpath:workflows.json", context, WorkflowCatalog.Settings.defaults());
        reloader = new WorkflowReloader(
                "classpath:workflows.json",
                context,
                WorkflowCatalog.Settings.defaults(),
                new CurrentWorkflows(initial),
                prepared::add,
                true,
                Duration.ofSeconds(1));
        reloader.start();

        assertThat(reloader.isWatching()).isFalse();
        assertThat(reloader.reload("test").outcome()).isEqualTo(WorkflowReloader.Outcome.UNCHANGED);
        assertThat(reloader.getRevision()).isEqualTo(BundledWorkflows.catalog().revision());
    }
}
