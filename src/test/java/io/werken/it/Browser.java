package io.werken.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Level;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.UnexpectedAlertBehaviour;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's Chromium, headless, driven by its own chromedriver through Selenium, for the console's browser tests. Opens
 * pages and waits for them (bounded, never a sleep), saves screenshots under {@code target/console-screenshots/}, and
 * keeps what the page logged as errors, every request it made and every dialog it opened, so that a test can assert
 * that a page kept to itself.
 *
 * <p>Both programs are taken from {@code /usr/bin} (Debian's {@code chromium} and {@code chromium-driver}, which
 * {@code .ci/run} installs): the driver is named to Selenium, so its Selenium Manager is never asked to find or
 * download one. Requests and dialogs come from chromedriver's performance log (the DevTools {@code Network} and
 * {@code Page} events), console errors from its browser log: neither depends on Selenium knowing this Chromium's
 * DevTools version.
 */
public final class Browser implements AutoCloseable {

    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    public static final Path SCREENSHOTS = Path.of("target", "console-screenshots");
    /** How long a wait may take: a page of the console loads in well under a second. */
    public static final Duration WAIT = Duration.ofSeconds(15);

    static final List<String> FLAGS = List.of(
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--window-size=1280,900");

    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * Quiet about the DevTools bindings left out of the test classpath (see the pom): chromedriver's logs do their work.
     * Held here, as java.util.logging keeps only weak references to its loggers.
     */
    private static final java.util.logging.Logger CDP_VERSIONS = quiet("org.openqa.selenium.devtools.CdpVersionFinder");

    private final ChromeDriver driver;
    private final List<String> requests = new ArrayList<>();
    private final List<String> dialogs = new ArrayList<>();
    private final List<String> consoleErrors = new ArrayList<>();

    private Browser(ChromeDriver driver) {
        this.driver = driver;
    }

    /** Starts a headless Chromium with a profile of its own; close it to end both Chromium and chromedriver. */
    public static Browser start() {
        for (Path program : List.of(CHROMIUM, CHROMEDRIVER)) {
            if (!Files.isExecutable(program)) {
                throw new IllegalStateException(program + " is missing: the browser tests need Debian's chromium and "
                        + "chromium-driver (apt-get install -y chromium chromium-driver; .ci/run does)");
            }
        }
        // Named both ways: as the service's executable, and as the property Selenium reads before it would ever
        // turn to Selenium Manager.
        System.setProperty(ChromeDriverService.CHROME_DRIVER_EXE_PROPERTY, CHROMEDRIVER.toString());
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();

        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(FLAGS);
        // A dialog stays open until the test looks for it (the default would dismiss it at the next command).
        options.setUnhandledPromptBehaviour(UnexpectedAlertBehaviour.IGNORE);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        logs.enable(LogType.PERFORMANCE, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        options.setExperimentalOption("perfLoggingPrefs", Map.of("enableNetwork", true, "enablePage", true));

        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
        return new Browser(driver);
    }

    /** Selenium's driver, for what these helpers do not cover. */
    public WebDriver driver() {
        return driver;
    }

    /** Opens the address and waits for the document to have loaded. */
    public Browser open(String url) {
        driver.get(url);
        waitUntil(d -> "complete".equals(((JavascriptExecutor) d).executeScript("return document.readyState")));
        return this;
    }

    public Browser open(URI url) {
        return open(url.toString());
    }

    /** Loads the page again (as a person pressing F5: opening the same address with a fragment would not). */
    public Browser reload() {
        driver.navigate().refresh();
        waitUntil(d -> "complete".equals(((JavascriptExecutor) d).executeScript("return document.readyState")));
        return this;
    }

    /** The address the page is at now. */
    public String url() {
        return driver.getCurrentUrl();
    }

    /** Waits (at most {@link #WAIT}) until the condition is true or non-null, and returns what it returned. */
    public <T> T waitUntil(Function<WebDriver, T> condition) {
        // A page that re-renders replaces elements under the condition's feet: look again.
        return new WebDriverWait(driver, WAIT)
                .ignoring(StaleElementReferenceException.class)
                .until(condition);
    }

    /** Waits for a visible element. */
    public WebElement waitFor(By locator) {
        return waitUntil(ExpectedConditions.visibilityOfElementLocated(locator));
    }

    /** The console's elements by their {@code data-test} attribute. */
    public static By test(String id) {
        return By.cssSelector("[data-test=\"" + id + "\"]");
    }

    /** Waits for the visible element with this {@code data-test} attribute. */
    public WebElement waitForTest(String id) {
        return waitFor(test(id));
    }

    /** Every element with this {@code data-test} attribute, now (none is an empty list). */
    public List<WebElement> allByTest(String id) {
        return driver.findElements(test(id));
    }

    /** Waits until the page shows the text (its body's rendered text contains it) and returns that text. */
    public String waitForText(String text) {
        return waitUntil(d -> {
            String shown = text();
            return shown.contains(text) ? shown : null;
        });
    }

    /** The page's text as rendered (what a person can read); empty when the page has no body yet. */
    public String text() {
        List<WebElement> body = driver.findElements(By.tagName("body"));
        return body.isEmpty() ? "" : body.get(0).getText();
    }

    /** Saves what the window shows as {@code target/console-screenshots/<name>.png}. */
    public Path screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Path file = SCREENSHOTS.resolve(name + ".png");
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Scrolls the element into the middle of the window first, then saves the screenshot (see above). */
    public Path screenshot(String name, WebElement showing) {
        driver.executeScript("arguments[0].scrollIntoView({block: 'center'});", showing);
        return screenshot(name);
    }

    /** Whether a dialog (alert, confirm, prompt, beforeunload) is open now or has opened since the browser started. */
    public boolean dialogOpened() {
        try {
            driver.switchTo().alert();
            return true;
        } catch (NoAlertPresentException e) {
            readPerformanceLog();
            return !dialogs.isEmpty();
        }
    }

    /** The messages of the dialogs that opened since the browser started, as far as the log saw them. */
    public List<String> dialogs() {
        readPerformanceLog();
        return List.copyOf(dialogs);
    }

    /** The address of every request the pages made since the browser started (page loads, scripts, fetches, images...). */
    public List<String> requests() {
        readPerformanceLog();
        return List.copyOf(requests);
    }

    /**
     * The requests that left the page: to anywhere but {@code origin} (e.g. {@code http://127.0.0.1:9876}). Addresses
     * that need no network ({@code data:}, {@code blob:}, {@code about:}) do not count.
     */
    public List<String> requestsLeaving(String origin) {
        String own = origin.endsWith("/") ? origin.substring(0, origin.length() - 1) : origin;
        return requests().stream()
                .filter(url -> !(url.startsWith("data:") || url.startsWith("blob:") || url.startsWith("about:")))
                .filter(url -> !(url.equals(own)
                        || url.startsWith(own + "/")
                        || url.startsWith(own + "?")
                        || url.startsWith(own + "#")))
                .toList();
    }

    /**
     * What the browser logged as an error since it started: the page's {@code console.error}, uncaught exceptions,
     * Content-Security-Policy violations, and failed loads (a 4xx or 5xx answer counts). Not the browser's own
     * request for {@code /favicon.ico}, which it makes for a page that names no icon.
     */
    public List<String> consoleErrors() {
        for (LogEntry entry : driver.manage().logs().get(LogType.BROWSER)) {
            if (entry.getLevel().intValue() >= Level.SEVERE.intValue()
                    && !entry.getMessage().contains("/favicon.ico ")) {
                consoleErrors.add(entry.getMessage());
            }
        }
        return List.copyOf(consoleErrors);
    }

    /** The cookie's attributes as Chromium keeps them, or null: e.g. to check {@code HttpOnly} and {@code SameSite}. */
    public org.openqa.selenium.Cookie cookie(String name) {
        return driver.manage().getCookieNamed(name);
    }

    /** Runs a script in the page (for reading what a page's script could read, e.g. {@code document.cookie}). */
    public Object script(String script, Object... arguments) {
        return driver.executeScript(script, arguments);
    }

    // chromedriver hands each log entry over once: what is read is kept here.
    private void readPerformanceLog() {
        for (LogEntry entry : driver.manage().logs().get(LogType.PERFORMANCE)) {
            JsonNode message;
            try {
                message = JSON.readTree(entry.getMessage()).path("message");
            } catch (IOException e) {
                continue;
            }
            JsonNode params = message.path("params");
            switch (message.path("method").asText()) {
                case "Network.requestWillBeSent" ->
                    requests.add(params.path("request").path("url").asText());
                case "Network.webSocketCreated" ->
                    requests.add(params.path("url").asText());
                case "Page.javascriptDialogOpening" ->
                    dialogs.add(params.path("type").asText().toLowerCase(Locale.ROOT) + ": "
                            + params.path("message").asText());
                default -> {}
            }
        }
    }

    private static java.util.logging.Logger quiet(String name) {
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger(name);
        logger.setLevel(Level.SEVERE);
        return logger;
    }

    @Override
    public void close() {
        driver.quit();
    }
}
