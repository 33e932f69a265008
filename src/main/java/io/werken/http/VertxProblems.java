package io.werken.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import io.werken.core.Problem;

/**
 * Writes a problem straight to a Vert.x response, for the handlers that answer before any route runs (the webhook
 * port's edge, the management port's access guard); routes answer through {@link ProblemResponder}.
 */
final class VertxProblems {

    private VertxProblems() {}

    /** A peer's IP address as text, or null if there is none (a domain socket, a request without a connection). */
    static String remote(io.vertx.core.net.SocketAddress address) {
        if (address == null) {
            return null;
        }
        String host = address.hostAddress();
        return host == null || host.isEmpty() ? address.host() : host;
    }

    /** Answers {@code problem} as {@code application/problem+json}, unless an answer has already begun. */
    static void send(RoutingContext ctx, ObjectMapper json, Problem problem) {
        if (ctx.response().ended() || ctx.response().headWritten()) {
            return;
        }
        try {
            ctx.response()
                    .setStatusCode(problem.status())
                    .putHeader("Content-Type", Problem.MEDIA_TYPE)
                    .end(Buffer.buffer(json.writeValueAsBytes(problem)));
        } catch (JsonProcessingException e) {
            ctx.response().setStatusCode(problem.status()).end();
        }
    }
}
