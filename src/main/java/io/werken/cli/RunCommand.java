package io.werken.cli;

import java.util.concurrent.Callable;
import java.util.function.IntSupplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code run}: starts the server (the default when no command is given) and ends with its exit code. */
@Command(
        name = "run",
        header = "Start Werken (the default when no command is given).",
        description = {
            "Start Werken: the webhook port, dispatch, the management port and the console, with the "
                    + "settings of application.properties and their WERKEN_* variables. The default when no command is "
                    + "given."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:stopped", "1:refused to start (one line saying why) or failed", "2:a wrong command line"})
final class RunCommand implements Callable<Integer> {

    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            description = "Show this help and exit.")
    boolean help;

    private final IntSupplier server;

    RunCommand(IntSupplier server) {
        this.server = server;
    }

    @Override
    public Integer call() {
        return server.getAsInt();
    }
}
