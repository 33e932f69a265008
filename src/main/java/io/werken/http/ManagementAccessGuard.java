package io.werken.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import io.werken.core.Problem;
import io.werken.core.ProblemType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may use the management port: every path but the open ones ({@code /observe/health}, {@code /observe/metrics}
 * and what lies under them) needs {@code Authorization: Bearer <WERKEN_ADMIN_TOKEN>} when a token is set, and is
 * answered only to clients on the loopback interface when none is. Deny by default, so that {@code /workflows...},
 * {@code /dead-letters...}, {@code /observe/jolokia} and any endpoint added later are covered without a list to keep.
 * <p>
 * {@code Authorization: Basic} with the token as the password (any user name) counts too: it is how Hawtio's Connect
 * sends credentials to a Jolokia agent, and it carries the same secret the same way.
 * <p>
 * The client is the TCP peer: {@code X-Forwarded-For} and the like are never read, because anyone can send them.
 * Tokens are compared as SHA-256 digests with {@link MessageDigest#isEqual}, which takes the same time whatever the
 * token and leaks neither its bytes nor its length. Runs as the first handler of the management port's router
 * ({@link ManagementServerFactory}), before Vert.x's body handler, Jolokia and the platform-http routes.
 */
public final class ManagementAccessGuard implements Handler<RoutingContext> {

    private static final Logger LOG = LoggerFactory.getLogger(ManagementAccessGuard.class);
    private static final Pattern IP_LITERAL = Pattern.compile("[0-9A-Fa-f:.]+");
    private static final String CHALLENGE = "Bearer realm=\"werken-management\"";
    private static final String BASIC_CHALLENGE = "Basic realm=\"werken-management\"";

    /** What the guard does with a request. */
    public enum Decision {
        /** Let it through. */
        ALLOW,
        /** A token is set and the request carries none: 401. */
        TOKEN_MISSING,
        /** A token is set and the request carries another: 401. */
        TOKEN_WRONG,
        /** No token is set and the client is not on the loopback interface: 403 (no credential would help). */
        NOT_LOOPBACK
    }

    private final byte[] tokenDigest;
    private final List<String> openPaths;
    private final ObjectMapper json;

    /**
     * @param adminToken the token, or null or blank for none (loopback clients only)
     * @param openPaths  paths answered to anyone, with everything under them
     */
    public ManagementAccessGuard(String adminToken, List<String> openPaths, ObjectMapper json) {
        this.tokenDigest = adminToken == null || adminToken.isBlank() ? null : sha256(adminToken.trim());
        this.openPaths = List.copyOf(openPaths);
        this.json = json;
    }

    /** Whether a token is configured (for the startup log line). */
    public boolean tokenRequired() {
        return tokenDigest != null;
    }

    /** The decision for a request to {@code path} (normalized) from {@code remoteHost} (an IP literal, or null). */
    public Decision decide(String path, String remoteHost, String authorization) {
        if (isOpen(path)) {
            return Decision.ALLOW;
        }
        if (tokenDigest == null) {
            return isLoopback(remoteHost) ? Decision.ALLOW : Decision.NOT_LOOPBACK;
        }
        String presented = presentedToken(authorization);
        if (presented == null) {
            return Decision.TOKEN_MISSING;
        }
        return MessageDigest.isEqual(tokenDigest, sha256(presented)) ? Decision.ALLOW : Decision.TOKEN_WRONG;
    }

    @Override
    public void handle(RoutingContext ctx) {
        SocketAddress remote = ctx.request().remoteAddress();
        String host = remote == null ? null : remote.hostAddress();
        String path = ctx.normalizedPath();
        Decision decision = decide(path, host, ctx.request().getHeader("Authorization"));
        switch (decision) {
            case ALLOW -> ctx.next();
            case TOKEN_MISSING -> refuse(ctx, ProblemType.ADMIN_TOKEN_REQUIRED, CHALLENGE, host,
                    "The management port needs the admin token: send Authorization: Bearer <WERKEN_ADMIN_TOKEN>.");
            case TOKEN_WRONG -> refuse(ctx, ProblemType.ADMIN_TOKEN_REQUIRED, CHALLENGE + ", error=\"invalid_token\"", host,
                    "The bearer token is not the admin token (WERKEN_ADMIN_TOKEN).");
            case NOT_LOOPBACK -> refuse(ctx, ProblemType.LOOPBACK_ONLY, null, host,
                    "No admin token is configured, so the management port answers only clients on this machine; set "
                    + "WERKEN_ADMIN_TOKEN to let others in with it.");
        }
    }

    private boolean isOpen(String path) {
        if (path == null) {
            return false;
        }
        for (String open : openPaths) {
            if (path.equals(open) || path.startsWith(open.endsWith("/") ? open : open + "/")) {
                return true;
            }
        }
        return false;
    }

    /** True only for an IP literal on the loopback interface: never a name lookup, never a forwarded header. */
    static boolean isLoopback(String remoteHost) {
        if (remoteHost == null || !IP_LITERAL.matcher(remoteHost).matches()) {
            return false;
        }
        try {
            return InetAddress.getByName(remoteHost).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** The token in {@code Bearer <token>}, or the password in {@code Basic base64(user:token)}; null if none. */
    private static String presentedToken(String authorization) {
        if (authorization == null) {
            return null;
        }
        String value = authorization.trim();
        int space = value.indexOf(' ');
        if (space < 0) {
            return null;
        }
        // RFC 7235: the scheme is case-insensitive.
        String scheme = value.substring(0, space).toLowerCase(Locale.ROOT);
        String credentials = value.substring(space + 1).trim();
        String token = switch (scheme) {
            case "bearer" -> credentials;
            case "basic" -> basicPassword(credentials);
            default -> null;
        };
        return token == null || token.isEmpty() ? null : token;
    }

    private static String basicPassword(String credentials) {
        try {
            String decoded = new String(Base64.getDecoder().decode(credentials), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0 ? null : decoded.substring(colon + 1);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private void refuse(RoutingContext ctx, ProblemType type, String challenge, String host, String detail) {
        LOG.info("Refused management request status={} reason=\"{}\" method={} path={} remote={}", type.status(),
                type.slug(), ctx.request().method(), ctx.normalizedPath(), host);
        if (challenge != null) {
            // Bearer first (what curl and scripts send); Basic for Hawtio's Connect, which then asks for a password.
            ctx.response().headers().add("WWW-Authenticate", challenge).add("WWW-Authenticate", BASIC_CHALLENGE);
        }
        try {
            ctx.response().setStatusCode(type.status())
                    .putHeader("Content-Type", Problem.MEDIA_TYPE)
                    .end(Buffer.buffer(json.writeValueAsBytes(Problem.of(type, detail, ctx.normalizedPath()))));
        } catch (JsonProcessingException e) {
            ctx.response().setStatusCode(type.status()).end();
        }
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
