package io.werken.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.werken.http.ManagementAccessPolicy.Browser;
import io.werken.http.ManagementAccessPolicy.Decision;
import io.werken.http.ManagementAccessPolicy.Request;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The policy's decision, for the cases one machine cannot produce over a socket: clients that are not on the loopback
 * interface, with and without a token configured, and forwarded-for headers that must not count.
 */
class ManagementAccessPolicyTest {

    private static final List<String> OPEN = List.of("/observe/metrics");
    private static final String HEALTH = "/observe/health";
    private static final ManagementAccessPolicy NO_TOKEN = policy(null);
    private static final ManagementAccessPolicy BLANK_TOKEN = policy("  ");
    private static final ManagementAccessPolicy TOKEN = policy("s3cret");

    private static ManagementAccessPolicy policy(String token) {
        return policy(token, new ConsoleSessions());
    }

    /** A GET of {@code path} from {@code remoteHost}, without cookie: who may read. */
    private static Decision decide(
            ManagementAccessPolicy policy, String path, String remoteHost, String authorization) {
        return decide(policy, path, remoteHost, authorization, Browser.NONE);
    }

    private static Decision decide(
            ManagementAccessPolicy policy, String path, String remoteHost, String authorization, Browser browser) {
        return policy.decide(new Request("GET", path, remoteHost, authorization, browser, null, null));
    }

    @Test
    void withoutATokenOnlyLoopbackClientsGetIn() {
        for (String local : List.of("127.0.0.1", "127.0.0.53", "::1", "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1")) {
            assertThat(decide(NO_TOKEN, "/workflows", local, null)).as(local).isEqualTo(Decision.ALLOW);
        }
        for (String remote :
                List.of("10.0.0.7", "192.168.1.20", "172.17.0.1", "2001:db8::1", "::ffff:10.0.0.7", "0.0.0.0")) {
            assertThat(decide(NO_TOKEN, "/workflows", remote, null)).as(remote).isEqualTo(Decision.NOT_LOOPBACK);
            assertThat(decide(NO_TOKEN, "/dead-letters/requeue", remote, "Bearer anything"))
                    .as(remote)
                    .isEqualTo(Decision.NOT_LOOPBACK);
        }
        assertThat(decide(BLANK_TOKEN, "/observe/jolokia/version", "10.0.0.7", null))
                .isEqualTo(Decision.NOT_LOOPBACK);
    }

    @Test
    void aNameOrNoAddressIsNeverLoopback() {
        // No lookup: "localhost" as a peer address could only come from something other than the socket.
        assertThat(decide(NO_TOKEN, "/workflows", "localhost", null)).isEqualTo(Decision.NOT_LOOPBACK);
        assertThat(decide(NO_TOKEN, "/workflows", null, null)).isEqualTo(Decision.NOT_LOOPBACK);
        assertThat(decide(NO_TOKEN, "/workflows", "", null)).isEqualTo(Decision.NOT_LOOPBACK);
        // Hex letters and dots make a host name too (bad.cafe): never looked up, so never loopback.
        assertThat(ManagementAccessPolicy.isLoopback("bad.cafe")).isFalse();
        assertThat(ManagementAccessPolicy.isLoopback("127.1")).isFalse();
        assertThat(decide(NO_TOKEN, "/workflows", "127.0.0.1", null, new Browser("bad.cafe:9876", null, null)))
                .isEqualTo(Decision.CROSS_SITE);
    }

