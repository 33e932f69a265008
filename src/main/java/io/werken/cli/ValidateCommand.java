package io.werken.cli;

import io.werken.settings.Settings;
import io.werken.workflow.InvalidWorkflowsException;
import io.werken.workflow.SecretResolver;
import io.werken.workflow.Workflow;
import io.werken.workflow.WorkflowCatalog;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code validate FILE}: checks a workflows file offline, as Werken checks it at startup (the schema, every
 * expression, payload schemas, queue names, and secrets resolved as this environment would resolve them), without a
 * broker and without printing any secret. Exit 0 when it is valid, 1 with every problem (one per line, JSON Pointer
 * first) when it is not.
 */
@Command(
        name = "validate",
        header = "Check a workflows file offline, as Werken checks it at startup.",
        description = {
            "Check a workflows file offline, as Werken checks it at startup: the schema, every "
                    + "expression, payload schemas, queue names, and secrets as this environment resolves them "
                    + "(never printed). Needs no broker."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:valid",
            "1:invalid (every problem on stderr, one per line) or unreadable",
            "2:a wrong command line"
        })
final class ValidateCommand implements Callable<Integer> {

    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            description = "Show this help and exit.")
    boolean help;

    @Parameters(paramLabel = "FILE", description = "The workflows file, e.g. workflows.json.")
    Path file;

    @Spec
    CommandSpec spec;

    private final CliSettings settings;

    ValidateCommand(CliSettings settings) {
        this.settings = settings;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Settings werken = settings.settings();
        WorkflowCatalog.Settings catalogSettings =
                WorkflowCatalog.Settings.of(werken, new SecretResolver(settings.environment()));
        try (InputStream in = Files.newInputStream(file)) {
            WorkflowCatalog catalog = WorkflowCatalog.load(file.toString(), in, catalogSettings);
            out.println(file + ": valid, " + catalog.size() + (catalog.size() == 1 ? " workflow: " : " workflows: ")
                    + catalog.workflows().stream().map(Workflow::id).collect(Collectors.joining(", ")));
            out.flush();
            return 0;
        } catch (InvalidWorkflowsException e) {
            err.println(file + ": invalid, " + e.problems().size()
                    + (e.problems().size() == 1 ? " problem:" : " problems:"));
            e.problems().forEach(problem -> err.println("  " + problem));
            err.flush();
            return 1;
        } catch (IOException e) {
            err.println(file + ": cannot be read (" + e.getClass().getSimpleName() + ")");
            err.flush();
            return 1;
        }
    }
}
