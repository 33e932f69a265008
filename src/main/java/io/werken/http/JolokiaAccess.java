package io.werken.http;

import io.werken.core.StartupRefusedException;
import java.io.IOException;
import java.nio.file.Path;
import org.apache.camel.component.platform.http.plugin.DefaultJolokiaPlatformHttpPlugin;
import org.apache.camel.component.platform.http.plugin.JolokiaPlatformHttpPlugin;
import org.jolokia.server.core.restrictor.RestrictorFactory;

/**
 * Which Jolokia operations {@code /observe/jolokia} allows: {@code WERKEN_JOLOKIA_ACCESS} is {@code read-only} (the
 * default: read, list, search and version; exec and write denied), {@code read-write} (exec and write too, but not
 * the JVM's diagnostic-command and HotSpot MBeans), or the location of the deployer's own Jolokia policy file (a path,
 * or a {@code file:}, {@code classpath:} or {@code http(s):} URL).
 * <p>
 * Camel 4.17's Jolokia plugin takes its policy from Jolokia's own setting ({@code jolokia.policyLocation}, default
 * {@code classpath:/jolokia-access.xml}) once, when it is constructed, and allows every operation when it finds no
 * file there. Werken therefore checks the policy loads (or refuses to start), constructs the plugin with the setting
 * pointing at it, and binds it as the plugin named {@code jolokia}, which Camel's plugin registry looks up before its
 * own. The read-only policy is also the jar's {@code jolokia-access.xml}, so Jolokia's default is read-only too.
 */
public final class JolokiaAccess {

    /** The shipped policies. */
    public static final String READ_ONLY = "classpath:/jolokia-access.xml";

    public static final String READ_WRITE = "classpath:/jolokia-access-read-write.xml";

    private static final String POLICY_PROPERTY = "jolokia.policyLocation";

    private JolokiaAccess() {}

    /** The policy location {@code setting} (the value of {@code WERKEN_JOLOKIA_ACCESS}) names, checked to load. */
    public static String policyLocation(String setting) {
        String value = setting == null ? "" : setting.trim();
        String location;
        if (value.isEmpty() || value.equals("read-only")) {
            location = READ_ONLY;
        } else if (value.equals("read-write")) {
            location = READ_WRITE;
        } else if (value.matches("(?i)(classpath|file|https?):.*")) {
            location = value;
        } else {
            location = Path.of(value).toAbsolutePath().toUri().toString();
        }
        try {
            if (RestrictorFactory.lookupPolicyRestrictor(location) == null) {
                throw new StartupRefusedException("WERKEN_JOLOKIA_ACCESS: no Jolokia policy at " + location
                        + " (use read-only, read-write or the location of a policy file).");
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof StartupRefusedException refused) {
                throw refused;
            }
            throw new StartupRefusedException(
                    "WERKEN_JOLOKIA_ACCESS: the Jolokia policy at " + location + " cannot be read: " + e.getMessage(),
                    e);
        }
        return location;
    }

    /** Camel's Jolokia plugin, restricted by the policy at {@code location}. */
    public static JolokiaPlatformHttpPlugin plugin(String location) {
        // The plugin reads Jolokia's setting in its constructor only: set it for that moment, then put it back.
        synchronized (JolokiaAccess.class) {
            String before = System.getProperty(POLICY_PROPERTY);
            System.setProperty(POLICY_PROPERTY, location);
            try {
                return new DefaultJolokiaPlatformHttpPlugin();
            } finally {
                if (before == null) {
                    System.clearProperty(POLICY_PROPERTY);
                } else {
                    System.setProperty(POLICY_PROPERTY, before);
                }
            }
        }
    }
}
