package io.werken.config;

import java.time.Clock;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.werken.core.WerkenJson;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.Configuration;

/** What every path shares: the clock events are stamped with, and Werken's JSON settings. */
@Configuration
public class CoreConfiguration implements CamelConfiguration {

    @BindToRegistry
    public Clock clock() {
        return Clock.systemUTC();
    }

    @BindToRegistry
    public ObjectMapper werkenJson() {
        return WerkenJson.mapper();
    }
}
