package io.werken.workflow;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.camel.CamelContext;
import org.apache.camel.StaticService;
import org.apache.camel.api.management.ManagedAttribute;
import org.apache.camel.api.management.ManagedOperation;
import org.apache.camel.api.management.ManagedResource;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads the workflows file without a restart: when the file changes (its {@link WorkflowsFileWatcher} says when),
 * and when asked ({@code POST /workflows/reload}, or the JMX operation {@code reload} of
 * {@code org.apache.camel:context=werken,type=services,name=WorkflowReloader}).
 * <p>
 * A valid file replaces the {@link CurrentWorkflows} at once and whole, after {@code prepare} (which declares the
 * queues its actions name) has succeeded. An invalid file, or a failed preparation, changes nothing: the current
 * workflows keep serving, and the failure is logged with every problem and kept for health, metrics and JMX.
 * <p>
 * A {@link StaticService} (one per Camel context), so that Camel names its MBean {@code name=WorkflowReloader}: other
 * services get {@code name=WorkflowReloader(<identity hash>)}, a name no operator can know in advance.
 * <p>
 * Over 300 lines because its JMX surface (the attributes and the operation that ops tools and tests name) sits beside
 * the state it reads; the watching is {@link WorkflowsFileWatcher}'s.
 */
@ManagedResource(description = "The workflows file Werken serves, and its reloads")
public final class WorkflowReloader extends ServiceSupport implements StaticService {

    private static final Logger LOG = LoggerFactory.getLogger(WorkflowReloader.class);

    /** A reload that failed for want of the broker is tried again this often, while the file stays the same. */
    private static final Duration RETRY_FAILED = Duration.ofSeconds(10);

    /** What a reload did. */
    public enum Outcome {
        /** A new revision is in use. */
        RELOADED,
        /** The file holds the revision in use: nothing to do. */
        UNCHANGED,
        /** The file is not a valid workflows file: the revision in use keeps serving. */
        INVALID,
        /** The file is valid but Werken could not get ready for it (declare its queues): the revision in use keeps
         *  serving. */
        FAILED
    }

    /**
     * The result of one reload: the revision in use afterwards and the one before, which workflows were added, removed
     * and changed (for {@link Outcome#RELOADED}), and every problem, each led by its JSON Pointer where it has one (for
     * {@link Outcome#INVALID} and {@link Outcome#FAILED}).
     */
    public record Result(
            Outcome outcome,
            String revision,
            String previousRevision,
            List<String> added,
            List<String> removed,
            List<String> changed,
            List<String> problems,
            Instant at,
            String refused) {

        /** The same result, naming the revision of the file it refused (so the watcher does not refuse it again). */
        Result refusing(String revision) {
            return new Result(
                    outcome, this.revision, previousRevision, added, removed, changed, problems, at, revision);
        }
    }

    private final String location;
    private final CamelContext context;
    private final WorkflowCatalog.Settings settings;
    private final CurrentWorkflows current;
    private final Consumer<WorkflowCatalog> prepare;
    /** Null when the file is not watched. */
    private final WorkflowsFileWatcher watcher;

    private final Map<Outcome, AtomicLong> counts = new java.util.EnumMap<>(Outcome.class);

    private final List<Consumer<WorkflowCatalog>> replaceListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile Result lastResult;

    /**
     * @param location     {@code WERKEN_WORKFLOWS}
     * @param prepare      readies the broker for a catalog before it is put in use (declares its queues); throws to
     *                     refuse it
     * @param watch        whether to watch the file (only a file on disk is watched, never the bundled default)
     * @param pollInterval how often the file is looked at besides the file system's change events (which a file behind
     *                     a symlink into another directory does not raise)
     */
    public WorkflowReloader(
            String location,
            CamelContext context,
            WorkflowCatalog.Settings settings,
            CurrentWorkflows current,
            Consumer<WorkflowCatalog> prepare,
            boolean watch,
            Duration pollInterval) {
        this.location = location;
        this.context = context;
        this.settings = settings;
        this.current = current;
        this.prepare = prepare;
        Path file = WorkflowsFile.path(location);
        this.watcher = watch && file != null
                ? new WorkflowsFileWatcher(file, context, pollInterval, this::reloadIfChanged, this::failedAndDueAgain)
                : null;
        for (Outcome outcome : Outcome.values()) {
            counts.put(outcome, new AtomicLong());
        }
    }

