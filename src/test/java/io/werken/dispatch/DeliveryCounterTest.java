package io.werken.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The count an event carries is read whatever wrote it: a number of any width, its text, or nonsense (none). */
class DeliveryCounterTest {

    @Test
    void readsTheCountAnAmqpHeaderCanCarry() {
        assertThat(DeliveryCounter.count(null)).isZero();
        assertThat(DeliveryCounter.count(3)).isEqualTo(3);
        assertThat(DeliveryCounter.count(7L)).isEqualTo(7);
        assertThat(DeliveryCounter.count((byte) 2)).isEqualTo(2);
        assertThat(DeliveryCounter.count(" 4 ")).isEqualTo(4);
        assertThat(DeliveryCounter.count("many")).isZero();
        assertThat(DeliveryCounter.count(-9)).isZero();
        assertThat(DeliveryCounter.count(Long.MAX_VALUE)).isEqualTo(Integer.MAX_VALUE - 1);
    }
}
