package io.werken.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class TraceContextTest {

    private static final String SENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @Test
    void aValidTraceparentIsContinuedWithANewSpanOfWerkens() {
        TraceContext trace = TraceContext.continueOrStart(SENT);

        assertThat(trace.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(trace.spanId()).matches("[0-9a-f]{16}").isNotEqualTo("00f067aa0ba902b7");
        assertThat(trace.flags()).isEqualTo("01");
        assertThat(trace.traceparent()).matches("00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01");
    }

    @Test
    void aLaterVersionIsReadByItsFirstFourFieldsAndPassedOnAsVersion00() {
        TraceContext trace = TraceContext.parse("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00-extra")
                .orElseThrow();

        assertThat(trace.traceparent()).isEqualTo("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00");
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(
            strings = {
                "00-00000000000000000000000000000000-00f067aa0ba902b7-01", // all-zero trace id
                "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", // all-zero span id
                "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", // version ff
                "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01", // upper case
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x", // version 00 with more fields
                "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01", // short trace id
                "not a traceparent"
            })
    void anInvalidTraceparentIsNotContinuedButReplacedByANewTrace(String header) {
        assertThat(TraceContext.parse(header)).isEmpty();

        TraceContext trace = TraceContext.continueOrStart(header);
        assertThat(trace.traceparent()).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
        assertThat(trace.traceId()).isNotEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    }

    @Test
    void aChildKeepsTheTraceAndItsFlags() {
        TraceContext root = TraceContext.start();
        TraceContext child = root.child();

        assertThat(child.traceId()).isEqualTo(root.traceId());
        assertThat(child.flags()).isEqualTo(root.flags());
        assertThat(child.spanId()).isNotEqualTo(root.spanId());
        assertThat(TraceContext.start().traceId()).isNotEqualTo(root.traceId());
    }
}