    /**
     * Reads the file and puts it in use if it is valid: asked for ({@code POST /workflows/reload}, JMX), it is loaded
     * again even when its revision is the one in use, so that {@code file:}/{@code env:} secrets it names are read
     * again (a rotated secret); that reload's outcome is {@link Outcome#UNCHANGED}. {@code trigger} says who asked,
     * for the log.
     */
    public Result reload(String trigger) {
        return reload(trigger, true, null);
    }

    /** With {@code read}, the file's bytes as the watcher just read them (null: read them now). */
    private synchronized Result reload(String trigger, boolean evenIfUnchanged, byte[] read) {
        WorkflowCatalog before = current.catalog();
        Result result;
        String fileRevision = null;
        WorkflowCatalog replaced = null;
        try {
            byte[] content = read != null ? read : WorkflowsFile.read(location, context);
            fileRevision = WorkflowCatalog.revisionOf(content);
            boolean unchanged = fileRevision.equals(before.revision());
            if (unchanged && !evenIfUnchanged) {
                result = result(
                        Outcome.UNCHANGED,
                        before.revision(),
                        before.revision(),
                        List.of(),
                        List.of(),
                        List.of(),
                        List.of());
            } else {
                WorkflowCatalog next = WorkflowCatalog.load(location, content, settings);
                prepare.accept(next);
                // The last step that can fail: the new workflows go in use below, once the result says so.
                replaced = next;
                result = unchanged
                        ? result(
                                Outcome.UNCHANGED,
                                next.revision(),
                                before.revision(),
                                List.of(),
                                List.of(),
                                List.of(),
                                List.of())
                        : changes(before, next);
            }
            if (result.outcome() == Outcome.UNCHANGED) {
                LOG.info(
                        "Workflows file {} unchanged ({}): revision {} stays{}",
                        location,
                        trigger,
                        before.revision(),
                        replaced == null ? "" : ", its secrets read again");
            } else {
                LOG.info(
                        "Reloaded workflows file {} ({}): revision {} -> {}; added {}, removed {}, changed {}; {} "
                                + "workflow(s) in use",
                        location,
                        trigger,
                        before.revision(),
                        result.revision(),
                        result.added(),
                        result.removed(),
                        result.changed(),
                        replaced.size());
            }
        } catch (InvalidWorkflowsException e) {
            result = failed(Outcome.INVALID, before, e.problems()).refusing(fileRevision);
            LOG.error(
                    "Workflows file {} not reloaded ({}); revision {} keeps serving. {}",
                    location,
                    trigger,
                    before.revision(),
                    e.getMessage());
        } catch (RuntimeException e) {
            // The broker could not declare a new queue, for instance: the file is fine, Werken is not ready for it.
            String problem = "could not prepare the new workflows: " + e.getMessage();
            result = failed(Outcome.FAILED, before, List.of(problem)).refusing(fileRevision);
            LOG.error(
                    "Workflows file {} not reloaded ({}); revision {} keeps serving: {}",
                    location,
                    trigger,
                    before.revision(),
                    problem);
        }
        counts.get(result.outcome()).incrementAndGet();
        // The result first: whoever sees the new revision in use also sees the reload that put it there.
        lastResult = result;
        if (replaced != null) {
            current.replace(replaced);
            for (Consumer<WorkflowCatalog> listener : replaceListeners) {
                try {
                    listener.accept(replaced);
                } catch (RuntimeException e) {
                    LOG.warn(
                            "A listener of workflow reloads failed (revision {} is in use): {}",
                            replaced.revision(),
                            e.toString());
                }
            }
        }
        return result;
    }

    private Result failed(Outcome outcome, WorkflowCatalog before, List<String> problems) {
        return result(outcome, before.revision(), before.revision(), List.of(), List.of(), List.of(), problems);
    }

    private static Result changes(WorkflowCatalog before, WorkflowCatalog next) {
        List<String> added = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        for (Workflow workflow : next.workflows()) {
            before.find(workflow.id())
                    .ifPresentOrElse(
                            old -> {
                                if (!old.definition().equals(workflow.definition())) {
                                    changed.add(workflow.id());
                                }
                            },
                            () -> added.add(workflow.id()));
        }
        List<String> removed = before.workflows().stream()
                .map(Workflow::id)
                .filter(id -> next.find(id).isEmpty())
                .toList();
        return result(Outcome.RELOADED, next.revision(), before.revision(), added, removed, changed, List.of());
    }

    private static Result result(
            Outcome outcome,
            String revision,
            String previous,
            List<String> added,
            List<String> removed,
            List<String> changed,
            List<String> problems) {
        return new Result(
                outcome,
                revision,
                previous,
                List.copyOf(added),
                List.copyOf(removed),
                List.copyOf(changed),
                List.copyOf(problems),
                Instant.now(),
                null);
    }

