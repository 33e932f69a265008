package io.werken.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command line as a user meets it: help, the default command, and what a mistyped command line gets (exit 2). */
class WerkenCommandTest {

    static final String USAGE = """
            Usage: java -jar werken.jar [-h] [COMMAND]
            Werken: webhooks in, workflow actions out, over RabbitMQ. Without a command, it
            runs the server.
              -h, --help   Show this help and exit.
            Commands:
              run                   Start Werken (the default when no command is given).
              validate              Check a workflows file offline, as Werken checks it at
                                      startup.
              requeue-dead-letters  Move dead-lettered events back to the received queue,
                                      each at most once.
              events                List or search the event journal of the running Werken.
              replay                Replay journaled events on the running Werken.
              help                  Display help information about the specified command.

            Exit codes:
              0   done
              1   failed (the reason on stderr)
              2   a wrong command line (the usage on stderr)

            'java -jar werken.jar help COMMAND' tells more about a command.
            """;

    private final AtomicInteger serverRuns = new AtomicInteger();

    record Run(int exit, String out, String err) {}

    private Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine line = WerkenCommand.commandLine(
                () -> {
                    serverRuns.incrementAndGet();
                    return 0;
                },
                Map.<String, String>of()::get);
        line.setOut(new PrintWriter(out, true));
        line.setErr(new PrintWriter(err, true));
        int exit = line.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void helpListsEveryCommand() {
        Run help = run("help");

        assertThat(help).isEqualTo(new Run(0, USAGE, ""));
        assertThat(help.out())
                .contains(
                        "\n  run ",
                        "\n  validate ",
                        "\n  requeue-dead-letters ",
                        "\n  events ",
                        "\n  replay ",
                        "\n  help ");
        assertThat(serverRuns).hasValue(0);
    }

    @Test
    void dashDashHelpAndDashHAreHelpToo() {
        assertThat(run("--help")).isEqualTo(new Run(0, USAGE, ""));
        assertThat(run("-h")).isEqualTo(new Run(0, USAGE, ""));
        assertThat(serverRuns).hasValue(0);
    }

    @Test
    void helpOfACommandIsItsUsage() {
        Run help = run("help", "requeue-dead-letters");

        assertThat(help).isEqualTo(new Run(0, """
                Move dead-lettered events back to the received queue, each at most once.
                Usage: java -jar werken.jar requeue-dead-letters [-h] [--max=N]
                Move dead-lettered events from the dead-letter queue (received_webhooks.dlq)
                back to the received queue, oldest first, for dispatch to try again. Each event
                moves at most once per run, and no more than the queue held when the run
                started. The broker is WERKEN_RABBITMQ_URI, or the embedded broker of the
                Werken on this machine (WERKEN_EMBEDDED_AMQP_PORT).
                  -h, --help    Show this help and exit.
                      --max=N   Move at most N events (1 or more; default: all that the queue
                                  holds when the run starts).

                Exit codes:
                  0   done (also when there was nothing to move)
                  1   stopped: the broker could not be reached, or an event could not be moved
                        (it stays where it was)
                  2   a wrong command line
                """, ""));
        assertThat(run("requeue-dead-letters", "--help")).isEqualTo(help);
    }

    @Test
    void anUnknownCommandIsAUsageError() {
        Run serve = run("serve");

        assertThat(serve)
                .isEqualTo(new Run(
                        2,
                        "",
                        "Unknown command: 'serve'\n"
                                + "Did you mean: java -jar werken.jar events or java -jar werken.jar requeue-dead-letters?\n"
                                + USAGE));
        assertThat(run("requeue"))
                .isEqualTo(new Run(
                        2,
                        "",
                        "Unknown command: 'requeue'\n"
                                + "Did you mean: java -jar werken.jar requeue-dead-letters or java -jar werken.jar replay?\n"
                                + USAGE));
        assertThat(serverRuns).hasValue(0);
    }

    @Test
    void anUnknownOptionIsAUsageError() {
        assertThat(run("--port", "8000")).isEqualTo(new Run(2, "", "Unknown options: '--port', '8000'\n" + USAGE));
        assertThat(run("run", "--port=8000"))
                .isEqualTo(new Run(
                        2,
                        "",
                        "Unknown option: '--port=8000'\n" + run("help", "run").out()));
        assertThat(serverRuns).hasValue(0);
    }

    @Test
    void aBadOptionValueIsOneLineAndTheUsage() {
        String usage = run("help", "requeue-dead-letters").out();

        assertThat(run("requeue-dead-letters", "--max", "ten"))
                .isEqualTo(new Run(2, "", "Invalid value for option '--max': 'ten' is not a whole number\n" + usage));
        assertThat(run("requeue-dead-letters", "--max", "0"))
                .isEqualTo(new Run(2, "", "Invalid value for option '--max': it must be 1 or more, not 0\n" + usage));
        assertThat(run("requeue-dead-letters", "--max"))
                .isEqualTo(new Run(2, "", "Missing required parameter for option '--max' (N)\n" + usage));
    }

    @Test
    void replayNeedsAnEventIdOrABulkMax() {
        String usage = run("help", "replay").out();

        assertThat(run("replay"))
                .isEqualTo(new Run(
                        2, "", "Give the EVENT_ID to replay, or --max N (with filters) for a bulk replay\n" + usage));
        assertThat(run("replay", "ev-1", "--max", "5"))
                .isEqualTo(new Run(
                        2, "", "Give either EVENT_ID, or --max N with filters for a bulk replay, not both\n" + usage));
    }

    @Test
    void withoutACommandOrWithRunItRunsTheServer() {
        assertThat(run()).isEqualTo(new Run(0, "", ""));
        assertThat(run("run")).isEqualTo(new Run(0, "", ""));
        assertThat(serverRuns).hasValue(2);
    }
}
