package io.werken.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which file of the jar a console path names, if any: nothing outside the console's folders, no directories. */
class ConsoleHandlerTest {

    @Test
    void consolePathsNameTheirFiles() {
        assertThat(ConsoleHandler.resourceFor("/console/")).isEqualTo("console/index.html");
        assertThat(ConsoleHandler.resourceFor("/console/signin")).isEqualTo("console/signin.html");
        assertThat(ConsoleHandler.resourceFor("/console/app.js")).isEqualTo("console/app.js");
        assertThat(ConsoleHandler.resourceFor("/console/pages/events.mjs")).isEqualTo("console/pages/events.mjs");
        assertThat(ConsoleHandler.resourceFor("/console/vendor/uplot/uPlot.esm.js"))
                .isEqualTo("META-INF/resources/webjars/uplot/1.6.30/dist/uPlot.esm.js");
        assertThat(ConsoleHandler.resourceFor("/console/vendor/uplot/uPlot.min.css"))
                .isEqualTo("META-INF/resources/webjars/uplot/1.6.30/dist/uPlot.min.css");
    }

    @Test
    void noPathLeavesTheConsolesFoldersOrNamesADirectory() {
        for (String path : List.of(
                "/console/../application.properties",
                "/console/..",
                "/console/./app.js",
                "/console/%2e%2e/application.properties",
                "/console/..%2Fapplication.properties",
                "/console/%252e%252e/workflows.json",
                "/console/..\\application.properties",
                "/console/.hidden.js",
                "/console//app.js",
                "/console/pages/",
                "/console/pages",
                "/console/vendor/uplot/",
                "/console/vendor/uplot/../../../package.json",
                "/console/vendor/uplot/sub/uPlot.esm.js",
                "/console/application.properties",
                "/console/workflows.json.",
                "/console/README",
                "/console/a.d.ts",
                "/console/app.js%00.html",
                "/console/app.js/",
                "/console/x:y.js",
                "/console/" + "a".repeat(300) + ".js")) {
            assertThat(ConsoleHandler.resourceFor(path)).as(path).isNull();
        }
    }

    @Test
    void contentTypesAreTheOnesBrowsersExpectWithNosniff() {
        assertThat(ConsoleHandler.contentType("console/index.html")).isEqualTo("text/html; charset=utf-8");
        assertThat(ConsoleHandler.contentType("app.js")).isEqualTo("text/javascript; charset=utf-8");
        assertThat(ConsoleHandler.contentType("app.MJS")).isEqualTo("text/javascript; charset=utf-8");
        assertThat(ConsoleHandler.contentType("style.css")).isEqualTo("text/css; charset=utf-8");
        assertThat(ConsoleHandler.contentType("logo.svg")).isEqualTo("image/svg+xml");
        assertThat(ConsoleHandler.contentType("noextension")).isNull();
        assertThat(ConsoleHandler.contentType("dir.js/file")).isNull();
        assertThat(ConsoleHandler.contentType(".js")).isNull();
        assertThat(ConsoleHandler.contentType("x.class")).isNull();
    }

    @Test
    void onlyConsolePathsAreTheConsoles() {
        assertThat(ConsoleHandler.isConsolePath("/console")).isTrue();
        assertThat(ConsoleHandler.isConsolePath("/console/")).isTrue();
        assertThat(ConsoleHandler.isConsolePath("/console/session")).isTrue();
        assertThat(ConsoleHandler.isConsolePath("/consoles")).isFalse();
        assertThat(ConsoleHandler.isConsolePath("/workflows")).isFalse();
        assertThat(ConsoleHandler.isConsolePath(null)).isFalse();
    }
}
