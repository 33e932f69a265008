package io.werken.http;

import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * DOWN while an event loop of the webhook server has missed its heartbeat ({@link EventLoopHeartbeat}) for longer
 * than the threshold: a task holds it, and every webhook it serves waits. Camel's health endpoint runs on the
 * management server's own Vert.x, so this answers while the webhook loop is blocked.
 */
public final class EventLoopHealthCheck extends AbstractHealthCheck {

    private final EventLoopHeartbeat heartbeat;
    private final long blockedMillis;

    /** @param blockedMillis how long a loop may go without a beat before it counts as blocked */
    public EventLoopHealthCheck(EventLoopHeartbeat heartbeat, long blockedMillis) {
        super("werken", "webhook-event-loop");
        this.heartbeat = heartbeat;
        this.blockedMillis = blockedMillis;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        builder.detail("blocked_threshold_ms", blockedMillis);
        if (!heartbeat.beating()) {
            // Before Camel has fully started: webhooks are not served yet either.
            builder.detail("heartbeat", "not started");
            builder.up();
            return;
        }
        EventLoopHeartbeat.Silence silence = heartbeat.longestSilence();
        builder.detail("longest_silence_ms", silence.millis());
        builder.detail("event_loop", silence.loop());
        if (silence.millis() > blockedMillis) {
            builder.message("webhook event loop blocked for " + silence.millis() + " ms (" + silence.loop() + ")");
            builder.down();
        } else {
            builder.up();
        }
    }
}
