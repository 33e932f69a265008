package io.werken.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.werken.core.WerkenJson;
import io.werken.expression.ExpressionCompiler;
import io.werken.metrics.RecentRefusals;
import io.werken.metrics.RouteTimingPolicyFactory;
import io.werken.metrics.WerkenMetrics;
import io.werken.settings.Settings;
import java.time.Clock;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.component.micrometer.MicrometerConstants;

/**
 * What every path shares: the clock events are stamped with, Werken's JSON settings, the expression language, the
 * metrics registry (Camel's micrometer-prometheus serves it at /observe/metrics, with Camel's route metrics), and the
 * last refusals.
 */
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

    /**
     * On the registry camel-micrometer-prometheus serves (it binds it before these beans are made), so that Camel's
     * metrics and Werken's are scraped together; on one of their own where Camel's metrics are off.
     */
    @BindToRegistry
    public WerkenMetrics werkenMetrics(CamelContext context) {
        MeterRegistry registry = context.getRegistry()
                .lookupByNameAndType(MicrometerConstants.METRICS_REGISTRY_NAME, MeterRegistry.class);
        if (registry == null) {
            registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            context.getRegistry().bind(MicrometerConstants.METRICS_REGISTRY_NAME, registry);
        }
        return new WerkenMetrics(registry);
    }

    /**
     * Camel's route metrics (camel.metrics.enable-route-policy is off in application.properties so that camel-main does
     * not add its own): the same series, per route, with less work per exchange (see the factory). Added to the context
     * here, before the routes are made (camel-main looks for route policy factories in the registry before this
     * configuration's beans are there); each route's policy finds the registry above by name.
     */
    @BindToRegistry
    public RouteTimingPolicyFactory routeTimingPolicyFactory(CamelContext context) {
        RouteTimingPolicyFactory factory = new RouteTimingPolicyFactory();
        context.addRoutePolicyFactory(factory);
        return factory;
    }

    /** The last webhooks refused, which the webhook port's edge and route keep and GET /refusals shows. */
    @BindToRegistry
    public RecentRefusals recentRefusals(Clock clock) {
        return new RecentRefusals(clock);
    }

    /** The workflow language's environment, which the catalog compiles its expressions in. */
    @BindToRegistry
    public ExpressionCompiler expressionCompiler(Settings settings) {
        return new ExpressionCompiler(settings.workflows().maxIterations());
    }
}
