package io.werken.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.werken.core.StartupRefusedException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The settings object: read from application.properties as the server would, every problem refused at once. */
class SettingsTest {

    @AfterEach
    void clearSystemProperties() {
        System.clearProperty("werken.dispatch.consumers");
        System.clearProperty("camel.server.authentication-enabled");
    }

    @Test
    void theDefaultsAreValidAndTyped() {
        Settings settings = Settings.from(ApplicationProperties.standalone(name -> null));

        assertThat(settings.queues().received()).isEqualTo("received_webhooks");
        assertThat(settings.queues().receivedDeadLetters()).isEqualTo("received_webhooks.dlq");
        assertThat(settings.dispatch().consumers()).isEqualTo(32);
        assertThat(settings.workflows().maxIterations()).isEqualTo(1000);
        assertThat(settings.broker().embedded()).isTrue();
        assertThat(settings.journal().on()).isTrue();
        assertThat(settings.http().port()).isEqualTo(8000);
    }

    @Test
    void theEnvironmentAndSystemPropertiesOverrideTheDefaults() {
        System.setProperty("werken.dispatch.consumers", "7");
        Settings settings = Settings.from(ApplicationProperties.standalone(
                Map.of("WERKEN_QUEUE_RECEIVED", "incoming", "WERKEN_CEL_MAX_ITERATIONS", "50")::get));

        assertThat(settings.queues().received()).isEqualTo("incoming");
        assertThat(settings.workflows().maxIterations()).isEqualTo(50);
        assertThat(settings.dispatch().consumers()).isEqualTo(7);
    }

    @Test
    void everyWrongValueIsNamedInOneLine() {
        Map<String, String> env = new HashMap<>();
        env.put("WERKEN_DISPATCH_CONSUMERS", "0");
        env.put("WERKEN_JOURNAL_POOL_SIZE", "101");
        env.put("WERKEN_HTTP_PORT", "eighty");
        env.put("WERKEN_JOURNAL_RETENTION", "a week");

        assertThatThrownBy(() -> Settings.from(ApplicationProperties.standalone(env::get)))
                .isInstanceOf(StartupRefusedException.class)
                .hasMessage("4 settings are wrong: WERKEN_HTTP_PORT must be a whole number, not 'eighty'; "
                        + "WERKEN_DISPATCH_CONSUMERS must be 1..1024, not 0; "
                        + "WERKEN_JOURNAL_POOL_SIZE must be 1..100, not 101; "
                        + "WERKEN_JOURNAL_RETENTION must be an ISO-8601 duration such as P7D or PT12H, not 'a week'");
    }

    @Test
    void oneWrongValueIsItsOwnLine() {
        assertThatThrownBy(
                        () -> Settings.from(ApplicationProperties.standalone(Map.of("WERKEN_JOURNAL", "maybe")::get)))
                .hasMessage("WERKEN_JOURNAL must be on or off, not 'maybe'");
    }

    @Test
    void aCamelServerKeyTheWebhookServerDoesNotImplementIsRefused() {
        System.setProperty("camel.server.authentication-enabled", "true");
        assertThatThrownBy(() -> Settings.from(ApplicationProperties.standalone(name -> null)))
                .hasMessageContaining(
                        "camel.server.authentication-enabled is not implemented by Werken's webhook server");
        System.clearProperty("camel.server.authentication-enabled");

        Map<String, String> valid = new HashMap<>();
        ApplicationProperties.standalone(name -> null)
                .keys()
                .forEach(key -> valid.put(
                        key, ApplicationProperties.standalone(name -> null).get(key)));
        valid.put("CAMEL_SERVER_SSL_CONTEXT_PARAMETERS", "#ssl");
        valid.put("camel.server.useGlobalSslContextParameters", "true");
        assertThatThrownBy(() -> Settings.from(Settings.CamelProperties.of(valid)))
                .hasMessageStartingWith(
                        "CAMEL_SERVER_SSL_CONTEXT_PARAMETERS, camel.server.useGlobalSslContextParameters "
                                + "are not implemented by Werken's webhook server");
        valid.put("camel.server.enabled", "true");
        valid.remove("CAMEL_SERVER_SSL_CONTEXT_PARAMETERS");
        valid.remove("camel.server.useGlobalSslContextParameters");
        assertThatThrownBy(() -> Settings.from(Settings.CamelProperties.of(valid)))
                .hasMessageStartingWith("camel.server.enabled must stay false");
    }

    @Test
    void theHostPortAndBodySizeKeysAreAccepted() {
        Map<String, String> valid = new HashMap<>();
        Settings.CamelProperties defaults = ApplicationProperties.standalone(name -> null);
        defaults.keys().forEach(key -> valid.put(key, defaults.get(key)));
        valid.put("CAMEL_SERVER_PORT", "8001");

        assertThat(Settings.from(Settings.CamelProperties.of(valid)).http().maxBodyBytes())
                .isEqualTo(1_048_576);
    }
}
