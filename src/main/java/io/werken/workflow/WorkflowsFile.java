package io.werken.workflow;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;

/**
 * Finds the workflows file that {@code WERKEN_WORKFLOWS} names (a path, or a {@code classpath:}/{@code file:} URI)
 * through Camel's resource loader and loads it into a {@link WorkflowCatalog}.
 */
public final class WorkflowsFile {

    private static final String FILE_SCHEME = "file:";

    private WorkflowsFile() {}

    public static WorkflowCatalog load(String location, CamelContext context, WorkflowCatalog.Settings settings) {
        return WorkflowCatalog.load(location, read(location, context), settings);
    }

    /** The bytes of the file {@code location} names. */
    public static byte[] read(String location, CamelContext context) {
        Resource resource = PluginHelper.getResourceLoader(context).resolveResource(uri(location));
        if (resource == null || !resource.exists()) {
            throw new InvalidWorkflowsException(
                    "Workflows file " + location + " does not exist (set WERKEN_WORKFLOWS)");
        }
        try (InputStream in = resource.getInputStream()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new InvalidWorkflowsException("Cannot read workflows file " + location + ": " + e.getMessage(), e);
        }
    }

    /** The file system path {@code location} names, or null when it names something else (the bundled classpath file). */
    public static Path path(String location) {
        String uri = uri(location);
        return uri.startsWith(FILE_SCHEME) ? Path.of(uri.substring(FILE_SCHEME.length())) : null;
    }

    /** A bare path (or a Windows drive path) is a file; anything else with a scheme is a Camel resource URI. */
    private static String uri(String location) {
        return location.contains(":") && !location.matches("^[A-Za-z]:\\\\.*") ? location : FILE_SCHEME + location;
    }
}
