package io.werken.ops;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.werken.broker.BrokerTopology;
import io.werken.expression.ExpressionCompiler;
import io.werken.workflow.InvalidWorkflowsException;
import io.werken.workflow.SecretResolver;
import io.werken.workflow.Workflow;
import io.werken.workflow.WorkflowCatalog;

/**
 * {@code java -jar werken.jar validate FILE}: checks a workflows file offline, as Werken checks it at startup (the
 * schema, every expression, payload schemas, queue names, and secrets resolved as this environment would resolve
 * them), without a broker and without printing any secret. Exit 0 when it is valid, 1 with every problem (one per
 * line, JSON Pointer first) when it is not, 2 for a wrong command line.
 */
public final class ValidateWorkflows {

    private ValidateWorkflows() {
    }

    public static int run(String[] args) {
        return run(args, System.getenv()::get, System.out, System.err);
    }

    static int run(String[] args, Function<String, String> environment, PrintStream out, PrintStream err) {
        if (args.length != 1 || args[0].startsWith("-")) {
            err.println("Usage: java -jar werken.jar validate FILE");
            return 2;
        }
        Path file = Path.of(args[0]);
        String receivedQueue = setting(environment, "WERKEN_QUEUE_RECEIVED", "received_webhooks");
        int maxIterations;
        try {
            maxIterations = Integer.parseInt(setting(environment, "WERKEN_CEL_MAX_ITERATIONS",
                    Integer.toString(WorkflowCatalog.DEFAULT_MAX_ITERATIONS)));
        } catch (NumberFormatException e) {
            err.println("WERKEN_CEL_MAX_ITERATIONS must be a whole number");
            return 2;
        }
        WorkflowCatalog.Settings settings = new WorkflowCatalog.Settings(new SecretResolver(environment),
                new ExpressionCompiler(maxIterations),
                Set.of(receivedQueue, BrokerTopology.deadLetterQueue(receivedQueue)));
        try (InputStream in = Files.newInputStream(file)) {
            WorkflowCatalog catalog = WorkflowCatalog.load(file.toString(), in, settings);
            out.println(file + ": valid, " + catalog.size() + (catalog.size() == 1 ? " workflow: " : " workflows: ")
                        + catalog.workflows().stream().map(Workflow::id).collect(Collectors.joining(", ")));
            return 0;
        } catch (InvalidWorkflowsException e) {
            err.println(file + ": invalid, " + e.problems().size()
                        + (e.problems().size() == 1 ? " problem:" : " problems:"));
            e.problems().forEach(problem -> err.println("  " + problem));
            return 1;
        } catch (IOException e) {
            err.println(file + ": cannot be read (" + e.getClass().getSimpleName() + ")");
            return 1;
        }
    }

    private static String setting(Function<String, String> environment, String name, String otherwise) {
        String value = environment.apply(name);
        return value == null || value.isBlank() ? otherwise : value;
    }
}