    @Test
    void healthsStatusAndMetricsAreOpenToEveryone() {
        assertThat(decide(NO_TOKEN, "/observe/metrics", "10.0.0.7", null)).isEqualTo(Decision.ALLOW);
        assertThat(decide(TOKEN, "/observe/metrics", "10.0.0.7", null)).isEqualTo(Decision.ALLOW);
        for (String path : List.of(
                "/observe/health",
                "/observe/health/",
                "/observe/health/live",
                "/observe/health/ready",
                "/observe/health/ready/")) {
            assertThat(decide(NO_TOKEN, path, "10.0.0.7", null)).as(path).isEqualTo(Decision.STATUS_ONLY);
            assertThat(decide(NO_TOKEN, path, "127.0.0.1", null, new Browser("evil.example", null, null)))
                    .as(path)
                    .isEqualTo(Decision.STATUS_ONLY);
            assertThat(decide(BLANK_TOKEN, path, "192.168.1.20", "Bearer anything"))
                    .as(path)
                    .isEqualTo(Decision.STATUS_ONLY);
            assertThat(decide(TOKEN, path, "10.0.0.7", null)).as(path).isEqualTo(Decision.STATUS_ONLY);
            assertThat(decide(TOKEN, path, "127.0.0.1", null)).as(path).isEqualTo(Decision.STATUS_ONLY);
            assertThat(decide(TOKEN, path, "127.0.0.1", "Bearer wrong"))
                    .as(path)
                    .isEqualTo(Decision.STATUS_ONLY);
        }
        for (String path : List.of(
                "/observe/healthz",
                "/observe/health/x",
                "/observe/health/live/more",
                "/observe/metrics-secret",
                "/observe/jolokia",
                "/observe/info",
                "/workflows",
                "/workflows/reload",
                "/workflowsX",
                "/dead-letters",
                "/",
                "/anything")) {
            assertThat(decide(TOKEN, path, "127.0.0.1", null)).as(path).isEqualTo(Decision.TOKEN_MISSING);
            assertThat(decide(NO_TOKEN, path, "10.0.0.7", null)).as(path).isEqualTo(Decision.NOT_LOOPBACK);
        }
    }

    @Test
    void withATokenEveryClientNeedsItLoopbackToo() {
        for (String client : List.of("127.0.0.1", "10.0.0.7")) {
            assertThat(decide(TOKEN, "/workflows", client, "Bearer s3cret")).isEqualTo(Decision.ALLOW);
            assertThat(decide(TOKEN, "/workflows", client, "bearer   s3cret ")).isEqualTo(Decision.ALLOW);
            assertThat(decide(TOKEN, "/workflows", client, null)).isEqualTo(Decision.TOKEN_MISSING);
            assertThat(decide(TOKEN, "/workflows", client, "Bearer ")).isEqualTo(Decision.TOKEN_MISSING);
            assertThat(decide(TOKEN, "/workflows", client, "Basic czNjcmV0"))
                    .as("no user:password")
                    .isEqualTo(Decision.TOKEN_MISSING);
            assertThat(decide(TOKEN, "/workflows", client, "Basic " + basic("hawtio:s3cret")))
                    .isEqualTo(Decision.ALLOW);
            assertThat(decide(TOKEN, "/workflows", client, "Basic " + basic(":s3cret")))
                    .isEqualTo(Decision.ALLOW);
            assertThat(decide(TOKEN, "/workflows", client, "Basic " + basic("s3cret:nope")))
                    .isEqualTo(Decision.TOKEN_WRONG);
            assertThat(decide(TOKEN, "/workflows", client, "Basic not-base64!")).isEqualTo(Decision.TOKEN_MISSING);
            assertThat(decide(TOKEN, "/workflows", client, "Digest s3cret")).isEqualTo(Decision.TOKEN_MISSING);
            assertThat(decide(TOKEN, "/workflows", client, "s3cret")).isEqualTo(Decision.TOKEN_MISSING);
            assertThat(decide(TOKEN, "/workflows", client, "Bearer s3cre")).isEqualTo(Decision.TOKEN_WRONG);
            assertThat(decide(TOKEN, "/workflows", client, "Bearer s3cret2")).isEqualTo(Decision.TOKEN_WRONG);
            assertThat(decide(TOKEN, "/workflows", client, "Bearer S3CRET")).isEqualTo(Decision.TOKEN_WRONG);
        }
    }

