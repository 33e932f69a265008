package io.werken.manage;

import io.werken.broker.DeadLetterQueue;
import io.werken.core.ProblemException;
import io.werken.core.ProblemType;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.camel.util.ObjectHelper;

/** A dead-letter queue operation whose broker failure becomes a 503 problem that says what could not be done. */
final class DeadLetterBroker {

    private DeadLetterBroker() {}

    static <T> T call(DeadLetterQueue queue, String what, int retryAfterSeconds, Callable<T> operation) {
        try {
            return operation.call();
        } catch (Exception e) {
            Throwable root = ObjectHelper.createExceptionIterable(e).iterator().next(); // the root cause comes first
            throw new ProblemException(
                    ProblemType.DEAD_LETTERS_UNAVAILABLE,
                    "Could not " + what + " " + queue.name() + " on the broker: " + root.getMessage() + ".",
                    retryAfter(retryAfterSeconds));
        }
    }

    static Map<String, String> retryAfter(int seconds) {
        return Map.of("Retry-After", Integer.toString(seconds));
    }
}
