package io.werken.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Handler;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import io.werken.core.Problem;
import io.werken.core.ProblemType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may use the management port: every path but the open ones ({@code /observe/metrics} and what lies under it)
 * needs {@code Authorization: Bearer <WERKEN_ADMIN_TOKEN>} when a token is set, and is answered only to clients on the
 * loopback interface when none is. Deny by default, so that {@code /workflows...}, {@code /dead-letters...},
 * {@code /observe/jolokia} and any endpoint added later are covered without a list to keep.
 * <p>
 * Health ({@code /observe/health} and Camel's {@code /live} and {@code /ready} under it) answers everyone, for
 * orchestrators' probes, but only with its status (UP 200, DOWN 503) to callers who may not use the rest: its details
 * ({@code ?exposureLevel=full&data=true}) name the broker, the workflows file and, after an invalid reload, secret
 * variables. The guard answers those callers itself, whatever they ask for, and lets the others through to Camel's
 * health endpoint.
 * <p>
 * {@code Authorization: Basic} with the token as the password (any user name) counts too: it is how Hawtio's Connect
 * sends credentials to a Jolokia agent. Only Bearer is offered in {@code WWW-Authenticate}, so that a browser never
 * prompts for the token and then sends it by itself with requests that other web pages make (cross-site requests).
 * <p>
 * Without a token, a loopback client may still be a browser on this machine running another site's page: requests
 * that a browser marks as coming from another site ({@code Sec-Fetch-Site} cross-site or same-site, an
 * {@code Origin} that is not this machine), or that name a {@code Host} other than this machine (DNS rebinding), are
 * refused too. curl, scripts and Hawtio's proxy send none of these.
 * <p>
 * The console ({@link ConsoleHandler}) signs a browser in with a session cookie ({@link ConsoleSessions}): a valid
 * {@code werken_session} cookie counts as the token. Its files, {@code GET /console/session} and the sign-in
 * ({@code POST /console/session}) need no credential when a token is set (the sign-in page must load, and its files hold
 * nothing secret); without a token they follow the loopback rule like the rest. A cookie is an ambient credential, and
 * so is being on the loopback interface: a state-changing request (any method but GET, HEAD and OPTIONS) that carries
 * the cookie, or that a browser sent ({@code Origin} or {@code Sec-Fetch-Site}), must carry {@code X-CSRF-Token} with
 * its session's token, an {@code Origin} (if any) equal to this port's own ({@code Host}), and no cross-site
 * {@code Sec-Fetch-Site}; the sign-in is checked for the origin alone, as it has no session yet. A request whose only
 * credential is {@code Authorization: Bearer} with the right token, and no cookie, is not checked: no page can send
 * that unless it holds the token. Scripts and curl send neither cookie nor {@code Origin}, and are not affected.
 * <p>
 * The client is the TCP peer: {@code X-Forwarded-For} and the like are never read, because anyone can send them.
 * Tokens are compared as SHA-256 digests with {@link MessageDigest#isEqual}, which takes the same time whatever the
 * token and leaks neither its bytes nor its length. Runs first on the management port's router
 * ({@link ManagementServerFactory}; only the connection's limits and the console's response headers come before it),
 * before Vert.x's body handler, Jolokia, the console and the platform-http routes.
 */
public final class ManagementAccessGuard implements Handler<RoutingContext> {

    private static final Logger LOG = LoggerFactory.getLogger(ManagementAccessGuard.class);
    /** Dotted-quad IPv4, or IPv6 (a colon cannot appear in a host name): InetAddress parses these without a lookup. */
    private static final Pattern IP_LITERAL = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");
    private static final String CHALLENGE = "Bearer realm=\"werken-management\"";

    /** What the guard does with a request. */
    public enum Decision {
        /** Let it through. */
        ALLOW,
        /** A token is set and the request carries none: 401. */
        TOKEN_MISSING,
        /** A token is set and the request carries another: 401. */
        TOKEN_WRONG,
        /** No token is set and the client is not on the loopback interface: 403 (no credential would help). */
        NOT_LOOPBACK,
        /** No token is set and the request comes from a web page of another site, or names another host: 403. */
        CROSS_SITE,
        /** Health, from a caller who may not use the rest: its status alone, answered by the guard. */
        STATUS_ONLY,
        /**
         * A state-changing request with the session cookie or from a browser, without its session's CSRF token, or from
         * another origin: 403.
         */
        CSRF_INVALID
    }

    /** Which of Camel's health endpoints: all checks, liveness or readiness. */
    public enum Probe {
        ALL, LIVENESS, READINESS
    }

    /** Whether Werken is up, as Camel's health endpoint for {@code probe} would say (may block: called off the loop). */
    @FunctionalInterface
    public interface HealthStatus {
        boolean up(Probe probe);
    }

    /** What the browser says about where a request comes from (all null for a non-browser client). */
    public record Browser(String host, String origin, String fetchSite) {

        static final Browser NONE = new Browser(null, null, null);
    }

    /**
     * A request as the guard reads it, and all it reads: {@code path} normalized, {@code remoteHost} an IP literal (or
     * null), {@code sessionCookie} the {@code werken_session} cookie's value and {@code csrfToken} the
     * {@code X-CSRF-Token} header (each null when absent).
     */
    public record Request(String method, String path, String remoteHost, String authorization, Browser browser,
                          String sessionCookie, String csrfToken) {

        public Request {
            browser = browser == null ? Browser.NONE : browser;
        }
    }

    /** The header that carries the session's CSRF token. */
    public static final String CSRF_HEADER = "X-CSRF-Token";

    private final byte[] tokenDigest;
    private final String healthPath;
    private final List<String> openPaths;
    private final HealthStatus health;
    private final ConsoleSessions sessions;
    private final ObjectMapper json;

    /**
     * @param adminToken the token, or null or blank for none (loopback clients only)
     * @param healthPath Camel's health endpoint: its status (and its liveness and readiness probes') answered to anyone
     * @param openPaths  paths answered in full to anyone, with everything under them
     * @param health     the status the guard answers itself to callers who may see no more
     * @param sessions   the console's sessions: a valid session cookie counts as the token
     */
    public ManagementAccessGuard(String adminToken, String healthPath, List<String> openPaths, HealthStatus health,
                                 ConsoleSessions sessions, ObjectMapper json) {
        this.tokenDigest = adminToken == null || adminToken.isBlank() ? null : sha256(adminToken.trim());
        this.healthPath = healthPath;
        this.openPaths = List.copyOf(openPaths);
        this.health = health;
        this.sessions = sessions;
        this.json = json;
    }

    /** As above, with a session store of its own. */
    public ManagementAccessGuard(String adminToken, String healthPath, List<String> openPaths, HealthStatus health,
                                 ObjectMapper json) {
        this(adminToken, healthPath, openPaths, health, new ConsoleSessions(), json);
    }

    /** Whether a token is configured (for the startup log line). */
    public boolean tokenRequired() {
        return tokenDigest != null;
    }

    /** Whether {@code presented} is the admin token (the console's sign-in); false when none is configured. */
    public boolean isAdminToken(String presented) {
        return tokenDigest != null && presented != null && !presented.isBlank()
                && MessageDigest.isEqual(tokenDigest, sha256(presented.trim()));
    }

    /**
     * The decision for a GET of {@code path} (normalized) from {@code remoteHost} (an IP literal, or null), without
     * cookie: who may read.
     */
    public Decision decide(String path, String remoteHost, String authorization) {
        return decide(path, remoteHost, authorization, Browser.NONE);
    }

    /** As above, with the request's {@code Host}, {@code Origin} and {@code Sec-Fetch-Site} headers. */
    public Decision decide(String path, String remoteHost, String authorization, Browser browser) {
        return decide(new Request("GET", path, remoteHost, authorization, browser, null, null));
    }

    /** The decision for {@code request}: who may use the port, then, for a state-changing request, its CSRF check. */
    public Decision decide(Request request) {
        String path = request.path();
        if (isOpen(path)) {
            return Decision.ALLOW;
        }
        ConsoleSessions.Session session = sessions.find(request.sessionCookie());
        Decision access = consoleOpen(request) ? Decision.ALLOW : access(request, session);
        if (access != Decision.ALLOW) {
            return probe(path) != null ? Decision.STATUS_ONLY : access;
        }
        return changesState(request.method()) ? csrf(request, session) : Decision.ALLOW;
    }

    /** Whether the caller may use the guarded endpoints, and if not why. */
    private Decision access(Request request, ConsoleSessions.Session session) {
        if (tokenDigest == null) {
            if (!isLoopback(request.remoteHost())) {
                return Decision.NOT_LOOPBACK;
            }
            return fromThisMachine(request.browser()) ? Decision.ALLOW : Decision.CROSS_SITE;
        }
        if (session != null) {
            return Decision.ALLOW;
        }
        String presented = presentedToken(request.authorization());
        if (presented == null) {
            return Decision.TOKEN_MISSING;
        }
        return MessageDigest.isEqual(tokenDigest, sha256(presented)) ? Decision.ALLOW : Decision.TOKEN_WRONG;
    }

    /**
     * With a token set, the console's files and its session endpoint's reading and sign-in need none: the sign-in
     * page must load before there is a session. Without one, they follow the loopback rule like everything else.
     */
    private boolean consoleOpen(Request request) {
        if (tokenDigest == null || !ConsoleHandler.isConsolePath(request.path())) {
            return false;
        }
        return !changesState(request.method()) || isSignIn(request);
    }

    /**
     * The CSRF check of a state-changing request the caller may make: one that carries the session cookie, or that a
     * browser sent, needs its own origin, a same-origin fetch and its session's token (the sign-in: the first two).
     */
    private Decision csrf(Request request, ConsoleSessions.Session session) {
        Browser browser = request.browser();
        boolean cookie = request.sessionCookie() != null;
        boolean fromBrowser = browser.origin() != null || browser.fetchSite() != null;
        if (!cookie && (!fromBrowser || isBearerAdmin(request.authorization()))) {
            // A script, or a page that holds the token itself: no ambient credential to abuse.
            return Decision.ALLOW;
        }
        if (browser.origin() != null && !sameOrigin(browser.origin(), browser.host())) {
            return Decision.CSRF_INVALID;
        }
        if (!sameOriginFetch(browser.fetchSite())) {
            return Decision.CSRF_INVALID;
        }
        if (isSignIn(request)) {
            return Decision.ALLOW;
        }
        return session != null && session.csrfMatches(request.csrfToken()) ? Decision.ALLOW : Decision.CSRF_INVALID;
    }

    private static boolean isSignIn(Request request) {
        return "POST".equalsIgnoreCase(request.method()) && ConsoleHandler.SESSION_PATH.equals(request.path());
    }

    /** Every method but the safe ones: custom methods included, so that none slips past the CSRF check. */
    static boolean changesState(String method) {
        if (method == null) {
            return true;
        }
        return switch (method.toUpperCase(Locale.ROOT)) {
            case "GET", "HEAD", "OPTIONS" -> false;
            default -> true;
        };
    }

    /** {@code Authorization: Bearer} with the admin token (Basic does not count: a browser may send it by itself). */
    private boolean isBearerAdmin(String authorization) {
        if (tokenDigest == null || authorization == null) {
            return false;
        }
        String value = authorization.trim();
        int space = value.indexOf(' ');
        return space > 0 && value.substring(0, space).equalsIgnoreCase("bearer")
                && isAdminToken(value.substring(space + 1));
    }

    /**
     * Whether {@code origin} ({@code scheme://host[:port]}) names the host and port the request was sent to (its
     * {@code Host}). The scheme is not compared: behind a proxy that ends TLS the page is https and this port plain
     * HTTP. {@code Origin: null} (a sandboxed frame, a file) is never this port.
     */
    static boolean sameOrigin(String origin, String host) {
        if (host == null || host.isBlank()) {
            return false;
        }
        int scheme = origin.indexOf("://");
        return scheme > 0 && origin.substring(scheme + 3).trim().equalsIgnoreCase(host.trim());
    }

    private static boolean sameOriginFetch(String fetchSite) {
        if (fetchSite == null) {
            return true;
        }
        String site = fetchSite.trim().toLowerCase(Locale.ROOT);
        return site.equals("same-origin") || site.equals("none");
    }

    @Override
    public void handle(RoutingContext ctx) {
        SocketAddress remote = ctx.request().remoteAddress();
        String host = remote == null ? null : remote.hostAddress();
        String path = ctx.normalizedPath();
        HttpServerRequest request = ctx.request();
        Cookie cookie = request.getCookie(ConsoleSessions.COOKIE);
        Decision decision = decide(new Request(request.method().name(), path, host, request.getHeader("Authorization"),
                new Browser(host(request), request.getHeader("Origin"), request.getHeader("Sec-Fetch-Site")),
                cookie == null ? null : cookie.getValue(), request.getHeader(CSRF_HEADER)));
        switch (decision) {
            case ALLOW -> ctx.next();
            case STATUS_ONLY -> answerStatus(ctx, probe(path));
            case TOKEN_MISSING -> refuse(ctx, ProblemType.ADMIN_TOKEN_REQUIRED, CHALLENGE, host,
                    "The management port needs the admin token: send Authorization: Bearer <WERKEN_ADMIN_TOKEN>.");
            case TOKEN_WRONG -> refuse(ctx, ProblemType.ADMIN_TOKEN_REQUIRED, CHALLENGE + ", error=\"invalid_token\"", host,
                    "The bearer token is not the admin token (WERKEN_ADMIN_TOKEN).");
            case NOT_LOOPBACK -> refuse(ctx, ProblemType.LOOPBACK_ONLY, null, host,
                    "No admin token is configured, so the management port answers only clients on this machine; set "
                    + "WERKEN_ADMIN_TOKEN to let others in with it.");
            case CROSS_SITE -> refuse(ctx, ProblemType.LOOPBACK_ONLY, null, host,
                    "No admin token is configured, so the management port answers only clients on this machine, and "
                    + "not web pages of other sites or requests for another host name; set WERKEN_ADMIN_TOKEN to use "
                    + "it from a browser.");
            case CSRF_INVALID -> refuse(ctx, ProblemType.CSRF_TOKEN_INVALID, null, host,
                    "A state-changing request that carries the console's session cookie, or that a browser sends, needs"
                    + " header " + CSRF_HEADER + " with its session's token (GET " + ConsoleHandler.SESSION_PATH
                    + " gives it), and comes from this port's own origin only.");
        }
    }

    /**
     * The host and port the request was sent to: its {@code Host} header, or in HTTP/2 (which a client may upgrade to
     * on this port, h2c) its {@code :authority}, which Vert.x does not list among the headers.
     */
    static String host(HttpServerRequest request) {
        String host = request.getHeader("Host");
        if (host != null) {
            return host;
        }
        HostAndPort authority = request.authority();
        if (authority == null || authority.host() == null) {
            return null;
        }
        String name = authority.host();
        if (name.indexOf(':') >= 0 && !name.startsWith("[")) {
            name = "[" + name + "]";
        }
        return authority.port() >= 0 ? name + ":" + authority.port() : name;
    }

    /**
     * The health endpoint {@code path} names (with or without a trailing slash), or null: only these three answer
     * status alone, so a path Camel may add under health later stays guarded.
     */
    Probe probe(String path) {
        if (path == null || !path.startsWith(healthPath)) {
            return null;
        }
        String rest = path.substring(healthPath.length());
        return switch (rest) {
            case "", "/" -> Probe.ALL;
            case "/live", "/live/" -> Probe.LIVENESS;
            case "/ready", "/ready/" -> Probe.READINESS;
            default -> null;
        };
    }

    /**
     * Camel's health answer with nothing but the status: the query (exposureLevel, data, stackTrace) is not read. The
     * checks may block (the broker's opens a connection), so they run on a worker thread as Camel's endpoint runs them.
     */
    private void answerStatus(RoutingContext ctx, Probe probe) {
        if (ctx.request().method() != HttpMethod.GET) {
            // Camel's health endpoint answers GET only: the router says so (405 or 404), with no details to give.
            ctx.next();
            return;
        }
        Callable<Boolean> status = () -> health.up(probe);
        ctx.vertx().executeBlocking(status, false).onComplete(up -> {
            boolean isUp = up.succeeded() && Boolean.TRUE.equals(up.result());
            // Camel's own layout of exposureLevel=oneline, so that probes and scripts read the same either way.
            ctx.response().setStatusCode(isUp ? 200 : 503)
                    .putHeader("Content-Type", "application/json")
                    .end(isUp ? "{\"status\":\"UP\"}" : "{\"status\":\"DOWN\"}");
        });
    }

    /** No sign of a page from elsewhere: no Host but this machine, no foreign Origin, no cross-site fetch. */
    static boolean fromThisMachine(Browser browser) {
        if (browser.host() != null && !isLocalName(hostOf(browser.host()))) {
            return false;
        }
        if (browser.origin() != null) {
            int scheme = browser.origin().indexOf("://");
            if (scheme < 0 || !isLocalName(hostOf(browser.origin().substring(scheme + 3)))) {
                return false;
            }
        }
        String site = browser.fetchSite() == null ? null : browser.fetchSite().trim().toLowerCase(Locale.ROOT);
        return site == null || site.equals("same-origin") || site.equals("none");
    }

    /** The host of {@code host[:port]} or {@code [v6]:port}. */
    private static String hostOf(String authority) {
        String value = authority.trim();
        if (value.startsWith("[")) {
            int end = value.indexOf(']');
            return end < 0 ? value : value.substring(1, end);
        }
        int colon = value.indexOf(':');
        return colon < 0 ? value : value.substring(0, colon);
    }

    private static boolean isLocalName(String host) {
        return host.equalsIgnoreCase("localhost") || isLoopback(host);
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
            ctx.response().putHeader("WWW-Authenticate", challenge);
        }
        VertxProblems.send(ctx, json, Problem.of(type, detail, ctx.normalizedPath()));
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
