package io.werken.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AMQP;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * The console at {@code /console/} in a real Chromium, against a running Werken with an admin token: each test does a
 * page's main task as a person would (sign in; find an event with CEL, open it, replay it; requeue a dead letter; try
 * a draft in the playground; read the refusals), then checks that the page kept to itself (no dialog, no request to
 * anywhere but the management port, nothing logged as an error) and saves a screenshot of it under
 * {@code target/console-screenshots/}. A hostile payload is shown as text; state-changing requests without the
 * session's CSRF token, or from another origin, are refused.
 *
 * <p>Pages are driven by their {@code data-test} attributes (the front end's list of them is the contract). A failed
 * test leaves {@code <test>-failed.png} and {@code .txt} (the page's text) beside the screenshots.
 */
class ConsoleIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String TOKEN = "console-it-token";
    private static final String SESSION_COOKIE = "werken_session";

    @TempDir
    static Path dir;

    static RunningWerken werken;
    static Broker broker;
    static String origin;

    @BeforeAll
    static void start() throws Exception {
        Path workflows = dir.resolve("workflows.json");
        Files.writeString(workflows, """
                {
                  "shop": {
                    "headers": ["x-shop-note"],
                    "actions": [
                      {"type": "notify", "params": {"to": "{{ payload.customer }}", "note": "v1"}},
                      {"type": "big_order", "when": "payload.total > 100", "params": {"total": "{{ payload.total }}"}}
                    ]
                  }
                }
                """);
        broker = new Broker();
        werken = RunningWerken.start(
                Map.of("werken.workflows", workflows.toString(), "werken.management.admin-token", TOKEN));
        origin = "http://127.0.0.1:" + werken.managementPort;
    }

    @AfterAll
    static void stop() throws Exception {
        if (werken != null) {
            werken.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void signsInWithTheAdminTokenAndOut() throws Exception {
        Browser browser = started();
        // The console asks for the token first.
        browser.open(origin + "/console/");
        WebElement token = browser.waitForTest("signin-token");
        browser.screenshot("signin");
        assertNotSignedIn(browser);

        // A wrong token: refused and said so, still on the sign-in page.
        token.sendKeys("not-the-token");
        browser.waitForTest("signin-button").click();
        browser.waitUntil(d -> !browser.waitForTest("signin-message").getText().isBlank());
        assertThat(browser.consoleErrors()).anyMatch(e -> e.contains("401"));
        assertNotSignedIn(browser);

        WebElement again = browser.waitForTest("signin-token");
        again.clear();
        again.sendKeys(TOKEN);
        browser.waitForTest("signin-button").click();
        browser.waitForTest("signout");
        // The overview, filled from the management API with the session: the workflow is there.
        browser.waitForText("shop");
        browser.screenshot("overview");

        Cookie session = browser.cookie(SESSION_COOKIE);
        assertThat(session).isNotNull();
        assertThat(session.isHttpOnly()).isTrue();
        assertThat(session.getSameSite()).isEqualTo("Strict");
        assertThat(session.getPath()).isEqualTo("/");
        assertThat((String) browser.script("return document.cookie;")).doesNotContain(SESSION_COOKIE);
        assertThat(sessionOf(session.getValue()).get("signed_in").asBoolean()).isTrue();
        assertThat(managementWithCookie(session.getValue(), "/workflows").statusCode())
                .isEqualTo(200);

        browser.waitForTest("signout").click();
        browser.waitForTest("signin-token");
        browser.screenshot("signed-out");
        // Signed out on the server too: the old cookie opens nothing.
        assertThat(managementWithCookie(session.getValue(), "/workflows").statusCode())
                .isEqualTo(401);

        assertKeptToItself(browser);
        assertThat(browser.consoleErrors())
                .as("nothing but the wrong token's 401")
                .allMatch(e -> e.contains("401"));
    }

    @Test
    void findsAnEventByAPayloadFieldWithCelOpensItReplaysItAndSeesTheReplayArrive() throws Exception {
        String customer = "finder-" + shortId();
        String wanted = accept("{\"customer\":\"" + customer + "\",\"total\":250}");
        String other = accept("{\"customer\":\"other-" + shortId() + "\",\"total\":3}");
        journaled(wanted);
        journaled(other);

        Browser browser = signedIn();
        browser.open(origin + "/console/#/events");
        browser.waitFor(eventRow(other));
        browser.waitForTest("where-input").sendKeys("payload.customer == '" + customer + "'");
        browser.waitForTest("search-button").click();
        // The listing now holds the one event that matches.
        browser.waitUntil(d -> d.findElements(eventRow(other)).isEmpty()
                && !d.findElements(eventRow(wanted)).isEmpty());
        assertThat(browser.allByTest("event-row")).hasSize(1);
        browser.screenshot("events-where");

        browser.waitFor(eventLink(wanted)).click();
        browser.waitUntil(d -> d.getCurrentUrl().endsWith("#/events/" + wanted));
        assertThat(browser.waitForTest("event-id").getText()).contains(wanted);
        String payload = browser.waitUntil(
                d -> textOf(browser, "payload").contains(customer) ? textOf(browser, "payload") : null);
        assertThat(payload).contains("250");
        assertThat(browser.waitForTest("actions-table").getText())
                .contains("notify")
                .contains("big_order")
                .contains("published");
        browser.waitForTest("replays-none");
        browser.screenshot("event");

        browser.waitForTest("replay-current").click();
        browser.waitForTest("confirm-dialog");
        browser.screenshot("event-replay-confirm");
        browser.waitForTest("confirm-replay").click();
        // The replay is a new event, dispatched and journaled with replay_of set...
        String replay = await().atMost(WAIT)
                .until(() -> replaysOf(wanted), ids -> ids.size() == 1)
                .get(0);
        assertThat(browser.waitForTest("replay-result").getText()).contains(replay);
        // ...and the original's page, which reads itself again, lists it.
        browser.waitUntil(d -> textOf(browser, "replays-table").contains(replay));
        browser.screenshot("event-with-replay");

        // The replay's page says what it replays.
        browser.waitFor(By.cssSelector("[data-test=\"replays-table\"] a[href$=\"#/events/" + replay + "\"]"))
                .click();
        browser.waitUntil(d -> d.getCurrentUrl().endsWith("#/events/" + replay));
        browser.waitUntil(d -> textOf(browser, "replay-of-table").contains(wanted)
                || textOf(browser, "event-facts").contains(wanted));
        browser.waitForTest("replay-of-link");
        browser.screenshot("event-replay");

        assertKeptToItself(browser);
        assertThat(browser.consoleErrors()).isEmpty();
    }

    @Test
    void requeuesADeadLetter() throws Exception {
        String eventId = "ev-console-" + shortId();
        String reason = "the console test's dead letter " + shortId();
        broker.publish(
                werken.deadLetterQueue,
                deadLetter(eventId, reason),
                envelope(eventId, "{\"customer\":\"dl\",\"total\":1}"));

        Browser browser = signedIn();
        browser.open(origin + "/console/#/dead-letters");
        browser.waitUntil(d -> textOf(browser, "dl-table").contains(eventId));
        assertThat(textOf(browser, "dl-table")).contains(reason).contains("shop");
        assertThat(browser.waitForTest("dl-count").getText()).contains("1");
        browser.screenshot("dead-letters");

        WebElement count = browser.waitForTest("requeue-count");
        count.clear();
        count.sendKeys("1");
        browser.waitForTest("requeue-button").click();
        browser.waitForTest("confirm-dialog");
        browser.waitForTest("confirm-requeue").click();

        // Said on the page; back on received_webhooks, dispatched with its event id, journaled; off the listing.
        // Past "Re-queueing…", the page's text while the request runs.
        String requeued = browser.waitUntil(d -> {
            String shown = textOf(browser, "requeue-result");
            return shown.isBlank() || shown.startsWith("Re-queueing") ? null : shown;
        });
        assertThat(requeued).contains("Re-queued 1 to " + werken.receivedQueue);
        await().atMost(WAIT).until(() -> broker.depth(werken.deadLetterQueue) == 0);
        assertThat(journaled(eventId).get("event").get("outcome").asText()).isEqualTo("dispatched");
        browser.waitUntil(d -> !textOf(browser, "dl-results").contains(eventId));
        browser.screenshot("dead-letters-requeued");

        assertKeptToItself(browser);
        assertThat(browser.consoleErrors()).isEmpty();
    }

    @Test
    void triesADraftInThePlaygroundItsDryRunAndItsImpact() throws Exception {
        String customer = "pat-" + shortId();
        String stored = accept("{\"customer\":\"" + customer + "\",\"total\":500}");
        journaled(stored);
        String note = "v2-" + shortId();

        Browser browser = signedIn();
        browser.open(origin + "/console/#/playground/shop");
        browser.waitUntil(
                d -> valueOf(d.findElement(Browser.test("draft-editor"))).contains("notify"));
        WebElement editor = browser.waitForTest("draft-editor");

        // A draft with a condition that does not compile: its problem is shown, at its place, as it is typed.
        replaceText(editor, draft("payload.total >", note));
        browser.waitFor(By.cssSelector("[data-test=\"draft-problem\"][data-pointer=\"/actions/1/when\"]"));
        assertThat(browser.waitForTest("draft-status").getText()).containsIgnoringCase("invalid");
        assertThat(browser.allByTest("draft-editor-gutter").get(0).findElements(By.cssSelector(".bad")))
                .isNotEmpty();
        browser.screenshot("playground-problem");

        replaceText(editor, draft("payload.total > 100", note));
        browser.waitUntil(d -> browser.allByTest("draft-problem").isEmpty()
                && !textOf(browser, "draft-status")
                        .toLowerCase(java.util.Locale.ROOT)
                        .contains("invalid"));

        // The payload, taken from the stored event.
        browser.waitForTest("payload-event-id").sendKeys(stored);
        browser.waitForTest("payload-event-button").click();
        browser.waitUntil(
                d -> valueOf(d.findElement(Browser.test("payload-editor"))).contains(customer));

        browser.waitForTest("dry-run-button").click();
        String dryRun = browser.waitUntil(d -> {
            String shown = textOf(browser, "dry-run-result");
            return shown.contains(note) && shown.contains(customer) ? shown : null;
        });
        assertThat(dryRun).contains("notify").contains("big_order").contains("500");
        assertThat(textOf(browser, "dry-run-verdict")).isEqualTo("Dispatch would publish 2 action messages.");
        browser.screenshot("playground-dry-run", browser.waitForTest("dry-run-result"));

        browser.waitForTest("impact-button").click();
        // The stored event would change: listed (its id shortened, linked to its page) with the param before and after.
        browser.waitFor(By.cssSelector("[data-test=\"impact-result\"] a[href$=\"#/events/" + stored + "\"]"));
        String impact = textOf(browser, "impact-result");
        assertThat(impact).contains(stored.substring(0, 8)).contains("\"v1\"").contains("\"" + note + "\"");
        assertThat(browser.driver()
                        .findElements(By.cssSelector("[data-test=\"impact-change\"][data-kind=\"params_changed\"]")))
                .isNotEmpty();
        browser.screenshot("playground-impact", browser.waitForTest("impact-result"));

        assertKeptToItself(browser);
        assertThat(browser.consoleErrors()).isEmpty();
    }

    @Test
    void aRefusedRequestAppearsInRefusals() throws Exception {
        String flow = "no-such-flow-" + shortId();
        HttpResponse<String> notJson =
                werken.post("shop", "application/json", "{not json".getBytes(StandardCharsets.UTF_8));
        assertThat(notJson.statusCode()).isEqualTo(400);
        HttpResponse<String> unknown = werken.post(flow, "application/json", "{}".getBytes(StandardCharsets.UTF_8));
        assertThat(unknown.statusCode()).isEqualTo(404);

        Browser browser = signedIn();
        browser.open(origin + "/console/#/refusals");
        // The unknown workflow's refusal names it in its detail.
        String page = browser.waitUntil(
                d -> textOf(browser, "refusals-table").contains(flow) ? textOf(browser, "refusals-table") : null);
        assertThat(page)
                .contains("unknown-workflow")
                .contains("invalid-json")
                .contains("shop")
                .contains("127.0.0.1");
        browser.screenshot("refusals");

        assertKeptToItself(browser);
        assertThat(browser.consoleErrors()).isEmpty();
    }

    @Test
    void aHostilePayloadIsShownAsTextAndNothingOfItRuns() throws Exception {
        String script = "<script>alert(1)</script>";
        String image = "<img src=x onerror=alert(1)>";
        String link = "javascript:alert(1)";
        String bidi = "invoice\u202Efdp.exe";
        String zeroWidth = "pay\u200Bpal";
        JsonNode payload = JSON.createObjectNode()
                .put("customer", script)
                .put("total", 101)
                .put("image", image)
                .put("link", link)
                .put("homepage", link)
                .put("bidi", bidi)
                .put("zero_width", zeroWidth)
                .put("<img src=x onerror=alert(2)>", "a hostile key");
        HttpResponse<String> accepted = werken.send(HttpRequest.newBuilder(werken.webhookUri("shop"))
                .header("Content-Type", "application/json")
                .header("X-Shop-Note", "<svg onload=alert(3)>")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(payload))));
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        String eventId = JSON.readTree(accepted.body()).get("event_id").asText();
        journaled(eventId);
        // And a refusal whose workflow id is hostile too.
        HttpResponse<String> refused = werken.send(HttpRequest.newBuilder(
                        URI.create(werken.webhookUri("").toString()
                                + URLEncoder.encode("<img src=x onerror=alert(4)>\u202E", StandardCharsets.UTF_8)
                                        .replace("+", "%20")))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")));
        assertThat(refused.statusCode()).isEqualTo(404);

        Browser browser = signedIn();
        browser.open(origin + "/console/#/events");
        browser.waitFor(eventRow(eventId));
        assertInert(browser);
        browser.screenshot("hostile-events");

        browser.waitFor(eventLink(eventId)).click();
        String page = browser.waitForText(script);
        assertThat(page).contains(image).contains(link).contains("<svg onload=alert(3)>");
        assertThat(page)
                .as("bidi and zero-width characters are shown escaped, never as themselves")
                .doesNotContain("\u202E")
                .doesNotContain("\u200B")
                .containsIgnoringCase("invoice\\u202efdp.exe")
                .containsIgnoringCase("pay\\u200bpal");
        assertInert(browser);
        browser.screenshot("hostile-event");

        browser.open(origin + "/console/#/refusals");
        String refusals =
                browser.waitUntil(d -> textOf(browser, "refusals-table").contains("onerror=alert(4)")
                        ? textOf(browser, "refusals-table")
                        : null);
        assertThat(refusals).doesNotContain("\u202E").containsIgnoringCase("\\u202e");
        assertInert(browser);
        browser.screenshot("hostile-refusals");

        assertThat(browser.consoleErrors())
                .as("an injected script or handler would at least break the CSP")
                .isEmpty();
    }

    @Test
    void theConsoleBuildsNoAttributeThatLoadsRunsOrSendsSomething() {
        Browser browser = started();
        browser.open(origin + "/console/");
        browser.waitForTest("signin-token");
        List<String> refusable = List.of(
                "onerror",
                "ONCLICK",
                "style",
                "srcdoc",
                "formaction",
                "action",
                "src",
                "srcset",
                "poster",
                "data",
                "ping",
                "background",
                "xlink:href",
                "xmlns");
        Object refused = ((JavascriptExecutor) browser.driver())
                .executeAsyncScript(
                        "const names = arguments[0], done = arguments[arguments.length - 1];"
                                + "import('/console/dom.js').then(({el}) => done(names.filter(name => {"
                                + "  try { el('img', {[name]: 'x'}); return false; }"
                                + "  catch (e) { return e.message === 'refused attribute ' + name; }"
                                + "}))).catch(e => done('dom.js did not load: ' + e));",
                        refusable);
        assertThat(refused).as("the attributes dom.js refuses").isEqualTo(refusable);
        Object built = ((JavascriptExecutor) browser.driver())
                .executeAsyncScript("const done = arguments[arguments.length - 1];"
                        + "import('/console/dom.js').then(({el}) => done(el('a',"
                        + " {href: '#/events', 'data-test': 'x', title: 't'}, 'text').outerHTML))"
                        + ".catch(e => done('refused: ' + e));");
        assertThat(built)
                .as("an element with the attributes the console uses")
                .isEqualTo("<a href=\"#/events\" data-test=\"x\" title=\"t\">text</a>");
    }

    @Test
    void aStateChangingRequestWithoutTheCsrfTokenOrFromAnotherOriginIsRefused() throws Exception {
        String eventId = accept("{\"customer\":\"csrf\",\"total\":1}");
        journaled(eventId);

        HttpResponse<String> wrong = management("POST", "/console/session", "{\"token\":\"not-the-token\"}", Map.of());
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.body()).contains("urn:werken:problem:admin-token-required");
        assertThat(wrong.headers().allValues("Set-Cookie")).noneMatch(c -> c.startsWith(SESSION_COOKIE + "="));

        HttpResponse<String> signIn = management("POST", "/console/session", "{\"token\":\"" + TOKEN + "\"}", Map.of());
        assertThat(signIn.statusCode()).as(signIn.body()).isEqualTo(200);
        String setCookie = signIn.headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith(SESSION_COOKIE + "="))
                .findFirst()
                .orElseThrow();
        assertThat(setCookie)
                .containsIgnoringCase("HttpOnly")
                .containsIgnoringCase("SameSite=Strict")
                .containsIgnoringCase("Path=/")
                .doesNotContainIgnoringCase("Secure");
        String session = setCookie.substring(SESSION_COOKIE.length() + 1).split(";", 2)[0];
        String csrf = JSON.readTree(signIn.body()).get("csrf_token").asText();
        assertThat(csrf).isNotBlank();
        String cookie = SESSION_COOKIE + "=" + session;
        String replay = "/events/" + eventId + "/replay";

        assertCsrfRefused(management("POST", replay, null, Map.of("Cookie", cookie)));
        assertCsrfRefused(management("POST", replay, null, Map.of("Cookie", cookie, "X-CSRF-Token", csrf + "x")));
        assertCsrfRefused(management(
                "POST", replay, null, Map.of("Cookie", cookie, "X-CSRF-Token", csrf, "Origin", "http://evil.example")));
        assertCsrfRefused(management(
                "POST",
                replay,
                null,
                Map.of(
                        "Cookie",
                        cookie,
                        "X-CSRF-Token",
                        csrf,
                        "Origin",
                        "http://localhost:" + werken.managementPort + "0")));
        assertCsrfRefused(management(
                "POST", replay, null, Map.of("Cookie", cookie, "X-CSRF-Token", csrf, "Sec-Fetch-Site", "cross-site")));
        // A browser sends Basic by itself too: from another site, with the token as Basic's password, refused.
        String basic = "Basic "
                + java.util.Base64.getEncoder().encodeToString(("x:" + TOKEN).getBytes(StandardCharsets.UTF_8));
        assertCsrfRefused(
                management("POST", replay, null, Map.of("Authorization", basic, "Origin", "http://evil.example")));
        assertCsrfRefused(management("DELETE", "/console/session", null, Map.of("Cookie", cookie)));
        assertThat(managementWithCookie(session, "/workflows").statusCode())
                .as("still signed in")
                .isEqualTo(200);

        // With the session's CSRF token from the port's own origin, and from a script with the bearer token: done.
        HttpResponse<String> fromThePage = management(
                "POST",
                replay,
                null,
                Map.of("Cookie", cookie, "X-CSRF-Token", csrf, "Origin", origin, "Sec-Fetch-Site", "same-origin"));
        assertThat(fromThePage.statusCode()).as(fromThePage.body()).isEqualTo(202);
        HttpResponse<String> fromAScript = management("POST", replay, null, Map.of("Authorization", "Bearer " + TOKEN));
        assertThat(fromAScript.statusCode()).as(fromAScript.body()).isEqualTo(202);
        List<String> made = List.of(
                JSON.readTree(fromThePage.body()).get("event_id").asText(),
                JSON.readTree(fromAScript.body()).get("event_id").asText());
        await().atMost(WAIT).until(() -> replaysOf(eventId).size() >= 2);
        assertThat(replaysOf(eventId)).containsExactlyInAnyOrderElementsOf(made);

        HttpResponse<String> signOut =
                management("DELETE", "/console/session", null, Map.of("Cookie", cookie, "X-CSRF-Token", csrf));
        assertThat(signOut.statusCode()).isBetween(200, 204);
        assertThat(managementWithCookie(session, "/workflows").statusCode()).isEqualTo(401);
    }

    // ---- the browser

    /**
     * The test's browser: on failure, what it showed is saved as {@code <test>-failed.png}, and the page's whole text
     * as {@code <test>-failed.txt}; closed after each test.
     */
    private Browser browser;

    @RegisterExtension
    final TestExecutionExceptionHandler screenshotOnFailure = (context, error) -> {
        if (browser != null) {
            String name = context.getRequiredTestMethod().getName() + "-failed";
            try {
                browser.screenshot(name);
                Files.writeString(Browser.SCREENSHOTS.resolve(name + ".txt"), browser.url() + "\n\n" + browser.text());
            } catch (RuntimeException | java.io.IOException e) {
                error.addSuppressed(e);
            }
        }
        throw error;
    };

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    private Browser started() {
        browser = Browser.start();
        return browser;
    }

    private Browser signedIn() {
        Browser browser = started();
        browser.open(origin + "/console/");
        browser.waitForTest("signin-token").sendKeys(TOKEN);
        browser.waitForTest("signin-button").click();
        browser.waitForTest("signout");
        return browser;
    }

    /** The browser holds no session cookie, or one of a session that is not signed in. */
    private static void assertNotSignedIn(Browser browser) throws Exception {
        Cookie cookie = browser.cookie(SESSION_COOKIE);
        if (cookie != null) {
            assertThat(sessionOf(cookie.getValue()).get("signed_in").asBoolean())
                    .as("signed in without the token")
                    .isFalse();
        }
    }

    /** An event's row in the events listing. */
    private static By eventRow(String eventId) {
        return By.cssSelector("[data-test=\"event-row\"][data-event-id=\"" + eventId + "\"]");
    }

    /** The link from an event's row to its page. */
    private static By eventLink(String eventId) {
        return By.cssSelector(
                "[data-test=\"event-row\"][data-event-id=\"" + eventId + "\"] [data-test=\"event-link\"]");
    }

    /** No dialog opened, no request left for anywhere but the management port. */
    private static void assertKeptToItself(Browser browser) {
        assertThat(browser.dialogOpened())
                .as("a dialog opened: %s", browser.dialogs())
                .isFalse();
        assertThat(browser.requestsLeaving(origin))
                .as("requests that left the page")
                .isEmpty();
    }

    /** What a hostile value could have made of the page: none of it is there. */
    private static void assertInert(Browser browser) {
        assertKeptToItself(browser);
        assertThat(browser.requests()).as("an image from a hostile src").noneMatch(url -> url.endsWith("/x"));
        assertThat(count(browser, "script:not([src])")).as("inline scripts").isZero();
        assertThat(count(browser, "[onerror], [onload], [onclick], [onmouseover], [onfocus]"))
                .as("handler attributes")
                .isZero();
        assertThat(count(browser, "img[src=\"x\"]"))
                .as("an image made from data")
                .isZero();
        assertThat((Boolean)
                        browser.script("return [...document.querySelectorAll('a[href], [src], [action], [formaction]')]"
                                + ".some(e => /^\\s*javascript:/i.test(e.getAttribute('href') || e.getAttribute('src')"
                                + " || e.getAttribute('action') || e.getAttribute('formaction') || ''));"))
                .as("javascript: links")
                .isFalse();
    }

    private static long count(Browser browser, String selector) {
        return (Long) browser.script("return document.querySelectorAll(arguments[0]).length;", selector);
    }

    private static String textOf(Browser browser, String dataTest) {
        List<WebElement> found = browser.allByTest(dataTest);
        return found.isEmpty() ? "" : found.get(0).getText();
    }

    private static String valueOf(WebElement field) {
        String value = field.getAttribute("value");
        return value == null || value.isEmpty() ? field.getText() : value;
    }

    /** Selects what the field holds and types the text over it, as a person would. */
    private static void replaceText(WebElement field, String text) {
        field.click();
        field.sendKeys(Keys.chord(Keys.CONTROL, "a"));
        field.sendKeys(Keys.DELETE);
        field.sendKeys(text);
    }

    private static String draft(String bigOrderWhen, String note) {
        return """
                {"headers": ["x-shop-note"], "actions": [
                  {"type": "notify", "params": {"to": "{{ payload.customer }}", "note": "%s"}},
                  {"type": "big_order", "when": "%s", "params": {"total": "{{ payload.total }}"}}
                ]}""".formatted(note, bigOrderWhen);
    }

    // ---- Werken, over HTTP and on the broker

    private static String accept(String body) throws Exception {
        HttpResponse<String> response = werken.post("shop", "application/json", body.getBytes(StandardCharsets.UTF_8));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return JSON.readTree(response.body()).get("event_id").asText();
    }

    /** The event's journal entry, once it is there. */
    private static JsonNode journaled(String eventId) throws Exception {
        await().atMost(WAIT).until(() -> bearer("GET", "/events/" + eventId).statusCode() == 200);
        return JSON.readTree(bearer("GET", "/events/" + eventId).body());
    }

    private static List<String> replaysOf(String eventId) throws Exception {
        HttpResponse<String> response = bearer("GET", "/events?replay_of=" + eventId);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        JSON.readTree(response.body())
                .get("events")
                .forEach(e -> ids.add(e.get("event_id").asText()));
        return ids;
    }

    private static HttpResponse<String> bearer(String method, String path) throws Exception {
        return management(method, path, null, Map.of("Authorization", "Bearer " + TOKEN));
    }

    private static HttpResponse<String> managementWithCookie(String session, String path) throws Exception {
        return management("GET", path, null, Map.of("Cookie", SESSION_COOKIE + "=" + session));
    }

    private static JsonNode sessionOf(String session) throws Exception {
        return JSON.readTree(
                management("GET", "/console/session", null, Map.of("Cookie", SESSION_COOKIE + "=" + session))
                        .body());
    }

    private static HttpResponse<String> management(String method, String path, String body, Map<String, String> headers)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(origin + path))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        headers.forEach(request::header);
        return werken.send(request);
    }

    private static void assertCsrfRefused(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode())
                .as("%s %s", response.request().headers().map(), response.body())
                .isEqualTo(403);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(JSON.readTree(response.body()).get("type").asText())
                .isEqualTo("urn:werken:problem:csrf-token-invalid");
    }

    /** The properties DeadLetterPublisher gives a dead-lettered event. */
    private static AMQP.BasicProperties deadLetter(String eventId, String reason) {
        return new AMQP.BasicProperties.Builder()
                .messageId(eventId)
                .type("webhook.dead-lettered")
                .contentType("application/json")
                .deliveryMode(2)
                .headers(Map.of(
                        "x-werken-dead-letter-reason",
                        reason,
                        "x-werken-dead-letter-exception",
                        "io.werken.broker.PublishFailedException",
                        "x-werken-dead-lettered-at",
                        "2026-12-04T10:00:00Z",
                        "x-werken-original-queue",
                        "received_webhooks"))
                .build();
    }

    private static byte[] envelope(String eventId, String payload) {
        return ("{\"event_id\":\"" + eventId + "\",\"workflow_id\":\"shop\",\"received_at\":\"2026-12-04T09:59:59Z\","
                        + "\"headers\":{},\"payload\":" + payload + "}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static String shortId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