    @Test
    void withoutATokenAWebPageOfAnotherSiteOnThisMachineIsNotLetIn() {
        for (Browser local : List.of(
                new Browser("127.0.0.1:9876", null, null),
                new Browser("localhost:9876", null, "none"),
                new Browser("[::1]:9876", "http://localhost:9876", "same-origin"),
                new Browser(null, null, null))) {
            assertThat(decide(NO_TOKEN, "/dead-letters/requeue", "127.0.0.1", null, local))
                    .as("%s", local)
                    .isEqualTo(Decision.ALLOW);
        }
        for (Browser foreign : List.of(
                new Browser("localhost:9876", "https://evil.example", null),
                new Browser("localhost:9876", "null", null),
                new Browser("localhost:9876", null, "cross-site"),
                new Browser("localhost:9876", null, "same-site"),
                new Browser("rebound.evil.example:9876", null, null),
                new Browser("127.0.0.1.evil.example", null, null))) {
            assertThat(decide(NO_TOKEN, "/dead-letters/requeue", "127.0.0.1", null, foreign))
                    .as("%s", foreign)
                    .isEqualTo(Decision.CROSS_SITE);
        }
        // With a token there are no ambient credentials to abuse: the token decides.
        assertThat(decide(
                        TOKEN,
                        "/workflows",
                        "127.0.0.1",
                        "Bearer s3cret",
                        new Browser("x.example", "https://x.example", "cross-site")))
                .isEqualTo(Decision.ALLOW);
        // Health's status stays open whatever the browser says; its details are another site's page's no more.
        assertThat(decide(
                        NO_TOKEN,
                        "/observe/health",
                        "127.0.0.1",
                        null,
                        new Browser("x.example", "https://x.example", "cross-site")))
                .isEqualTo(Decision.STATUS_ONLY);
    }

    /** Health's details (exposureLevel=full, data=true) go to whoever may use the rest of the port, and to no one else. */
    @Test
    void healthsDetailsNeedWhatTheRestNeeds() {
        for (String path : List.of("/observe/health", "/observe/health/live", "/observe/health/ready")) {
            assertThat(decide(NO_TOKEN, path, "127.0.0.1", null)).as(path).isEqualTo(Decision.ALLOW);
            assertThat(decide(NO_TOKEN, path, "::1", null)).as(path).isEqualTo(Decision.ALLOW);
            assertThat(decide(TOKEN, path, "10.0.0.7", "Bearer s3cret"))
                    .as(path)
                    .isEqualTo(Decision.ALLOW);
        }
    }

    @Test
    void onlyTheThreeHealthEndpointsAnswerTheirStatus() {
        assertThat(TOKEN.probe("/observe/health")).isEqualTo(ManagementAccessPolicy.Probe.ALL);
        assertThat(TOKEN.probe("/observe/health/live")).isEqualTo(ManagementAccessPolicy.Probe.LIVENESS);
        assertThat(TOKEN.probe("/observe/health/ready/")).isEqualTo(ManagementAccessPolicy.Probe.READINESS);
        assertThat(TOKEN.probe("/observe/health/werken-broker")).isNull();
        assertThat(TOKEN.probe("/observe/healthy")).isNull();
        assertThat(TOKEN.probe(null)).isNull();
    }

    /** A browser on this port's own page: Host, Origin and Sec-Fetch-Site as Chromium sends them for a fetch. */
    private static final Browser OWN_PAGE = new Browser("127.0.0.1:9876", "http://127.0.0.1:9876", "same-origin");

    private static Request request(
            String method, String path, String authorization, Browser browser, String cookie, String csrf) {
        return new Request(method, path, "127.0.0.1", authorization, browser, cookie, csrf);
    }

