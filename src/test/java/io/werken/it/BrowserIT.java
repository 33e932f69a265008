package io.werken.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.werken.testing.FreePorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The browser tests' {@link Browser} works here: Debian's Chromium opens a page of a running Werken and shows it, the
 * screenshot is saved, and what a page must not do (log an error, send a request elsewhere, open a dialog) is seen.
 */
class BrowserIT {

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    @Test
    void chromiumShowsTheHealthOfARunningWerkenAndSeesThatThePageKeptToItself() throws Exception {
        try (RunningWerken werken = RunningWerken.start();
                Browser browser = Browser.start()) {
            String origin = "http://127.0.0.1:" + werken.managementPort;

            browser.open(origin + "/observe/health");
            String shown = browser.waitForText("UP");
            Path screenshot = browser.screenshot("browser-self-test-health");

            assertThat(shown).contains("\"status\"").contains("UP");
            assertThat(screenshot).isRegularFile();
            byte[] png = Files.readAllBytes(screenshot);
            assertThat(png.length).isGreaterThan(1_000);
            assertThat(Arrays.copyOf(png, PNG_SIGNATURE.length)).isEqualTo(PNG_SIGNATURE);
            assertThat(browser.requests()).contains(origin + "/observe/health");
            assertThat(browser.requestsLeaving(origin)).isEmpty();
            assertThat(browser.dialogOpened()).isFalse();
            assertThat(browser.consoleErrors()).isEmpty();
        }
    }

    @Test
    void aPageThatLogsAnErrorSendsARequestElsewhereAndOpensADialogIsCaughtAtEach() throws Exception {
        // "Elsewhere" stays on this machine: another port of the loopback interface, where nothing listens.
        int elsewhere = FreePorts.next();
        try (Browser browser = Browser.start()) {
            String origin = "http://127.0.0.1:" + FreePorts.next();
            browser.open("data:text/html,<title>misbehaving</title><p>misbehaving page</p>");
            browser.waitForText("misbehaving page");
            assertThat(browser.requestsLeaving(origin)).isEmpty();
            assertThat(browser.dialogOpened()).isFalse();
            assertThat(browser.consoleErrors()).isEmpty();

            browser.script("console.error('logged by the page');");
            browser.script("const image = document.createElement('img');" + "image.src = 'http://127.0.0.1:" + elsewhere
                    + "/beacon?leaked=1'; document.body.append(image);");
            browser.waitUntil(d -> !browser.requestsLeaving(origin).isEmpty());
            browser.screenshot("browser-self-test-misbehaving");
            browser.script("setTimeout(() => alert('opened by the page'), 0);");
            browser.waitUntil(d -> browser.dialogOpened());

            assertThat(browser.requestsLeaving(origin))
                    .containsExactly("http://127.0.0.1:" + elsewhere + "/beacon?leaked=1");
            assertThat(browser.dialogs()).containsExactly("alert: opened by the page");
            assertThat(browser.consoleErrors()).anyMatch(error -> error.contains("logged by the page"));
        }
    }
}
