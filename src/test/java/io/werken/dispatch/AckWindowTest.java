package io.werken.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Which deliveries the ack window lets go to the broker: it plays the broker's side (which tags are still held) and
 * checks every ack and reject the window sends, so a multiple ack that takes an unconfirmed event along, or a tag
 * settled twice (a channel error on a real broker), fails the test.
 */
class AckWindowTest {

    /** The broker's view of one channel: tags delivered and not settled. */
    private static final class Broker implements AckWindow.Channel {
        final TreeSet<Long> held = new TreeSet<>();
        final TreeSet<Long> confirmed = new TreeSet<>();
        final List<String> sent = new ArrayList<>();
        final List<Long> acked = new ArrayList<>();
        final List<Long> rejected = new ArrayList<>();
        boolean open = true;

        void deliver(long... tags) {
            for (long tag : tags) {
                held.add(tag);
            }
        }

        @Override
        public void ack(long tag, boolean multiple) throws IOException {
            if (!open) {
                throw new IOException("channel closed");
            }
            sent.add("ack " + tag + (multiple ? " multiple" : ""));
            assertThat(held).as("acked tag %d is held", tag).contains(tag);
            List<Long> settled = multiple ? List.copyOf(held.headSet(tag, true)) : List.of(tag);
            for (long t : settled) {
                assertThat(confirmed)
                        .as("tag %d acknowledged only once confirmed", t)
                        .contains(t);
                held.remove(t);
                acked.add(t);
            }
        }

        @Override
        public void reject(long tag) throws IOException {
            if (!open) {
                throw new IOException("channel closed");
            }
            sent.add("reject " + tag);
            assertThat(held).as("rejected tag %d is held", tag).contains(tag);
            held.remove(tag);
            rejected.add(tag);
        }
    }

    private final Broker broker = new Broker();
    private final AckWindow window = new AckWindow(broker);

    private void take(long... tags) {
        broker.deliver(tags);
        for (long tag : tags) {
            window.taken(tag);
        }
    }

    private void confirm(long tag) {
        broker.confirmed.add(tag);
        window.confirmed(tag);
    }

    @Test
    void confirmsInOrderAreAcknowledgedOneByOne() {
        take(1, 2, 3);

        confirm(1);
        confirm(2);
        confirm(3);

        assertThat(broker.sent).containsExactly("ack 1", "ack 2", "ack 3");
        assertThat(broker.held).isEmpty();
    }

    @Test
    void anEventConfirmedBeforeAnEarlierOneWaitsAndBothGoInOneMultipleAck() {
        take(1, 2, 3, 4);

        confirm(3);
        confirm(2);
        assertThat(broker.sent).isEmpty();
        confirm(1);

        assertThat(broker.sent).containsExactly("ack 3 multiple");
        assertThat(broker.held).containsExactly(4L);
        assertThat(window.open()).isEqualTo(1);
    }

    @Test
    void aPendingEventInTheMiddleHoldsBackEveryLaterAckUntilItIsSettled() {
        take(1, 2, 3, 4, 5);

        confirm(1);
        confirm(2);
        confirm(4);
        confirm(5);

        assertThat(broker.sent).containsExactly("ack 1", "ack 2");
        assertThat(broker.held).containsExactly(3L, 4L, 5L);

        confirm(3);
        assertThat(broker.sent).containsExactly("ack 1", "ack 2", "ack 5 multiple");
        assertThat(broker.held).isEmpty();
    }

    @Test
    void aFailedEventIsRejectedAloneAndTheConfirmedOnesAfterItAreThenAcknowledged() {
        take(1, 2, 3, 4);
        confirm(1);
        confirm(3);
        confirm(4);

        window.failed(2);

        assertThat(broker.sent).containsExactly("ack 1", "reject 2", "ack 4 multiple");
        assertThat(broker.rejected).containsExactly(2L);
        assertThat(broker.acked).containsExactly(1L, 3L, 4L);
    }

    @Test
    void aFailureAboveAPendingEventIsRejectedAtOnceAndNeverAcknowledged() {
        take(1, 2, 3);
        window.failed(3);
        confirm(2);
        confirm(1);

        assertThat(broker.sent).containsExactly("reject 3", "ack 2 multiple");
        assertThat(broker.acked).containsExactly(1L, 2L);
    }

    @Test
    void whenTheChannelClosesMidWindowNothingMoreIsSentAndTheUnconfirmedStayWithTheBroker() {
        take(1, 2, 3, 4);
        confirm(2);
        confirm(4);

        window.closed();
        broker.open = false;
        confirm(1);
        confirm(3);
        window.failed(3);

        assertThat(broker.sent).isEmpty();
        assertThat(broker.held).containsExactly(1L, 2L, 3L, 4L);
        assertThat(window.open()).isZero();
    }

    @Test
    void aSendThatFailsClosesTheWindow() {
        take(1, 2);
        broker.open = false;
        confirm(1);
        broker.open = true;
        confirm(2);

        assertThat(broker.sent).isEmpty();
        assertThat(window.open()).isZero();
    }

    @Test
    void onceATagWasSkippedEachEventIsAcknowledgedAlone() {
        take(1);
        broker.deliver(2); // delivered, never reached dispatch, so never settled by it
        take(3, 4);

        confirm(4);
        confirm(3);
        confirm(1);

        assertThat(broker.sent).containsExactly("ack 4", "ack 3", "ack 1");
        assertThat(broker.held).containsExactly(2L);
    }

    @Test
    void noTagIsSettledTwice() {
        take(1, 2);
        confirm(1);
        window.confirmed(1);
        window.failed(1);
        window.failed(2);
        window.failed(2);
        confirm(2);

        assertThat(broker.sent).containsExactly("ack 1", "reject 2");
    }

    @Test
    void tagsMustIncrease() {
        take(5);
        assertThatThrownBy(() -> window.taken(5)).isInstanceOf(IllegalArgumentException.class);
    }
}
