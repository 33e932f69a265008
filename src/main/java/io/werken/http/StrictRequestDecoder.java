package io.werken.http;

import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMessage;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.VertxHttpRequestDecoder;
import java.util.List;
import java.util.Locale;

/**
 * Vert.x's HTTP/1.1 request decoder, refusing the framings that let two parties disagree on where a request ends
 * (RFC 9112, section 6): Content-Length together with Transfer-Encoding (Netty would drop the Content-Length and read
 * chunks), any transfer coding but a single {@code chunked} (Netty would fall back to Content-Length, or read no body
 * and take the body for the next request), and more than one Host. Such a request is marked failed with a
 * {@link FramingException}; {@link ConnectionGuard} answers it 400 and closes the connection.
 */
final class StrictRequestDecoder extends VertxHttpRequestDecoder {

    StrictRequestDecoder(HttpServerOptions options) {
        super(options);
    }

    /** Netty calls this for every message once its headers are read, before it decides how to read the body. */
    @Override
    protected boolean isContentAlwaysEmpty(HttpMessage msg) {
        String problem = framingProblem(msg.headers());
        if (problem != null) {
            msg.setDecoderResult(DecoderResult.failure(new FramingException(problem)));
        }
        return super.isContentAlwaysEmpty(msg);
    }

    /** What is wrong with the request's framing headers, or null. */
    static String framingProblem(HttpHeaders headers) {
        // The common request (no Transfer-Encoding, one Host) builds no list here.
        List<String> codings = headers.contains(HttpHeaderNames.TRANSFER_ENCODING)
                ? headers.getAll(HttpHeaderNames.TRANSFER_ENCODING)
                : List.of();
        int hosts = 0;
        for (var values = headers.valueStringIterator(HttpHeaderNames.HOST);
                values.hasNext() && hosts < 2;
                values.next()) {
            hosts++;
        }
        return framingProblem(codings, headers.contains(HttpHeaderNames.CONTENT_LENGTH), hosts);
    }

    /** The same, from the Transfer-Encoding values, whether there is a Content-Length, and how many Host headers. */
    static String framingProblem(List<String> codings, boolean contentLength, int hosts) {
        if (!codings.isEmpty()) {
            if (contentLength) {
                return "The request has both Content-Length and Transfer-Encoding; send one of them.";
            }
            if (codings.size() != 1
                    || !codings.get(0).trim().toLowerCase(Locale.ROOT).equals("chunked")) {
                return "Transfer-Encoding '" + String.join(", ", codings)
                        + "' is not supported; send the body with Content-Length or Transfer-Encoding: chunked.";
            }
        }
        if (hosts > 1) {
            return "The request has more than one Host header.";
        }
        return null;
    }

    /** A request whose framing Werken refuses; its message is the problem's detail. */
    static final class FramingException extends RuntimeException {

        FramingException(String detail) {
            super(detail, null, false, false);
        }
    }
}
