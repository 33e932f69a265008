package io.werken.config;

import io.werken.metrics.WerkenMetrics;
import io.werken.ownroutes.LibDirectory;
import io.werken.ownroutes.OwnRoutes;
import io.werken.ownroutes.OwnRoutesGuard;
import io.werken.ownroutes.OwnRoutesHealthCheck;
import io.werken.settings.Settings;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.PropertyInject;

/**
 * The jars of {@code WERKEN_LIB_DIR}, and the integration engineer's own routes from {@code WERKEN_ROUTES_DIR}, loaded beside Werken's (whose ids the guard
 * reads from the same routes-include-pattern Camel loads them by) and watched for changes, and their health check.
 * Before the broker's configuration, so that a refused file refuses startup before Werken touches the broker; the
 * routes start with the context, after the queues are declared.
 */
@Configuration
public class OwnRoutesConfiguration implements CamelConfiguration {

    /** What {@link #ownRoutes} loaded, for {@link #startupRefusal} once a failed start has stopped the context. */
    private volatile OwnRoutes loaded;

    @BindToRegistry
    public OwnRoutes ownRoutes(
            WerkenMetrics werkenMetrics,
            Settings settings,
            @PropertyInject("camel.main.routes-include-pattern") String includePattern,
            CamelContext context) {
        // First: the own routes' components and beans resolve through it, from the routes' first load on. (Not a bean
        // of its own: Camel binds a configuration's methods in no fixed order, so this one could not rely on it.)
        Settings.OwnRoutes own = settings.ownRoutes();
        LibDirectory.install(context, own.libDir() == null ? "" : own.libDir());
        loaded = own.dir() == null
                ? OwnRoutes.none()
                : OwnRoutes.load(
                        context,
                        own.dir(),
                        OwnRoutesGuard.forWerkenRoutes(context, includePattern).withHttpAllowed(own.allowHttp()),
                        werkenMetrics.registry());
        return loaded;
    }

    /** The one-line refusal if an own route made the start fail, null otherwise ({@link OwnRoutes#startupRefusal}). */
    public String startupRefusal(Throwable failure) {
        OwnRoutes ownRoutes = loaded;
        return ownRoutes == null ? null : ownRoutes.startupRefusal(failure);
    }

    @BindToRegistry
    public OwnRoutesHealthCheck ownRoutesHealthCheck(OwnRoutes ownRoutes) {
        return new OwnRoutesHealthCheck(ownRoutes);
    }
}
