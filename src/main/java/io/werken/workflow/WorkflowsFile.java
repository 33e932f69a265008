package io.werken.workflow;

import java.io.IOException;
import java.io.InputStream;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;

/**
 * Finds the workflows file that {@code WERKEN_WORKFLOWS} names (a path, or a {@code classpath:}/{@code file:} URI)
 * through Camel's resource loader and loads it into a {@link WorkflowCatalog}.
 */
public final class WorkflowsFile {

    private WorkflowsFile() {
    }

    public static WorkflowCatalog load(String location, CamelContext context) {
        return load(location, context, WorkflowCatalog.Settings.defaults());
    }

    public static WorkflowCatalog load(String location, CamelContext context, WorkflowCatalog.Settings settings) {
        // A bare path (or a Windows drive path) is a file; anything else with a scheme is a Camel resource URI.
        String uri = location.contains(":") && !location.matches("^[A-Za-z]:\\\\.*") ? location : "file:" + location;
        Resource resource = PluginHelper.getResourceLoader(context).resolveResource(uri);
        if (resource == null || !resource.exists()) {
            throw new InvalidWorkflowsException("Workflows file " + location + " does not exist (set WERKEN_WORKFLOWS)");
        }
        try (InputStream in = resource.getInputStream()) {
            return WorkflowCatalog.load(location, in, settings);
        } catch (IOException e) {
            throw new InvalidWorkflowsException("Cannot read workflows file " + location + ": " + e.getMessage(), e);
        }
    }
}