    /** Calls {@code listener} with each catalog a reload puts in use, once it is in use. */
    public void onReplace(Consumer<WorkflowCatalog> listener) {
        replaceListeners.add(listener);
    }

    /** The last reload's result, or null before the first. */
    public Result lastResult() {
        return lastResult;
    }

    /** How many reloads ended with {@code outcome} since start. */
    public long count(Outcome outcome) {
        return counts.get(outcome).get();
    }

    public CurrentWorkflows current() {
        return current;
    }

    /** Whether the file is watched for changes. */
    @ManagedAttribute(description = "Whether the workflows file is watched for changes")
    public boolean isWatching() {
        return watcher != null;
    }

    @ManagedAttribute(description = "The workflows file (WERKEN_WORKFLOWS)")
    public String getSource() {
        return location;
    }

    @ManagedAttribute(description = "The revision in use: the first 12 hex digits of the file's SHA-256")
    public String getRevision() {
        return current.catalog().revision();
    }

    @ManagedAttribute(description = "When the revision in use was loaded (ISO-8601)")
    public String getLoadedAt() {
        return current.catalog().loadedAt().toString();
    }

    @ManagedAttribute(description = "How many workflows the revision in use defines")
    public int getWorkflowCount() {
        return current.catalog().size();
    }

    @ManagedAttribute(
            description =
                    "The last reload's outcome (RELOADED, UNCHANGED, INVALID, FAILED), or empty before " + "the first")
    public String getLastReloadOutcome() {
        Result last = lastResult;
        return last == null ? "" : last.outcome().name();
    }

    @ManagedAttribute(description = "When the last reload was tried (ISO-8601), or empty before the first")
    public String getLastReloadAt() {
        Result last = lastResult;
        return last == null ? "" : last.at().toString();
    }

    @ManagedAttribute(description = "Why the last reload failed: every problem, each led by its JSON Pointer")
    public String getLastReloadProblems() {
        Result last = lastResult;
        return last == null ? "" : String.join("\n", last.problems());
    }

    @ManagedAttribute(description = "Reloads that put a new revision in use")
    public long getReloadsSucceeded() {
        return count(Outcome.RELOADED);
    }

    @ManagedAttribute(description = "Reloads refused (an invalid file, or its queues could not be declared)")
    public long getReloadsFailed() {
        return count(Outcome.INVALID) + count(Outcome.FAILED);
    }

    @ManagedOperation(description = "Reload the workflows file now; returns what happened")
    public String reload() {
        Result result = reload("JMX");
        return switch (result.outcome()) {
            case RELOADED ->
                "Reloaded: revision " + result.previousRevision() + " -> " + result.revision()
                        + "; added " + result.added() + ", removed " + result.removed() + ", changed "
                        + result.changed();
            case UNCHANGED -> "Unchanged: revision " + result.revision();
            case INVALID, FAILED ->
                "Not reloaded; revision " + result.revision() + " keeps serving: "
                        + String.join("; ", result.problems());
        };
    }

    @Override
    protected void doStart() throws Exception {
        if (watcher != null) {
            watcher.start();
        }
    }

    @Override
    protected void doStop() throws Exception {
        if (watcher != null) {
            watcher.stop();
        }
    }

    /**
     * Reloads when the file holds another revision than the one in use: an event in the directory about another file,
     * or a save that changed nothing, is no reload. A file that is missing for a moment (between a delete and a
     * create) is no reload either.
     */
    void reloadIfChanged() {
        byte[] content;
        try {
            content = WorkflowsFile.read(location, context);
        } catch (InvalidWorkflowsException e) {
            return;
        }
        String revision = WorkflowCatalog.revisionOf(content);
        Result last = lastResult;
        boolean inUse = revision.equals(current.catalog().revision());
        boolean refused = last != null && revision.equals(last.refused());
        if (inUse) {
            // Put back as it was: the refusal no longer stands.
            if (last != null && last.refused() != null) {
                reload("the file changed", false, content);
            }
        } else if (!refused || (last.outcome() == Outcome.FAILED && failedAndDueAgain())) {
            // An invalid file is refused once (fix it and save again, or POST /workflows/reload once the secret it
            // names is in place); one the broker was not ready for is tried again.
            reload("the file changed", false, content);
        }
    }

    /** Whether the last reload failed for want of the broker, long enough ago to try again. */
    boolean failedAndDueAgain() {
        Result last = lastResult;
        return last != null
                && last.outcome() == Outcome.FAILED
                && last.at().plus(RETRY_FAILED).isBefore(Instant.now());
    }
}
