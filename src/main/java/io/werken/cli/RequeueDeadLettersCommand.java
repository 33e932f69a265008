package io.werken.cli;

import io.werken.broker.DeadLetterQueue;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code requeue-dead-letters [--max N]}: moves dead-lettered events from {@code <received queue>.dlq} back to the
 * received queue, oldest first, for dispatch to try again, with {@link DeadLetterQueue#requeue} (at least once:
 * acknowledged on the dead-letter queue only once the broker confirmed the re-publish; each event at most once per
 * run, at most as many as the queue held when it started). Every line names the broker and the queues. The management
 * port's {@code POST /dead-letters/requeue} does the same over HTTP.
 */
@Command(
        name = "requeue-dead-letters",
        header = "Move dead-lettered events back to the received queue, each at most once.",
        description = {
            "Move dead-lettered events from the dead-letter queue (received_webhooks.dlq) back to the "
                    + "received queue, oldest first, for dispatch to try again. Each event moves at most once per run, "
                    + "and no more than the queue held when the run started. The broker is WERKEN_RABBITMQ_URI, or the "
                    + "embedded broker of the Werken on this machine (WERKEN_EMBEDDED_AMQP_PORT)."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:done (also when there was nothing to move)",
            "1:stopped: the broker could not be reached, or an event could not be moved (it stays where it was)",
            "2:a wrong command line"
        })
final class RequeueDeadLettersCommand implements Callable<Integer> {

    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            description = "Show this help and exit.")
    boolean help;

    @Option(
            names = "--max",
            paramLabel = "N",
            converter = WholeNumber.class,
            description =
                    "Move at most N events (1 or more; default: all that the " + "queue holds when the run starts).")
    Long max;

    @Spec
    CommandSpec spec;

    private final CliSettings settings;

    RequeueDeadLettersCommand(CliSettings settings) {
        this.settings = settings;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        DeadLetterQueue queue;
        try {
            queue = new DeadLetterQueue(
                    settings.broker(),
                    settings.settings().queues().received(),
                    settings.settings().broker().connectionTimeoutMs());
        } catch (RuntimeException e) {
            err.println("requeue-dead-letters: " + e.getMessage());
            err.flush();
            return 1;
        }
        String where = " from " + queue.name() + " to " + queue.receivedQueue() + " on " + queue.broker();
        DeadLetterQueue.Requeued result;
        AtomicLong moved = new AtomicLong();
        try {
            result = queue.requeue(max == null ? Long.MAX_VALUE : max, eventId -> {
                moved.incrementAndGet();
                out.println("Re-queued event_id=" + eventId + where);
                out.flush();
            });
        } catch (Exception e) {
            err.println("Re-queue" + where + " stopped after " + moved.get() + " event(s): " + rootMessage(e));
            err.flush();
            return 1;
        }
        if (result.movedAgainEventId() != null) {
            out.println("Not moved again: event_id=" + result.movedAgainEventId() + " is back on " + queue.name()
                    + " on " + queue.broker() + " (dispatch dead-lettered it again); this run moved it once already");
        }
        if (result.stoppedBecause() != null) {
            err.println(
                    "Re-queue" + where + " stopped after " + result.moved() + " event(s): " + result.stoppedBecause());
            err.flush();
            return 1;
        }
        out.println("Re-queued " + result.moved() + " dead-lettered event(s)" + where + " (" + queue.name() + " held "
                + result.heldAtStart() + " at the start)");
        out.flush();
        return 0;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
