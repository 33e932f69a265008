package io.werken.workflow;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The catalog shipped in {@code src/main/resources/workflows.json}, for tests. */
public final class BundledWorkflows {

    private BundledWorkflows() {}

    public static WorkflowCatalog catalog() {
        try (InputStream in = BundledWorkflows.class.getResourceAsStream("/workflows.json")) {
            return WorkflowCatalog.load("workflows.json", in, WorkflowCatalog.Settings.defaults());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