    @Test
    void aValidSessionCookieGrantsAccessLikeTheToken() {
        ConsoleSessions sessions = new ConsoleSessions();
        ManagementAccessPolicy policy = policy("s3cret", sessions);
        ConsoleSessions.Session session = sessions.create();

        for (String client : List.of("127.0.0.1", "10.0.0.7")) {
            assertThat(policy.decide(new Request("GET", "/workflows", client, null, OWN_PAGE, session.id(), null)))
                    .isEqualTo(Decision.ALLOW);
            assertThat(policy.decide(new Request("GET", "/observe/health", client, null, OWN_PAGE, session.id(), null)))
                    .as("health's details")
                    .isEqualTo(Decision.ALLOW);
        }
        assertThat(policy.decide(request("GET", "/workflows", null, OWN_PAGE, "not-a-session", null)))
                .isEqualTo(Decision.TOKEN_MISSING);
        assertThat(policy.decide(request(
                        "GET", "/workflows", null, OWN_PAGE, sessions.create().csrfToken(), null)))
                .as("a CSRF token is no session id")
                .isEqualTo(Decision.TOKEN_MISSING);
        sessions.remove(session.id());
        assertThat(policy.decide(request("GET", "/workflows", null, OWN_PAGE, session.id(), null)))
                .as("signed out")
                .isEqualTo(Decision.TOKEN_MISSING);
        // Another policy's sessions (another Werken) are not this one's.
        assertThat(TOKEN.decide(request(
                        "GET", "/workflows", null, OWN_PAGE, sessions.create().id(), null)))
                .isEqualTo(Decision.TOKEN_MISSING);
    }

    @Test
    void aStateChangingRequestWithTheCookieNeedsItsSessionsCsrfTokenAndItsOwnOrigin() {
        ConsoleSessions sessions = new ConsoleSessions();
        ManagementAccessPolicy policy = policy("s3cret", sessions);
        ConsoleSessions.Session session = sessions.create();
        String csrf = session.csrfToken();

        for (String method : List.of("POST", "PUT", "PATCH", "DELETE", "post", "PROPPATCH")) {
            assertThat(policy.decide(request(method, "/dead-letters/requeue", null, OWN_PAGE, session.id(), csrf)))
                    .as(method)
                    .isEqualTo(Decision.ALLOW);
            assertThat(policy.decide(request(method, "/dead-letters/requeue", null, OWN_PAGE, session.id(), null)))
                    .as(method)
                    .isEqualTo(Decision.CSRF_INVALID);
        }
        assertThat(policy.decide(request("POST", "/workflows/reload", null, OWN_PAGE, session.id(), csrf + "x")))
                .isEqualTo(Decision.CSRF_INVALID);
        assertThat(policy.decide(request("POST", "/workflows/reload", null, OWN_PAGE, session.id(), session.id())))
                .isEqualTo(Decision.CSRF_INVALID);
        assertThat(policy.decide(request(
                        "POST",
                        "/workflows/reload",
                        null,
                        OWN_PAGE,
                        session.id(),
                        sessions.create().csrfToken())))
                .as("another session's token")
                .isEqualTo(Decision.CSRF_INVALID);
        // Without Origin or Sec-Fetch-Site, the cookie alone asks for the token.
        assertThat(policy.decide(request("POST", "/workflows/reload", null, Browser.NONE, session.id(), null)))
                .isEqualTo(Decision.CSRF_INVALID);
        assertThat(policy.decide(request("POST", "/workflows/reload", null, Browser.NONE, session.id(), csrf)))
                .isEqualTo(Decision.ALLOW);
        // Another origin, even with the right token (a page that read it somehow), or a cross-site fetch.
        for (Browser foreign : List.of(
                new Browser("127.0.0.1:9876", "https://evil.example", "cross-site"),
                new Browser("127.0.0.1:9876", "https://evil.example", null),
                new Browser("127.0.0.1:9876", "http://127.0.0.1:9877", "same-site"),
                new Browser("127.0.0.1:9876", "http://localhost:9876", null),
                new Browser("127.0.0.1:9876", "null", null),
                new Browser("127.0.0.1:9876", "http://127.0.0.1:9876", "same-site"),
                new Browser("127.0.0.1:9876", null, "cross-site"),
                new Browser(null, "http://127.0.0.1:9876", null))) {
            assertThat(policy.decide(request("POST", "/dead-letters/requeue", null, foreign, session.id(), csrf)))
                    .as("%s", foreign)
                    .isEqualTo(Decision.CSRF_INVALID);
        }
        assertThat(policy.decide(request(
                        "POST",
                        "/dead-letters/requeue",
                        null,
                        new Browser("LOCALHOST:9876", "http://localhost:9876", "same-origin"),
                        session.id(),
                        csrf)))
                .isEqualTo(Decision.ALLOW);
        // Reading needs no CSRF token.
        for (String method : List.of("GET", "HEAD", "OPTIONS")) {
            assertThat(policy.decide(request(
                            method,
                            "/dead-letters",
                            null,
                            new Browser("127.0.0.1:9876", "https://evil.example", "cross-site"),
                            session.id(),
                            null)))
                    .as(method)
                    .isEqualTo(Decision.ALLOW);
        }
    }

