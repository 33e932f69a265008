package io.werken.broker;

import io.werken.core.StartupRefusedException;
import java.util.Locale;

/** The RabbitMQ queue type Werken declares its queues with ({@code WERKEN_QUEUE_TYPE}). */
public enum QueueType {
    CLASSIC,
    QUORUM;

    public static QueueType parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new StartupRefusedException("WERKEN_QUEUE_TYPE is '" + value + "': use classic or quorum", e);
        }
    }
}
