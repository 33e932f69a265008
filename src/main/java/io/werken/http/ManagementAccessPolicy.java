package io.werken.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Who may use the management port: every path but the open ones ({@code /observe/metrics} and what lies under it)
 * needs {@code Authorization: Bearer <WERKEN_ADMIN_TOKEN>} when a token is set, and is answered only to clients on the
 * loopback interface when none is. Deny by default, so that {@code /workflows...}, {@code /dead-letters...},
 * {@code /observe/jolokia} and any endpoint added later are covered without a list to keep.
 * <p>
 * Health ({@code /observe/health} and Camel's {@code /live} and {@code /ready} under it) answers everyone, for
 * orchestrators' probes, but only with its status (UP 200, DOWN 503) to callers who may not use the rest: its details
 * ({@code ?exposureLevel=full&data=true}) name the broker, the workflows file and, after an invalid reload, secret
 * variables. Those callers get {@link Decision#STATUS_ONLY} whatever they ask for; the others go through to Camel's
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
 * Tokens are compared as {@link AdminToken} does: as SHA-256 digests, in constant time.
 * <p>
 * Plain inputs in, a {@link Decision} out: no Vert.x, so that every rule can be tested directly.
 * {@link ManagementAccessGuard} reads each request into a {@link Request} and carries the decision out.
 */
public final class ManagementAccessPolicy {

    /** Dotted-quad IPv4, or IPv6 (a colon cannot appear in a host name): InetAddress parses these without a lookup. */
    private static final Pattern IP_LITERAL = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    /** What to do with a request. */
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
        ALL,
        LIVENESS,
        READINESS
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
    public record Request(
            String method,
            String path,
            String remoteHost,
            String authorization,
            Browser browser,
            String sessionCookie,
            String csrfToken) {

        public Request {
            browser = browser == null ? Browser.NONE : browser;
        }
    }

    /** The header that carries the session's CSRF token. */
    public static final String CSRF_HEADER = "X-CSRF-Token";

    private final AdminToken token;
    private final String healthPath;
    private final List<String> openPaths;
    private final ConsoleSessions sessions;

    /**
     * @param adminToken the token, or null or blank for none (loopback clients only)
     * @param healthPath Camel's health endpoint: its status (and its liveness and readiness probes') answered to anyone
     * @param openPaths  paths answered in full to anyone, with everything under them
     * @param sessions   the console's sessions: a valid session cookie counts as the token
     */
    public ManagementAccessPolicy(
            String adminToken, String healthPath, List<String> openPaths, ConsoleSessions sessions) {
        this.token = new AdminToken(adminToken);
        this.healthPath = healthPath;
        this.openPaths = List.copyOf(openPaths);
        this.sessions = sessions;
    }

    /** Whether a token is configured (for the startup log line). */
    public boolean tokenRequired() {
        return token.configured();
    }

    /** Whether {@code presented} is the admin token (the console's sign-in); false when none is configured. */
    public boolean isAdminToken(String presented) {
        return token.isToken(presented);
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
        if (!token.configured()) {
            if (!isLoopback(request.remoteHost())) {
                return Decision.NOT_LOOPBACK;
            }
            return fromThisMachine(request.browser()) ? Decision.ALLOW : Decision.CROSS_SITE;
        }
        if (session != null) {
            return Decision.ALLOW;
        }
        String presented = AdminToken.presented(request.authorization());
        if (presented == null) {
            return Decision.TOKEN_MISSING;
        }
        return token.matches(presented) ? Decision.ALLOW : Decision.TOKEN_WRONG;
    }

    /**
     * With a token set, the console's files and its session endpoint's reading and sign-in need none: the sign-in
     * page must load before there is a session. Without one, they follow the loopback rule like everything else.
     */
    private boolean consoleOpen(Request request) {
        if (!token.configured() || !ConsoleHandler.isConsolePath(request.path())) {
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
        if (!cookie && (!fromBrowser || token.isBearer(request.authorization()))) {
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

    /**
     * The health endpoint {@code path} names (with or without a trailing slash), or null: only these three answer
     * status alone, so a path Camel may add under health later stays guarded.
     */
    public Probe probe(String path) {
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
        return sameOriginFetch(browser.fetchSite());
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
}