    @Test
    void scriptsWithTheTokenAndNoCookieAreNotAskedForACsrfToken() {
        ConsoleSessions sessions = new ConsoleSessions();
        ManagementAccessPolicy policy = policy("s3cret", sessions);

        assertThat(policy.decide(request("POST", "/dead-letters/requeue", "Bearer s3cret", Browser.NONE, null, null)))
                .isEqualTo(Decision.ALLOW);
        assertThat(policy.decide(request(
                        "POST", "/dead-letters/requeue", "Basic " + basic("hawtio:s3cret"), Browser.NONE, null, null)))
                .isEqualTo(Decision.ALLOW);
        // A page that holds the token itself sends it explicitly: no ambient credential, nothing to forge.
        assertThat(policy.decide(request(
                        "POST",
                        "/dead-letters/requeue",
                        "Bearer s3cret",
                        new Browser("127.0.0.1:9876", "https://tools.example", "cross-site"),
                        null,
                        null)))
                .isEqualTo(Decision.ALLOW);
        // Basic, which a browser may send by itself, and a cookie, are ambient: checked.
        assertThat(policy.decide(request(
                        "POST",
                        "/dead-letters/requeue",
                        "Basic " + basic("hawtio:s3cret"),
                        new Browser("127.0.0.1:9876", "https://evil.example", "cross-site"),
                        null,
                        null)))
                .isEqualTo(Decision.CSRF_INVALID);
        assertThat(policy.decide(request(
                        "POST",
                        "/dead-letters/requeue",
                        "Bearer s3cret",
                        OWN_PAGE,
                        sessions.create().id(),
                        null)))
                .isEqualTo(Decision.CSRF_INVALID);
        assertThat(policy.decide(request(
                        "POST", "/dead-letters/requeue", "Bearer s3cret", Browser.NONE, "expired-or-foreign", null)))
                .isEqualTo(Decision.CSRF_INVALID);
        // A wrong token is refused as before, whatever else the request carries.
        assertThat(policy.decide(request("POST", "/dead-letters/requeue", "Bearer nope", OWN_PAGE, null, null)))
                .isEqualTo(Decision.TOKEN_WRONG);
        assertThat(policy.decide(request("POST", "/dead-letters/requeue", null, Browser.NONE, null, null)))
                .isEqualTo(Decision.TOKEN_MISSING);
    }

