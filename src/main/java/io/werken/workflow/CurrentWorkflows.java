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

    /** Puts {@code next} in use: every lookup from now on sees it, and only it. */
    void replace(WorkflowCatalog next) {
        this.catalog = Objects.requireNonNull(next);
    }
}
