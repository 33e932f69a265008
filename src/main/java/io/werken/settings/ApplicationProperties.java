package io.werken.settings;

import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.spi.PropertiesFunction;

/**
 * The {@link Settings.CamelProperties} of a running Camel (its properties component), or of Werken's own
 * {@code application.properties} outside a server: a properties component over the same file, with system properties
 * overriding it and {@code {{env:NAME:default}}} resolved against the given environment, so that a command reads what
 * the server on this machine reads.
 */
public final class ApplicationProperties {

    private ApplicationProperties() {}

    /** The properties of a running Camel: its files and overrides, system properties, the process's environment. */
    public static Settings.CamelProperties of(CamelContext context) {
        return of(context.getPropertiesComponent(), System.getenv().keySet());
    }

    /** Werken's application.properties outside a server, with {@code env} as the environment. */
    public static Settings.CamelProperties standalone(Function<String, String> env) {
        CamelContext context = new DefaultCamelContext(false);
        PropertiesComponent properties = context.getPropertiesComponent();
        properties.setLocation("classpath:application.properties");
        properties.addPropertiesFunction(new EnvFunction(env));
        return of(properties, Set.of());
    }

    private static Settings.CamelProperties of(PropertiesComponent component, Set<String> envNames) {
        return new Settings.CamelProperties() {
            @Override
            public String get(String key) {
                return component.resolveProperty(key).orElse(null);
            }

            @Override
            public Set<String> keys() {
                Set<String> keys = new TreeSet<>();
                // Its files, initial and override properties.
                Properties loaded = component.loadProperties();
                keys.addAll(loaded.stringPropertyNames());
                keys.addAll(System.getProperties().stringPropertyNames());
                keys.addAll(envNames);
                return keys;
            }
        };
    }

    /** {@code {{env:NAME:default}}} against a given environment (blank counts as unset, as the server's). */
    private record EnvFunction(Function<String, String> env) implements PropertiesFunction {

        @Override
        public String getName() {
            return "env";
        }

        @Override
        public String apply(String remainder) {
            int colon = remainder.indexOf(':');
            String name = colon < 0 ? remainder : remainder.substring(0, colon);
            String value = env.apply(name);
            if (value != null && !value.isEmpty()) {
                return value;
            }
            return colon < 0 ? null : remainder.substring(colon + 1);
        }
    }
}