    @Test
    void withoutATokenALocalBrowsersStateChangingRequestsNeedTheCsrfTokenToo() {
        ConsoleSessions sessions = new ConsoleSessions();
        ManagementAccessPolicy policy = policy(null, sessions);
        ConsoleSessions.Session session = sessions.create();

        // curl and scripts on this machine: as before.
        assertThat(policy.decide(request("POST", "/dead-letters/requeue", null, Browser.NONE, null, null)))
                .isEqualTo(Decision.ALLOW);
        assertThat(policy.decide(request(
                        "POST", "/dead-letters/requeue", null, new Browser("127.0.0.1:9876", null, null), null, null)))
                .isEqualTo(Decision.ALLOW);
        // The console's own page: its session's token, or no.
        assertThat(policy.decide(request("POST", "/dead-letters/requeue", null, OWN_PAGE, null, null)))
                .isEqualTo(Decision.CSRF_INVALID);
        assertThat(policy.decide(request("POST", "/dead-letters/requeue", null, OWN_PAGE, session.id(), null)))
                .isEqualTo(Decision.CSRF_INVALID);
        assertThat(policy.decide(
                        request("POST", "/dead-letters/requeue", null, OWN_PAGE, session.id(), session.csrfToken())))
                .isEqualTo(Decision.ALLOW);
        assertThat(policy.decide(request(
                        "POST",
                        "/dead-letters/requeue",
                        null,
                        new Browser("127.0.0.1:9876", null, "same-origin"),
                        null,
                        null)))
                .isEqualTo(Decision.CSRF_INVALID);
        // Another local site's page (another port): its origin is this machine, but not this port.
        assertThat(policy.decide(request(
                        "POST",
                        "/dead-letters/requeue",
                        null,
                        new Browser("127.0.0.1:9876", "http://localhost:3000", "same-site"),
                        session.id(),
                        session.csrfToken())))
                .isEqualTo(Decision.CROSS_SITE);
        assertThat(policy.decide(request(
                        "POST",
                        "/dead-letters/requeue",
                        null,
                        new Browser("127.0.0.1:9876", "http://localhost:3000", null),
                        session.id(),
                        session.csrfToken())))
                .isEqualTo(Decision.CSRF_INVALID);
        // Remote clients: no session lets them in.
        assertThat(policy.decide(new Request(
                        "POST",
                        "/dead-letters/requeue",
                        "10.0.0.7",
                        null,
                        OWN_PAGE,
                        session.id(),
                        session.csrfToken())))
                .isEqualTo(Decision.NOT_LOOPBACK);
        assertThat(policy.decide(new Request("GET", "/console/session", "10.0.0.7", null, Browser.NONE, null, null)))
                .isEqualTo(Decision.NOT_LOOPBACK);
        assertThat(policy.decide(new Request("GET", "/console/", "10.0.0.7", null, Browser.NONE, null, null)))
                .isEqualTo(Decision.NOT_LOOPBACK);
    }

