package io.werken.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.channel.ChannelPipeline;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.impl.Http1xServerConnection;
import io.werken.core.Problem;
import io.werken.core.ProblemType;
import io.werken.metrics.RecentRefusals;
import io.werken.metrics.WerkenMetrics;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The limits one port puts on its connections, and the {@link ConnectionGuard} that enforces them on each: at most
 * {@code WERKEN_MAX_CONNECTIONS} open connections, request bodies within {@code WERKEN_MAX_BODY_BYTES} and the shared
 * {@link InflightBodies} budget, and every request in full within {@code WERKEN_REQUEST_TIMEOUT_SECONDS}.
 * <p>
 * A connection past the limit is still read up to its first request's headers, which are answered 503 with
 * {@code Retry-After}, so that a sender learns when to retry; past twice the limit a new connection is closed at once,
 * unread, so that connections nobody answers cannot pile up either.
 */
public final class ConnectionGuards {

    /** The registry name of the management port's guards, which its server (Camel's) looks up. */
    public static final String MANAGEMENT = "managementConnectionGuards";

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuards.class);

    private final String port;
    private final int maxConnections;
    private final long maxBodyBytes;
    private final int requestTimeoutSeconds;
    private final long requestTimeoutNanos;
    private final int retryAfterSeconds;
    private final InflightBodies bodies;
    private final ObjectMapper json;
    private final WerkenMetrics metrics;
    private final RecentRefusals refusals;
    private final AtomicInteger open = new AtomicInteger();

    /**
     * @param port     the port's name in log lines (webhook, management)
     * @param metrics  where refusals count as webhooks ({@code werken_webhooks_total}), or null for a port whose
     *                 requests are not webhooks
     * @param refusals where refusals are kept for {@code GET /refusals}, or null for a port whose requests are not
     *                 webhooks
     */
    public ConnectionGuards(
            String port,
            int maxConnections,
            long maxBodyBytes,
            int requestTimeoutSeconds,
            int retryAfterSeconds,
            InflightBodies bodies,
            ObjectMapper json,
            WerkenMetrics metrics,
            RecentRefusals refusals) {
        if (maxConnections <= 0 || maxBodyBytes <= 0 || requestTimeoutSeconds <= 0) {
            throw new IllegalArgumentException("WERKEN_MAX_CONNECTIONS, WERKEN_MAX_BODY_BYTES and "
                    + "WERKEN_REQUEST_TIMEOUT_SECONDS must be positive");
        }
        this.port = port;
        this.maxConnections = maxConnections;
        this.maxBodyBytes = maxBodyBytes;
        this.requestTimeoutSeconds = requestTimeoutSeconds;
        this.requestTimeoutNanos = TimeUnit.SECONDS.toNanos(requestTimeoutSeconds);
        this.retryAfterSeconds = retryAfterSeconds;
        this.bodies = bodies;
        this.json = json;
        this.metrics = metrics;
        this.refusals = refusals;
    }

    /**
     * A new connection on a server Werken listens with ({@code HttpServer.connectionHandler}): its decoder becomes
     * the strict one and its guard goes in before Vert.x's handler, before anything has been read.
     */
    public void guard(HttpConnection connection, HttpServerOptions options) {
        Http1xServerConnection http1 = (Http1xServerConnection) connection;
        int now = open.incrementAndGet();
        if (now > 2 * maxConnections) {
            open.decrementAndGet();
            LOG.info(
                    "Closed connection event_id=none reason=\"{} connections open on the {} port, twice the limit\" remote={}",
                    now - 1,
                    port,
                    connection.remoteAddress());
            http1.channel().close();
            return;
        }
        ChannelPipeline pipeline = http1.channelHandlerContext().pipeline();
        pipeline.replace("httpDecoder", "httpDecoder", new StrictRequestDecoder(options));
        pipeline.addBefore("handler", ConnectionGuard.NAME, new ConnectionGuard(this, now > maxConnections, false));
    }

    /**
     * The guard of the connection {@code request} came on, added now if it has none: for a server Camel creates (the
     * management port), whose connections Werken first sees at their first request. Returns false if the request was
     * refused (the guard has answered it and closes the connection).
     */
    public boolean admit(HttpServerRequest request) {
        if (!(request.connection() instanceof Http1xServerConnection http1) || ConnectionGuard.of(http1) != null) {
            // HTTP/2 (h2c, which Camel's server allows) frames its streams itself; its body limit is the body
            // handler's.
            return true;
        }
        int now = open.incrementAndGet();
        ConnectionGuard guard = new ConnectionGuard(this, now > maxConnections, true);
        http1.channelHandlerContext().pipeline().addBefore("handler", ConnectionGuard.NAME, guard);
        List<String> codings = request.headers().getAll("Transfer-Encoding");
        String framing = StrictRequestDecoder.framingProblem(
                codings,
                request.headers().contains("Content-Length"),
                request.headers().getAll("Host").size());
        return guard.admitLate(
                request.uri(), framing, request.headers().get("Content-Length"), !codings.isEmpty(), request.isEnded());
    }

    void closed() {
        open.decrementAndGet();
    }

    /** Connections open on this port now. */
    public int openConnections() {
        return open.get();
    }

    int maxConnections() {
        return maxConnections;
    }

    long maxBodyBytes() {
        return maxBodyBytes;
    }

    int requestTimeoutSeconds() {
        return requestTimeoutSeconds;
    }

    long requestTimeoutNanos() {
        return requestTimeoutNanos;
    }

    int retryAfterSeconds() {
        return retryAfterSeconds;
    }

    InflightBodies bodies() {
        return bodies;
    }

    String port() {
        return port;
    }

    /** A request this port's guard refused: counted as a webhook, and kept, where this port's requests are webhooks. */
    void refused(ProblemType type, String detail, String path, SocketAddress remote) {
        if (metrics != null) {
            metrics.webhook(WerkenMetrics.NO_WORKFLOW, type.slug());
        }
        if (refusals != null) {
            refusals.record(
                    null,
                    type.status(),
                    type.slug(),
                    detail,
                    remote instanceof InetSocketAddress inet && inet.getAddress() != null
                            ? inet.getAddress().getHostAddress()
                            : null,
                    path);
        }
    }

    byte[] problem(ProblemType type, String detail, String path) {
        try {
            return json.writeValueAsBytes(Problem.of(type, detail, path));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
