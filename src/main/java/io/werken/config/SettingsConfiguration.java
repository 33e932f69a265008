package io.werken.config;

import io.werken.settings.ApplicationProperties;
import io.werken.settings.Settings;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;

/**
 * Werken's {@link Settings}, read once from Camel's properties component and checked (every problem refused in one
 * line) before anything else is bound: every other configuration takes its settings from this one object.
 */
@Configuration
public class SettingsConfiguration implements CamelConfiguration {

    @BindToRegistry
    public Settings settings(CamelContext context) {
        return Settings.from(ApplicationProperties.of(context));
    }
}
