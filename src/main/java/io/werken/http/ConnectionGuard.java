package io.werken.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;
import io.werken.core.Problem;
import io.werken.core.ProblemType;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP/1.1 connection's limits, in its Netty pipeline just before Vert.x, which sees only what this lets through.
 * <p>
 * Inbound it refuses, before Vert.x reads a byte of the body: a request over the connection limit or the body budget
 * (503), one whose Content-Length is over the body limit (413), and one whose framing {@link StrictRequestDecoder}
 * marked (400); a chunked body draws on the budget as it grows and is refused once over either. A deadline covers
 * each request from the moment the connection is ready for it (opened, or the previous answer sent) until its last
 * body byte: one timer per connection, pushed on by a field write per request, answers 408 (or, with no request
 * begun, just closes). Outbound it watches the answers: one sent before its request has arrived in full, or that
 * says {@code Connection: close}, closes the connection once written, and nothing more is read from it or answered
 * on it (pipelined requests included). Every refusal closes the connection, so no unread request bytes are drained:
 * the answer goes out with a FIN, and the close follows {@link #LINGER_MILLIS} later, reading nothing meanwhile.
 * <p>
 * All of its state is touched on the connection's event loop only, as Netty calls handlers there.
 *
 * <p>One class over 300 lines on purpose: its inbound refusals, its deadline and its outbound close decisions read and
 * write the same per-connection state (answers awaited, body bytes reserved, whether to close), on one event loop;
 * split across handlers, that state would have to be shared between them.
 */
final class ConnectionGuard extends ChannelDuplexHandler {

    static final String NAME = "connection-guard";

    /** Whether the request failed, or cannot be answered, because its connection is gone (client or Werken closed it). */
    static boolean connectionGone(io.vertx.ext.web.RoutingContext ctx) {
        return ctx.failure() instanceof io.vertx.core.http.HttpClosedException
                || ctx.response().closed();
    }

    private static final AttributeKey<ConnectionGuard> KEY = AttributeKey.valueOf("werken.connectionGuard");
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);
    private static final long DISARMED = Long.MAX_VALUE;
    /** The least a chunked body's reservation grows by, so that small chunks do not each touch the budget. */
    private static final long MIN_GROWTH = 16 * 1024;
    /**
     * How long a connection stays half-closed after its last answer before it is closed: the answer and a FIN go out
     * at once, and only then, with the client's unread request bytes still unread, the close (which resets the
     * connection when bytes are left unread). Closing at once let the reset overtake the answer in the client's
     * kernel, so a client still sending its request (a 431's oversized headers) could lose the answer.
     */
    static final long LINGER_MILLIS = 1_000;

    private final ConnectionGuards port;
    private final boolean overLimit;
    /** Joined the connection at its first request (a server Camel created): its decoder is Vert.x's own. */
    private final boolean late;

    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> timer;
    private long deadline;
    private String path;
    private boolean requestInProgress;
    private boolean chunked;
    private long received;
    private long held;
    private long reserved;
    private int awaitingAnswers;
    private boolean answerStarted;
    private boolean closeAfterAnswer;
    private boolean stopped;
    private boolean silenced;
    private boolean released;
    /** Its last answer is written and its output shut: the close waits until the linger ends. */
    private boolean lingering;

    private boolean lingerEnded;
    private volatile boolean closedByWerken;

    ConnectionGuard(ConnectionGuards port, boolean overLimit, boolean late) {
        this.port = port;
        this.overLimit = overLimit;
        this.late = late;
    }

    /** The guard of a Vert.x connection, or null if it has none. */
    static ConnectionGuard of(HttpConnection connection) {
        return connection instanceof ConnectionBase base
                ? base.channel().attr(KEY).get()
                : null;
    }

    /** Whether Werken refused a request on this connection or closed it (so a closed connection is no client abort). */
    boolean closedByWerken() {
        return closedByWerken;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        ctx.channel().attr(KEY).set(this);
        deadline = System.nanoTime() + port.requestTimeoutNanos();
        timer = ctx.executor().schedule(this::checkDeadline, port.requestTimeoutNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        release();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        release();
        super.channelInactive(ctx);
    }

    private void release() {
        if (released) {
            return;
        }
        released = true;
        if (timer != null) {
            timer.cancel(false);
        }
        port.bodies().release(reserved);
        reserved = 0;
        port.closed();
    }

    // ---- inbound ---------------------------------------------------------------------------------------------

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (stopped) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpRequest request && !admit(request)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpContent content && requestInProgress && !take(content)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        ctx.fireChannelRead(msg);
    }

    /** A request's head: whether Vert.x may have it. */
    private boolean admit(HttpRequest request) {
        DecoderResult result = request.decoderResult();
        String uri = request.uri();
        if (result.isFailure()) {
            if (result.cause() instanceof StrictRequestDecoder.FramingException framing) {
                refuse(ProblemType.MALFORMED_REQUEST, framing.getMessage(), uri, false);
                return false;
            }
            // Vert.x answers what it cannot decode (414, 431, 400) and closes: meanwhile nothing more is read.
            awaitingAnswers++;
            closeAfterAnswer = true;
            stopReading();
            return true;
        }
        long length = HttpUtil.getContentLength(request, -1L);
        return start(uri, null, length, HttpUtil.isTransferEncodingChunked(request), false);
    }

    /** The management port's first request, already with Vert.x when this guard joined: as {@link #admit}. */
    boolean admitLate(String uri, String framing, String contentLength, boolean chunkedBody, boolean ended) {
        long length = -1;
        if (contentLength != null) {
            try {
                length = Long.parseLong(contentLength.trim());
            } catch (NumberFormatException e) {
                length = -1;
            }
        }
        awaitingAnswers++;
        boolean admitted = start(uri, framing, length, chunkedBody, true);
        if (admitted && ended) {
            requestInProgress = false;
            deadline = DISARMED;
        }
        return admitted;
    }

    private boolean start(String uri, String framing, long length, boolean chunkedBody, boolean withVertx) {
        if (framing != null) {
            refuse(ProblemType.MALFORMED_REQUEST, framing, uri, withVertx);
            return false;
        }
        if (overLimit) {
            refuse(
                    ProblemType.OVERLOADED,
                    "Werken has as many connections open as it may (" + port.maxConnections() + "); retry after "
                            + port.retryAfterSeconds() + " seconds.",
                    uri,
                    withVertx);
            return false;
        }
        if (length > port.maxBodyBytes()) {
            refuse(ProblemType.BODY_TOO_LARGE, bodyTooLarge(), uri, withVertx);
            return false;
        }
        long allowance = port.bodies().allowance();
        long need = chunkedBody ? 0 : Math.max(0, length - allowance);
        if (need > 0 && !port.bodies().tryReserve(need)) {
            refuse(ProblemType.OVERLOADED, budgetFull(), uri, withVertx);
            return false;
        }
        reserved += need;
        held = chunkedBody ? allowance : Math.max(length, 0);
        chunked = chunkedBody;
        received = 0;
        path = uri;
        requestInProgress = true;
        if (!withVertx) {
            awaitingAnswers++;
        }
        if (late && chunkedBody) {
            // Vert.x's own decoder drops a Content-Length sent beside chunked: the framing cannot be checked, so
            // nothing after this request is read (RFC 9112 asks that much of a server that accepts such a request).
            closeAfterAnswer = true;
        }
        if (deadline == DISARMED) {
            deadline = System.nanoTime() + port.requestTimeoutNanos();
        }
        return true;
    }

    /** A piece of the body: whether Vert.x may have it. */
    private boolean take(HttpContent content) {
        received += content.content().readableBytes();
        if (chunked && received > held) {
            if (received > port.maxBodyBytes()) {
                refuse(ProblemType.BODY_TOO_LARGE, bodyTooLarge(), path, true);
                return false;
            }
            long next = Math.min(Math.max(Math.max(held * 2, received), held + MIN_GROWTH), port.maxBodyBytes());
            if (!port.bodies().tryReserve(next - held)) {
                refuse(ProblemType.OVERLOADED, budgetFull(), path, true);
                return false;
            }
            reserved += next - held;
            held = next;
        }
        if (content instanceof LastHttpContent) {
            requestInProgress = false;
            deadline = DISARMED;
        }
        return true;
    }

    private String bodyTooLarge() {
        return "The request body is larger than the limit of " + port.maxBodyBytes() + " bytes.";
    }

    private String budgetFull() {
        return "Werken is holding as many request bodies as it may ("
                + port.bodies().budget() + " bytes); retry after " + port.retryAfterSeconds() + " seconds.";
    }

    // ---- the deadline ----------------------------------------------------------------------------------------

    private void checkDeadline() {
        timer = null;
        if (released) {
            return;
        }
        long now = System.nanoTime();
        long due = deadline;
        if (due != DISARMED && now - due >= 0) {
            expired();
            return;
        }
        long delay = due == DISARMED ? port.requestTimeoutNanos() : due - now;
        timer = ctx.executor().schedule(this::checkDeadline, delay, TimeUnit.NANOSECONDS);
    }

    private void expired() {
        if (requestInProgress) {
            String detail = "The request did not arrive in full within " + port.requestTimeoutSeconds() + " seconds.";
            if (!refuse(ProblemType.REQUEST_TIMEOUT, detail, path, true)) {
                ctx.close();
            }
            return;
        }
        // Nothing begun (an idle keep-alive connection, or a request line or headers still on their way).
        closedByWerken = true;
        LOG.debug(
                "Closed connection event_id=none reason=\"no request in full within {} s\" port={} remote={}",
                port.requestTimeoutSeconds(),
                port.port(),
                ctx.channel().remoteAddress());
        stopReading();
        ctx.close();
    }

    // ---- refusals --------------------------------------------------------------------------------------------

    /**
     * Refuses the current request and stops reading. {@code withVertx}: Vert.x has its head (and may answer it).
     * The refusal is answered here unless another answer is due first on this connection, in which case the
     * connection closes after that one. Returns whether it was answered here.
     */
    private boolean refuse(ProblemType type, String detail, String uri, boolean withVertx) {
        closedByWerken = true;
        stopReading();
        String instance = pathOf(uri);
        LOG.info(
                "Rejected request event_id=none status={} reason=\"{}\" port={} path={} remote={}",
                type.status(),
                detail,
                port.port(),
                instance,
                ctx.channel().remoteAddress());
        port.refused(type, detail, instance, ctx.channel().remoteAddress());
        int earlier = withVertx ? awaitingAnswers - 1 : awaitingAnswers;
        if (earlier > 0 || answerStarted) {
            closeAfterAnswer = true;
            return false;
        }
        silenced = true;
        FullHttpResponse response = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(type.status()),
                Unpooled.wrappedBuffer(port.problem(type, detail, instance)));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes())
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        if (type.status() == 503) {
            response.headers().setInt(HttpHeaderNames.RETRY_AFTER, port.retryAfterSeconds());
        }
        ctx.writeAndFlush(response).addListener(f -> lingerThenClose());
        return true;
    }

    private void stopReading() {
        stopped = true;
        ctx.channel().config().setAutoRead(false);
    }

    private static String pathOf(String uri) {
        if (uri == null) {
            return null;
        }
        int query = uri.indexOf('?');
        return query < 0 ? uri : uri.substring(0, query);
    }

    /**
     * After the connection's last answer: shuts its output (the client reads the answer, then end of stream), reads
     * nothing more, and closes it {@link #LINGER_MILLIS} later.
     */
    private void lingerThenClose() {
        if (lingering) {
            return;
        }
        lingering = true;
        stopReading();
        if (ctx.channel() instanceof DuplexChannel duplex && duplex.isActive()) {
            duplex.shutdownOutput();
            ctx.executor().schedule(this::endLinger, LINGER_MILLIS, TimeUnit.MILLISECONDS);
        } else {
            endLinger();
        }
    }

    private void endLinger() {
        lingerEnded = true;
        ctx.close();
    }

    /** A close asked for while the connection lingers (Vert.x closes after its own 431) waits for the linger's end. */
    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) throws Exception {
        if (lingering && !lingerEnded) {
            ctx.channel().closeFuture().addListener(f -> promise.trySuccess());
            return;
        }
        super.close(ctx, promise);
    }

    // ---- outbound --------------------------------------------------------------------------------------------

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (silenced) {
            if (msg instanceof HttpObject) {
                // This connection has been answered for the last time: no answer Vert.x still writes goes out.
                ReferenceCountUtil.release(msg);
                promise.trySuccess();
            } else {
                // An empty buffer whose promise Vert.x closes on once what came before it is written: keep the order.
                ctx.write(msg, promise);
            }
            return;
        }
        if (msg instanceof HttpResponse response) {
            if (response.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
                ctx.write(msg, promise);
                return;
            }
            answerStarted = true;
            if (requestInProgress && awaitingAnswers == 1
                    || HttpHeaderValues.CLOSE.contentEqualsIgnoreCase(
                            response.headers().get(HttpHeaderNames.CONNECTION))) {
                // Answered before the request arrived in full (its rest is never read), or told to close.
                closeAfterAnswer = true;
            }
            if (closeAfterAnswer) {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                stopReading();
            }
        }
        if (msg instanceof LastHttpContent && answerStarted) {
            answerStarted = false;
            awaitingAnswers--;
            if (closeAfterAnswer) {
                silenced = true;
                ChannelPromise written = promise.unvoid();
                ctx.write(msg, written);
                written.addListener(f -> lingerThenClose());
                return;
            }
            if (awaitingAnswers == 0 && !requestInProgress) {
                port.bodies().release(reserved);
                reserved = 0;
                deadline = System.nanoTime() + port.requestTimeoutNanos();
            }
        }
        ctx.write(msg, promise);
    }
}
