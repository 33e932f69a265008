package io.werken.verify;

import java.time.Instant;
import java.util.Set;

/**
 * A way senders sign webhooks. {@link #verify} checks the exact bytes received and throws a
 * {@link io.werken.core.ProblemException} (401) naming the check that failed; it returns normally only when a
 * signature made with one of the workflow's secrets matches.
 */
public interface SignatureScheme {

    /** The scheme's name as written in {@code workflows.json}. */
    String name();

    /** Request headers this scheme reads; the HTTP edge lets them through. */
    Set<String> headers();

    void verify(RequestHeaders headers, byte[] body, Instant now);
}
