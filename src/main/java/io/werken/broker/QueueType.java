package io.werken.broker;

import java.util.Locale;

/** The RabbitMQ queue type Werken declares its queues with ({@code WERKEN_QUEUE_TYPE}). */
public enum QueueType {
    CLASSIC, QUORUM;

    public static QueueType parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Unknown queue type '" + value + "': use classic or quorum", e);
        }
    }
}
