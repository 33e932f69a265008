package io.werken.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The web console's access on a running Werken: its files with their security headers and nothing outside them, the
 * sign-in with the admin token and its cookie, the CSRF token that state-changing requests need with the cookie or from
 * a browser, sign-out, and, without a token, the loopback rule plus the CSRF token.
 */
class ConsoleAccessIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "it-console-token-" + Long.toHexString(System.nanoTime());
    private static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    private static final String COOKIE = "werken_session=([A-Za-z0-9_-]{43}); Path=/; HttpOnly; SameSite=Strict";

    private static RunningWerken werken;

    @BeforeAll
    static void start() throws Exception {
        werken = RunningWerken.start(
                Map.of("werken.management.admin-token", TOKEN, "camel.main.name", "werken-console"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (werken != null) {
            werken.close();
        }
    }

    @Test
    void theConsolesFilesComeWithTheirSecurityHeadersAndTypes() throws Exception {
        // No credential: the sign-in page must load before there is a session.
        HttpResponse<String> page = send(werken, request(werken, "/console/"));
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(page.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(page.body()).startsWithIgnoringCase("<!doctype html>");
        assertSecurityHeaders(page);
        HttpResponse<String> signIn = send(werken, request(werken, "/console/signin"));
        assertThat(signIn.statusCode()).isEqualTo(200);
        assertThat(signIn.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertSecurityHeaders(signIn);

        HttpResponse<String> script = send(werken, request(werken, "/console/app.js"));
        assertThat(script.statusCode()).isEqualTo(200);
        assertThat(script.headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
        assertThat(script.headers().firstValue("Cache-Control")).hasValue("no-cache");
        assertSecurityHeaders(script);
        String etag = script.headers().firstValue("ETag").orElseThrow();
        HttpResponse<String> unchanged =
                send(werken, request(werken, "/console/app.js").header("If-None-Match", etag));
        assertThat(unchanged.statusCode()).isEqualTo(304);
        assertThat(unchanged.body()).isEmpty();
        assertSecurityHeaders(unchanged);
        HttpResponse<String> head =
                send(werken, request(werken, "/console/app.js").method("HEAD", HttpRequest.BodyPublishers.noBody()));
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(head.headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
        HttpResponse<String> style = send(werken, request(werken, "/console/style.css"));
        assertThat(style.headers().firstValue("Content-Type")).hasValue("text/css; charset=utf-8");
        assertSecurityHeaders(style);

        // uPlot, from its WebJar in the jar.
        HttpResponse<String> uplot = send(werken, request(werken, "/console/vendor/uplot/uPlot.esm.js"));
        assertThat(uplot.statusCode()).isEqualTo(200);
        assertThat(uplot.headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
        assertThat(uplot.body()).contains("export { uPlot as default }");
        assertSecurityHeaders(uplot);
        HttpResponse<String> uplotCss = send(werken, request(werken, "/console/vendor/uplot/uPlot.min.css"));
        assertThat(uplotCss.statusCode()).isEqualTo(200);
        assertThat(uplotCss.headers().firstValue("Content-Type")).hasValue("text/css; charset=utf-8");

        HttpResponse<String> bare = send(werken, request(werken, "/console"));
        assertThat(bare.statusCode()).isEqualTo(301);
        assertThat(bare.headers().firstValue("Location")).hasValue("/console/");

        HttpResponse<String> missing = send(werken, request(werken, "/console/nothing.js"));
        assertProblem(missing, 404, "not-found");
        assertSecurityHeaders(missing);
        // The guard's refusals under /console carry the headers too.
        HttpResponse<String> refused =
                send(werken, request(werken, "/console/session").DELETE());
        assertProblem(refused, 401, "admin-token-required");
        assertSecurityHeaders(refused);
        assertProblem(
                send(werken, request(werken, "/console/app.js").POST(HttpRequest.BodyPublishers.noBody())),
                401,
                "admin-token-required");
        assertProblem(
                send(
                        werken,
                        request(werken, "/console/app.js")
                                .header("Authorization", "Bearer " + TOKEN)
                                .POST(HttpRequest.BodyPublishers.noBody())),
                405,
                "method-not-allowed");
    }

    @Test
    void noPathLeavesTheConsolesFilesAndNoFolderIsListed() throws Exception {
        for (String path : List.of(
                "/console/../application.properties",
                "/console/%2e%2e/application.properties",
                "/console/%2E%2E/workflows.json",
                "/console/..%2fapplication.properties",
                "/console/%2e%2e%2fapplication.properties",
                "/console/..%5capplication.properties",
                "/console/%252e%252e/application.properties",
                "/console/vendor/uplot/..%2f..%2f..%2f..%2f..%2fapplication.properties",
                "/console/vendor/uplot/../../../../../../application.properties",
                "/console/./../workflows.json",
                "/console/.%2e/workflows.json",
                "/console/application.properties",
                "/console/workflows.json",
                "/console/log4j2.properties",
                "/console/META-INF/MANIFEST.MF",
                "/console/io/werken/WerkenApplication.class",
                "/console/vendor/",
                "/console/vendor/uplot/",
                "/console/vendor/uplot",
                "/console/vendor/uplot/package.json",
                "/console/app.js%00.html")) {
            // With the token: nothing but the console's own rules stands in the way.
            HttpResponse<String> answer =
                    send(werken, request(werken, path).header("Authorization", "Bearer " + TOKEN));
            assertThat(answer.statusCode()).as("%s %s", path, answer.body()).isEqualTo(404);
            assertThat(answer.body()).as(path).doesNotContain("camel.", "werken.", "mi-workflow", "Manifest", "uplot.");
        }
    }

    @Test
    void signingInTakesTheAdminTokenAndSetsAStrictHttpOnlyCookie() throws Exception {
        HttpResponse<String> wrong = signIn(werken, "{\"token\":\"" + TOKEN + "x\"}", null);
        assertProblem(wrong, 401, "admin-token-required");
        assertThat(wrong.headers().allValues("Set-Cookie")).isEmpty();
        assertThat(wrong.body()).doesNotContain(TOKEN);
        assertProblem(signIn(werken, "{}", null), 401, "admin-token-required");
        assertProblem(signIn(werken, "{\"token\":42}", null), 401, "admin-token-required");
        assertProblem(signIn(werken, "not json", null), 400, "invalid-json");
        assertProblem(
                send(
                        werken,
                        request(werken, "/console/session")
                                .header("Content-Type", "text/plain")
                                .POST(HttpRequest.BodyPublishers.ofString("{\"token\":\"" + TOKEN + "\"}"))),
                415,
                "unsupported-media-type");
        // The right token from another site's page: it would sign the browser into the attacker's choice of session.
        assertProblem(
                signIn(werken, "{\"token\":\"" + TOKEN + "\"}", "https://evil.example"), 403, "csrf-token-invalid");

        HttpResponse<String> anonymous = send(werken, request(werken, "/console/session"));
        assertThat(anonymous.statusCode()).isEqualTo(200);
        assertThat(anonymous.headers().allValues("Set-Cookie")).isEmpty();
        assertThat(JSON.readTree(anonymous.body()).toString())
                .isEqualTo("{\"signed_in\":false,\"token_required\":true,\"csrf_token\":null}");
        assertSecurityHeaders(anonymous);

        HttpResponse<String> right = signIn(werken, "{\"token\":\"" + TOKEN + "\"}", origin(werken));
        assertThat(right.statusCode()).as(right.body()).isEqualTo(200);
        List<String> cookies = right.headers().allValues("Set-Cookie");
        assertThat(cookies).hasSize(1);
        assertThat(cookies.get(0)).matches(COOKIE).doesNotContain("Secure", "Max-Age", "Expires", "Domain");
        String csrf = JSON.readTree(right.body()).get("csrf_token").asText();
        assertThat(csrf).matches("[A-Za-z0-9_-]{43}");
        assertThat(right.body()).doesNotContain(TOKEN, sessionId(right));

        String cookie = "werken_session=" + sessionId(right);
        JsonNode session =
                JSON.readTree(send(werken, request(werken, "/console/session").header("Cookie", cookie))
                        .body());
        assertThat(session.get("signed_in").asBoolean()).isTrue();
        assertThat(session.get("token_required").asBoolean()).isTrue();
        assertThat(session.get("csrf_token").asText()).isEqualTo(csrf);
        // The cookie is a credential like the token; a forged one is not.
        assertThat(send(werken, request(werken, "/workflows").header("Cookie", cookie))
                        .statusCode())
                .isEqualTo(200);
        assertThat(send(
                                werken,
                                request(werken, "/observe/health?exposureLevel=full&data=true")
                                        .header("Cookie", cookie))
                        .body())
                .contains("\"checks\"");
        assertProblem(
                send(werken, request(werken, "/workflows").header("Cookie", "werken_session=" + csrf)),
                401,
                "admin-token-required");
    }

    @Test
    void aStateChangingRequestWithTheCookieNeedsItsCsrfTokenAndThisOrigin() throws Exception {
        HttpResponse<String> signedIn = signIn(werken, "{\"token\":\"" + TOKEN + "\"}", origin(werken));
        String cookie = "werken_session=" + sessionId(signedIn);
        String csrf = JSON.readTree(signedIn.body()).get("csrf_token").asText();

        HttpResponse<String> noToken =
                send(werken, reload(werken).header("Cookie", cookie).header("Origin", origin(werken)));
        assertProblem(noToken, 403, "csrf-token-invalid");
        assertThat(JSON.readTree(noToken.body()).get("detail").asText()).contains("X-CSRF-Token");
        assertProblem(send(werken, reload(werken).header("Cookie", cookie)), 403, "csrf-token-invalid");
        assertProblem(
                send(werken, reload(werken).header("Cookie", cookie).header("X-CSRF-Token", csrf + "x")),
                403,
                "csrf-token-invalid");
        assertProblem(
                send(
                        werken,
                        reload(werken)
                                .header("Cookie", cookie)
                                .header("X-CSRF-Token", csrf)
                                .header("Origin", "https://evil.example")),
                403,
                "csrf-token-invalid");
        assertProblem(
                send(
                        werken,
                        reload(werken)
                                .header("Cookie", cookie)
                                .header("X-CSRF-Token", csrf)
                                .header("Origin", "http://127.0.0.1:" + werken.httpPort)),
                403,
                "csrf-token-invalid");
        assertProblem(
                send(
                        werken,
                        reload(werken)
                                .header("Cookie", cookie)
                                .header("X-CSRF-Token", csrf)
                                .header("Sec-Fetch-Site", "cross-site")),
                403,
                "csrf-token-invalid");
        // Even the token does not lift the check off a request that carries the cookie.
        assertProblem(
                send(werken, reload(werken).header("Cookie", cookie).header("Authorization", "Bearer " + TOKEN)),
                403,
                "csrf-token-invalid");

        HttpResponse<String> allowed = send(
                werken,
                reload(werken)
                        .header("Cookie", cookie)
                        .header("X-CSRF-Token", csrf)
                        .header("Origin", origin(werken))
                        .header("Sec-Fetch-Site", "same-origin"));
        assertThat(allowed.statusCode()).as(allowed.body()).isEqualTo(200);
        assertThat(JSON.readTree(allowed.body()).get("outcome").asText()).isEqualTo("unchanged");
        HttpResponse<String> withoutOrigin =
                send(werken, reload(werken).header("Cookie", cookie).header("X-CSRF-Token", csrf));
        assertThat(withoutOrigin.statusCode()).as(withoutOrigin.body()).isEqualTo(200);
        // A script with the token and no cookie, as before.
        HttpResponse<String> script = send(werken, reload(werken).header("Authorization", "Bearer " + TOKEN));
        assertThat(script.statusCode()).as(script.body()).isEqualTo(200);
    }

    @Test
    void signingOutEndsTheSession() throws Exception {
        HttpResponse<String> signedIn = signIn(werken, "{\"token\":\"" + TOKEN + "\"}", null);
        String cookie = "werken_session=" + sessionId(signedIn);
        String csrf = JSON.readTree(signedIn.body()).get("csrf_token").asText();
        assertThat(send(werken, request(werken, "/workflows").header("Cookie", cookie))
                        .statusCode())
                .isEqualTo(200);

        assertProblem(
                send(
                        werken,
                        request(werken, "/console/session")
                                .header("Cookie", cookie)
                                .DELETE()),
                403,
                "csrf-token-invalid");
        HttpResponse<String> out = send(
                werken,
                request(werken, "/console/session")
                        .header("Cookie", cookie)
                        .header("X-CSRF-Token", csrf)
                        .header("Origin", origin(werken))
                        .DELETE());
        assertThat(out.statusCode()).as(out.body()).isEqualTo(204);
        assertThat(out.headers().allValues("Set-Cookie"))
                .containsExactly("werken_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");

        assertProblem(
                send(werken, request(werken, "/workflows").header("Cookie", cookie)), 401, "admin-token-required");
        assertThat(JSON.readTree(
                                send(werken, request(werken, "/console/session").header("Cookie", cookie))
                                        .body())
                        .get("signed_in")
                        .asBoolean())
                .isFalse();
        assertProblem(
                send(werken, reload(werken).header("Cookie", cookie).header("X-CSRF-Token", csrf)),
                401,
                "admin-token-required");
    }

    @Test
    void withoutATokenLoopbackBrowsersGetASessionAndStillNeedTheCsrfToken() throws Exception {
        try (RunningWerken open = RunningWerken.start(Map.of("camel.main.name", "werken-console-open"))) {
            HttpResponse<String> page = send(open, request(open, "/console/"));
            assertThat(page.statusCode()).isEqualTo(200);
            assertSecurityHeaders(page);

            HttpResponse<String> session = send(
                    open,
                    request(open, "/console/session")
                            .header("Origin", origin(open))
                            .header("Sec-Fetch-Site", "same-origin"));
            assertThat(session.statusCode()).as(session.body()).isEqualTo(200);
            assertThat(session.headers().allValues("Set-Cookie"))
                    .singleElement()
                    .asString()
                    .matches(COOKIE);
            JsonNode answer = JSON.readTree(session.body());
            assertThat(answer.get("signed_in").asBoolean()).isTrue();
            assertThat(answer.get("token_required").asBoolean()).isFalse();
            String csrf = answer.get("csrf_token").asText();
            String cookie = "werken_session=" + sessionId(session);
            // The same session the next time, not a new one.
            HttpResponse<String> again =
                    send(open, request(open, "/console/session").header("Cookie", cookie));
            assertThat(again.headers().allValues("Set-Cookie")).isEmpty();
            assertThat(JSON.readTree(again.body()).get("csrf_token").asText()).isEqualTo(csrf);

            // A browser on this port's own page: the loopback rule lets it in, the CSRF token is still needed.
            assertProblem(send(open, reload(open).header("Origin", origin(open))), 403, "csrf-token-invalid");
            assertProblem(
                    send(open, reload(open).header("Origin", origin(open)).header("Cookie", cookie)),
                    403,
                    "csrf-token-invalid");
            assertProblem(send(open, reload(open).header("Sec-Fetch-Site", "same-origin")), 403, "csrf-token-invalid");
            HttpResponse<String> allowed = send(
                    open,
                    reload(open)
                            .header("Origin", origin(open))
                            .header("Cookie", cookie)
                            .header("X-CSRF-Token", csrf));
            assertThat(allowed.statusCode()).as(allowed.body()).isEqualTo(200);
            // Another site's page on this machine: refused before any token counts.
            assertProblem(
                    send(
                            open,
                            reload(open)
                                    .header("Origin", "https://evil.example")
                                    .header("Cookie", cookie)
                                    .header("X-CSRF-Token", csrf)),
                    403,
                    "loopback-only");
            // curl and scripts: as before.
            HttpResponse<String> curl = send(open, reload(open));
            assertThat(curl.statusCode()).as(curl.body()).isEqualTo(200);
        }
    }

    private static void assertSecurityHeaders(HttpResponse<String> response) {
        assertThat(response.headers().firstValue("Content-Security-Policy"))
                .as(response.uri().toString())
                .hasValue(CSP);
        assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(response.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
        assertThat(response.headers().firstValue("X-Frame-Options")).hasValue("DENY");
    }

    private static void assertProblem(HttpResponse<String> response, int status, String type) throws Exception {
        assertThat(response.statusCode())
                .as("%s %s", response.uri(), response.body())
                .isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(JSON.readTree(response.body()).get("type").asText()).isEqualTo("urn:werken:problem:" + type);
    }

    private static HttpResponse<String> signIn(RunningWerken target, String body, String origin) throws Exception {
        HttpRequest.Builder request = request(target, "/console/session")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (origin != null) {
            request.header("Origin", origin)
                    .header("Sec-Fetch-Site", origin.equals(origin(target)) ? "same-origin" : "cross-site");
        }
        return send(target, request);
    }

    private static String sessionId(HttpResponse<String> response) {
        String cookie = response.headers().firstValue("Set-Cookie").orElseThrow();
        return cookie.replaceFirst(COOKIE, "$1");
    }

    private static HttpRequest.Builder reload(RunningWerken target) {
        return request(target, "/workflows/reload").POST(HttpRequest.BodyPublishers.noBody());
    }

    private static HttpRequest.Builder request(RunningWerken target, String path) {
        return HttpRequest.newBuilder(URI.create(origin(target) + path));
    }

    private static String origin(RunningWerken target) {
        return "http://127.0.0.1:" + target.managementPort;
    }

    private static HttpResponse<String> send(RunningWerken target, HttpRequest.Builder request) throws Exception {
        return target.send(request);
    }
}
