package io.werken.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.werken.testing.FreePorts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a first-time user reads when Werken starts: a few lines, no warning, and last one line saying where everything
 * is (the webhook URL, the management port and console, the broker, the workflows file and revision, the journal).
 */
class StartupLogIT {

    private static final String BUNDLED_REVISION = "rev [0-9a-f]{12} \\(3 workflows\\)";

    @TempDir
    Path dataDir;

    @Test
    void theEmbeddedStartIsShortAndEndsWithTheReadyLine() throws Exception {
        int amqpPort = FreePorts.next();
        try (WerkenProcess werken =
                WerkenProcess.start(WerkenProcess.embeddedSettings(amqpPort, dataDir), "startup-log")) {
            List<String> start = startUntilReady(werken);

            assertThat(start)
                    .as(String.join("\n", start))
                    .hasSizeLessThanOrEqualTo(15)
                    .noneMatch(line -> line.contains(" WARN ") || line.contains(" ERROR ") || line.startsWith("\t"));
            assertThat(start.get(start.size() - 1))
                    .matches(".* INFO .* - Werken ready: webhooks http://127\\.0\\.0\\.1:"
                            + werken.httpPort + "/webhook/\\{id\\}, management 127\\.0\\.0\\.1:" + werken.managementPort
                            + ", console /console/, broker embedded amqp://127\\.0\\.0\\.1:" + amqpPort
                            + ", workflows classpath:workflows\\.json " + BUNDLED_REVISION + ", journal embedded H2 at "
                            + java.util.regex.Pattern.quote(
                                    dataDir.resolve("journal").toString()));
            assertThat(start.stream().filter(line -> line.contains("Werken ready:")))
                    .hasSize(1);
        }
    }

    @Test
    void onRabbitMqTheReadyLineNamesItsNodeAndVirtualHostWithoutThePassword() throws Exception {
        Map<String, String> env =
                WerkenProcess.settings("it-" + UUID.randomUUID().toString().substring(0, 8) + ".");
        env.put("WERKEN_JOURNAL", "off");
        try (WerkenProcess werken = WerkenProcess.start(env, "startup-log-rabbitmq")) {
            List<String> start = startUntilReady(werken);

            String ready = start.get(start.size() - 1);
            java.net.URI broker = java.net.URI.create(Broker.URI_VALUE);
            assertThat(ready)
                    .contains(
                            "broker RabbitMQ " + broker.getHost() + ":" + broker.getPort() + broker.getRawPath() + ",")
                    .contains(", journal off")
                    .doesNotContain(broker.getRawUserInfo());
        }
    }

    /** The output up to and including the ready line, once it is there. */
    private static List<String> startUntilReady(WerkenProcess werken) {
        await().atMost(Duration.ofSeconds(30)).until(() -> werken.output().contains("Werken ready:"));
        List<String> lines = output(werken).lines().toList();
        int ready = 0;
        while (!lines.get(ready).contains("Werken ready:")) {
            ready++;
        }
        return lines.subList(0, ready + 1);
    }

    private static String output(WerkenProcess werken) {
        try {
            return werken.output();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
