package io.werken.workflow;

import java.util.Objects;
import java.util.Optional;

/**
 * The workflows Werken serves now: one {@link WorkflowCatalog}, replaced whole when the workflows file is reloaded
 * ({@link WorkflowReloader}). Readers take what they need in one read ({@link #find}, {@link #catalog}) and keep it: a
 * {@link Workflow} is immutable and carries its revision, so a webhook or an event holding one is handled by that
 * revision from start to end, never by a mix.
 */
public final class CurrentWorkflows {

    private volatile WorkflowCatalog catalog;
    private final java.util.List<java.util.function.Consumer<WorkflowCatalog>> listeners =
            new java.util.concurrent.CopyOnWriteArrayList<>();

    public CurrentWorkflows(WorkflowCatalog initial) {
        this.catalog = Objects.requireNonNull(initial);
    }

    /** The catalog in use now. */
    public WorkflowCatalog catalog() {
        return catalog;
    }

    /** The workflow {@code workflowId} names in the catalog in use now. */
    public Optional<Workflow> find(String workflowId) {
        return catalog.find(workflowId);
    }

    /** Puts {@code next} in use: every lookup from now on sees it, and only it; then tells the listeners. */
    void replace(WorkflowCatalog next) {
        this.catalog = Objects.requireNonNull(next);
        for (java.util.function.Consumer<WorkflowCatalog> listener : listeners) {
            listener.accept(next);
        }
    }

    /** Calls {@code listener} with each catalog put in use from now on (on the reloading thread; it must not throw). */
    public void onReplace(java.util.function.Consumer<WorkflowCatalog> listener) {
        listeners.add(listener);
    }
}