    @Test
    void withATokenTheConsolesFilesAndSignInAreOpenAndTheSignInChecksTheOrigin() {
        ConsoleSessions sessions = new ConsoleSessions();
        ManagementAccessPolicy policy = policy("s3cret", sessions);

        for (String path : List.of(
                "/console",
                "/console/",
                "/console/signin",
                "/console/app.js",
                "/console/vendor/uplot/uPlot.esm.js",
                "/console/session",
                "/console/nothing")) {
            assertThat(policy.decide(new Request("GET", path, "10.0.0.7", null, Browser.NONE, null, null)))
                    .as(path)
                    .isEqualTo(Decision.ALLOW);
        }
        assertThat(policy.decide(new Request(
                        "POST",
                        "/console/session",
                        "10.0.0.7",
                        null,
                        new Browser("werken.example:9876", "http://werken.example:9876", "same-origin"),
                        null,
                        null)))
                .isEqualTo(Decision.ALLOW);
        assertThat(policy.decide(new Request(
                        "POST",
                        "/console/session",
                        "10.0.0.7",
                        null,
                        new Browser("werken.example:9876", "https://werken.example:9876", "same-origin"),
                        null,
                        null)))
                .as("TLS ended by a proxy in front")
                .isEqualTo(Decision.ALLOW);
        assertThat(policy.decide(new Request("POST", "/console/session", "10.0.0.7", null, Browser.NONE, null, null)))
                .as("a script signing in")
                .isEqualTo(Decision.ALLOW);
        assertThat(policy.decide(new Request(
                        "POST",
                        "/console/session",
                        "10.0.0.7",
                        null,
                        new Browser("werken.example:9876", "https://evil.example", "cross-site"),
                        null,
                        null)))
                .isEqualTo(Decision.CSRF_INVALID);
        // Signing out, or anything but reading and the sign-in under /console, is guarded like the rest.
        assertThat(policy.decide(new Request("DELETE", "/console/session", "10.0.0.7", null, OWN_PAGE, null, null)))
                .isEqualTo(Decision.TOKEN_MISSING);
        ConsoleSessions.Session session = sessions.create();
        assertThat(policy.decide(
                        new Request("DELETE", "/console/session", "10.0.0.7", null, OWN_PAGE, session.id(), null)))
                .isEqualTo(Decision.CSRF_INVALID);
        assertThat(policy.decide(new Request(
                        "DELETE", "/console/session", "10.0.0.7", null, OWN_PAGE, session.id(), session.csrfToken())))
                .isEqualTo(Decision.ALLOW);
        assertThat(policy.decide(new Request("POST", "/console/app.js", "10.0.0.7", null, Browser.NONE, null, null)))
                .isEqualTo(Decision.TOKEN_MISSING);
        assertThat(policy.decide(new Request("GET", "/consoles", "10.0.0.7", null, Browser.NONE, null, null)))
                .isEqualTo(Decision.TOKEN_MISSING);
    }

    @Test
    void theSignInsTokenIsComparedAsTheBearerTokenIs() {
        assertThat(TOKEN.isAdminToken("s3cret")).isTrue();
        assertThat(TOKEN.isAdminToken(" s3cret ")).isTrue();
        assertThat(TOKEN.isAdminToken("s3cre")).isFalse();
        assertThat(TOKEN.isAdminToken("")).isFalse();
        assertThat(TOKEN.isAdminToken(null)).isFalse();
        assertThat(NO_TOKEN.isAdminToken("")).isFalse();
        assertThat(NO_TOKEN.isAdminToken("anything")).isFalse();
    }

    @Test
    void everyMethodButTheSafeOnesChangesState() {
        for (String method : List.of("GET", "HEAD", "OPTIONS", "get")) {
            assertThat(ManagementAccessPolicy.changesState(method)).as(method).isFalse();
        }
        for (String method : List.of("POST", "PUT", "PATCH", "DELETE", "TRACE", "MKCOL")) {
            assertThat(ManagementAccessPolicy.changesState(method)).as(method).isTrue();
        }
        assertThat(ManagementAccessPolicy.sameOrigin("http://127.0.0.1:9876", "127.0.0.1:9876"))
                .isTrue();
        assertThat(ManagementAccessPolicy.sameOrigin("http://[::1]:9876", "[::1]:9876"))
                .isTrue();
        assertThat(ManagementAccessPolicy.sameOrigin("http://127.0.0.1:98760", "127.0.0.1:9876"))
                .isFalse();
        assertThat(ManagementAccessPolicy.sameOrigin("http://127.0.0.1", "127.0.0.1:9876"))
                .isFalse();
        assertThat(ManagementAccessPolicy.sameOrigin("127.0.0.1:9876", "127.0.0.1:9876"))
                .isFalse();
        assertThat(ManagementAccessPolicy.sameOrigin("http://127.0.0.1:9876", null))
                .isFalse();
    }

    private static ManagementAccessPolicy policy(String token, ConsoleSessions sessions) {
        return new ManagementAccessPolicy(token, HEALTH, OPEN, sessions);
    }

    private static String basic(String userAndPassword) {
        return Base64.getEncoder().encodeToString(userAndPassword.getBytes(StandardCharsets.UTF_8));
    }
}
