package io.werken.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.GetResponse;
import io.werken.broker.BrokerAddress;
import io.werken.broker.DeadLetterQueue;
import io.werken.cli.WerkenCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/**
 * A re-queue moves each event at most once per run, even when dispatch dead-letters it again before the re-queue's
 * next get: here "dispatch" is the test itself, which puts each moved event straight back on the dead-letter queue
 * the moment the move is reported, so the bounce always wins the race (with a real dispatch it only sometimes does).
 */
class DeadLetterQueueIT {

    private final String received = "it-" + UUID.randomUUID().toString().substring(0, 8) + ".received_webhooks";
    private final String dlq = received + ".dlq";
    private Broker broker;

    @BeforeEach
    void queues() {
        broker = new Broker();
        broker.declareQueue(received, Map.of());
        broker.declareQueue(dlq, Map.of());
    }

    @AfterEach
    void cleanUp() throws Exception {
        broker.delete(received, dlq);
        broker.close();
    }

    @Test
    void anEventDeadLetteredAgainAtOnceIsMovedOnceAndCountedOnce() throws Exception {
        List<String> poison = List.of("ev-bounce-a", "ev-bounce-b", "ev-bounce-c");
        poison.forEach(this::deadLetter);

        DeadLetterQueue.Requeued result = queue().requeue(1000, this::bounce);

        assertThat(result.movedEventIds()).containsExactlyElementsOf(poison);
        assertThat(result.moved()).isEqualTo(3);
        assertThat(result.heldAtStart()).isEqualTo(3);
        assertThat(result.movedAgainEventId()).isNull();
        assertThat(result.stoppedBecause()).isNull();
        assertThat(broker.drain(dlq))
                .extracting(m -> m.getProps().getMessageId())
                .containsExactlyElementsOf(poison);
    }

    @Test
    void itStopsAtAnEventItMovedAlreadyAndLeavesItThere() throws Exception {
        deadLetter("ev-a");
        deadLetter("ev-b");

        // On ev-a's move: ev-a comes back, and someone else takes ev-b, so ev-a is next though the run may take two.
        DeadLetterQueue.Requeued result = queue().requeue(1000, eventId -> {
            bounce(eventId);
            assertThat(broker.get(dlq).getProps().getMessageId()).isEqualTo("ev-b");
        });

        assertThat(result.movedEventIds()).containsExactly("ev-a");
        assertThat(result.movedAgainEventId()).isEqualTo("ev-a");
        assertThat(broker.drain(dlq))
                .extracting(m -> m.getProps().getMessageId())
                .containsExactly("ev-a");
    }

    @Test
    // A re-queue that moved an event more than once would never end here (each move brings it back).
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void theCommandPrintsEachEventOnceAndNamesTheBrokerAndQueuesOnEveryLine() {
        List<String> poison = List.of("ev-cmd-a", "ev-cmd-b");
        poison.forEach(this::deadLetter);
        StringWriter printed = new StringWriter();
        // "Dispatch" dead-letters an event again as soon as the command reports its move.
        PrintWriter out = new PrintWriter(printed, true) {
            @Override
            public void println(String line) {
                super.println(line);
                if (line.startsWith("Re-queued event_id=")) {
                    bounce(line.substring("Re-queued event_id=".length(), line.indexOf(" from ")));
                }
            }
        };
        StringWriter err = new StringWriter();
        CommandLine line = WerkenCommand.commandLine(
                () -> {
                    throw new AssertionError("no server");
                },
                Map.of("WERKEN_RABBITMQ_URI", Broker.URI_VALUE, "WERKEN_QUEUE_RECEIVED", received)::get);
        line.setOut(out);
        line.setErr(new PrintWriter(err, true));

        int exit = line.execute("requeue-dead-letters");

        String where = " from " + dlq + " to " + received + " on "
                + BrokerAddress.rabbitMq(Broker.URI_VALUE).withoutCredentials();
        assertThat(exit).as(err.toString()).isZero();
        assertThat(err.toString()).isEmpty();
        assertThat(printed.toString())
                .isEqualTo("Re-queued event_id=ev-cmd-a" + where + "\n"
                        + "Re-queued event_id=ev-cmd-b" + where + "\n"
                        + "Re-queued 2 dead-lettered event(s)" + where + " (" + dlq + " held 2 at the start)\n");
        assertThat(broker.depth(dlq)).isEqualTo(2);
    }

    private DeadLetterQueue queue() {
        return new DeadLetterQueue(BrokerAddress.rabbitMq(Broker.URI_VALUE), received, 5_000);
    }

    private void deadLetter(String eventId) {
        broker.publish(
                dlq,
                new AMQP.BasicProperties.Builder()
                        .messageId(eventId)
                        .deliveryMode(2)
                        .build(),
                ("{\"event_id\":\"" + eventId + "\",\"workflow_id\":\"no-such-flow\",\"received_at\":"
                                + "\"2026-12-01T00:00:00Z\",\"payload\":{}}")
                        .getBytes(StandardCharsets.UTF_8));
    }

    /** What dispatch does with a still-broken event: takes it off the received queue and dead-letters it again. */
    private void bounce(String eventId) {
        GetResponse moved = broker.get(received);
        assertThat(moved.getProps().getMessageId()).isEqualTo(eventId);
        broker.publish(dlq, moved.getProps(), moved.getBody());
    }
}
