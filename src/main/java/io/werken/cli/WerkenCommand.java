package io.werken.cli;

import io.werken.core.StartupRefusedException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.IntSupplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Werken's command line, {@code java -jar werken.jar [COMMAND]}: {@code run} (the default), {@code validate},
 * {@code requeue-dead-letters}, {@code events}, {@code replay} and {@code help}. Exit 0 when the command did what it
 * was asked, 1 when it could not, 2 for a command line it does not understand (the usage on stderr).
 */
@Command(
        name = "java -jar werken.jar",
        description =
                "Werken: webhooks in, workflow actions out, over RabbitMQ. Without a command, it runs the server.",
        synopsisSubcommandLabel = "[COMMAND]",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done", "1:failed (the reason on stderr)", "2:a wrong command line (the usage on stderr)"},
        footer = {"", "'java -jar werken.jar help COMMAND' tells more about a command."})
public final class WerkenCommand implements Callable<Integer> {

    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            description = "Show this help and exit.")
    boolean help;

    private final IntSupplier server;

    private WerkenCommand(IntSupplier server) {
        this.server = server;
    }

    /** Without a command: {@code run}. */
    @Override
    public Integer call() {
        return server.getAsInt();
    }

    /**
     * The command line, reading settings from the process's environment.
     *
     * @param server starts the server and answers its exit code (what {@code run} does)
     */
    public static CommandLine commandLine(IntSupplier server) {
        return commandLine(server, System.getenv()::get);
    }

    /** The command line with the settings of {@code env} (an environment of the caller's: tests). */
    public static CommandLine commandLine(IntSupplier server, Function<String, String> env) {
        CliSettings settings = new CliSettings(env);
        CommandLine line = new CommandLine(new WerkenCommand(server))
                .addSubcommand(new RunCommand(server))
                .addSubcommand(new ValidateCommand(settings))
                .addSubcommand(new RequeueDeadLettersCommand(settings))
                .addSubcommand(new EventsCommand(settings))
                .addSubcommand(new ReplayCommand(settings))
                .addSubcommand(new CommandLine.HelpCommand());
        line.setParameterExceptionHandler((e, args) -> {
            // What is wrong, then the usage of the command it concerns (picocli alone leaves the usage out when it
            // has a suggestion for a mistyped command).
            CommandLine wrong = e.getCommandLine();
            PrintWriter err = wrong.getErr();
            if (e instanceof CommandLine.UnmatchedArgumentException unmatched
                    && wrong.getParent() == null
                    && !unmatched.getUnmatched().isEmpty()
                    && !unmatched.getUnmatched().get(0).startsWith("-")) {
                err.println("Unknown command: '" + unmatched.getUnmatched().get(0) + "'");
            } else {
                err.println(e.getMessage());
            }
            CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
            wrong.usage(err);
            err.flush();
            return CommandLine.ExitCode.USAGE;
        });
        line.setExecutionExceptionHandler((e, failed, parseResult) -> {
            // A failure the command did not foresee: one line, not a stack trace.
            // A wrong setting: what is wrong, every problem, as the server would say it.
            failed.getErr()
                    .println(failed.getCommandName() + ": "
                            + (e instanceof StartupRefusedException ? e.getMessage() : e));
            return 1;
        });
        return line;
    }
}
