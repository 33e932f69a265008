package io.werken.metrics;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.NamedNode;
import org.apache.camel.Route;
import org.apache.camel.component.micrometer.routepolicy.MicrometerRoutePolicy;
import org.apache.camel.component.micrometer.routepolicy.MicrometerRoutePolicyConfiguration;
import org.apache.camel.component.micrometer.routepolicy.MicrometerRoutePolicyFactory;
import org.apache.camel.component.micrometer.routepolicy.MicrometerRoutePolicyNamingStrategy;
import org.apache.camel.spi.RoutePolicy;
import org.apache.camel.support.ExchangeHelper;

/**
 * Camel's route metrics per route ({@code camel_route_policy_seconds}, {@code camel_exchanges_total},
 * {@code camel_exchanges_succeeded_total}, {@code camel_exchanges_failed_total},
 * {@code camel_exchanges_failures_handled_total}, {@code camel_exchanges_external_redeliveries_total}, with the same
 * names, tags and descriptions), with less work per exchange than camel-micrometer's own policy.
 * <p>
 * camel-micrometer 4.17's {@code MicrometerRoutePolicy$MetricsStatistics} keys the exchange's timer sample by a property
 * name it formats for each exchange, twice (in {@code onExchangeBegin} and again in {@code onExchangeDone}):
 * {@code propertyName(exchange)} is {@code String.format("%s-%s-%s", "camel.route.policy", route.getId(),
 * exchange.getExchangeId())}. This policy is Camel's (its meters, its JMX service and its clean-up when a route is
 * removed all come from it), except per exchange: the sample's start goes under a name fixed per route, and the
 * meters are found once. Per route only (the context-wide {@code routeId=""} series would time every exchange a second
 * time).
 */
public final class RouteTimingPolicyFactory extends MicrometerRoutePolicyFactory {

    public RouteTimingPolicyFactory() {
        MicrometerRoutePolicyConfiguration configuration = new MicrometerRoutePolicyConfiguration();
        configuration.setContextEnabled(false);
        configuration.setRouteEnabled(true);
        setPolicyConfiguration(configuration);
        setNamingStrategy(MicrometerRoutePolicyNamingStrategy.DEFAULT);
    }

    @Override
    public RoutePolicy createRoutePolicy(CamelContext camelContext, String routeId, NamedNode route) {
        RouteTimingPolicy policy = new RouteTimingPolicy(this);
        policy.setMeterRegistry(getMeterRegistry());
        policy.setPrettyPrint(isPrettyPrint());
        policy.setSkipCamelInfo(isSkipCamelInfo());
        policy.setDurationUnit(getDurationUnit());
        policy.setNamingStrategy(getNamingStrategy());
        policy.setConfiguration(getPolicyConfiguration());
        return policy;
    }

    /** One route's policy: Camel's, but for what it does per exchange. */
    static final class RouteTimingPolicy extends MicrometerRoutePolicy {

        private volatile Meters meters;

        RouteTimingPolicy(MicrometerRoutePolicyFactory factory) {
            super(factory);
        }

        @Override
        public void onStart(Route route) {
            // Camel's registers the counters (and its JMX service); the same ids found here are the same meters.
            super.onStart(route);
            meters = getConfiguration().isRouteEnabled()
                    ? new Meters(getMeterRegistry(), getNamingStrategy(), route, getConfiguration())
                    : null;
        }

        @Override
        public void onRemove(Route route) {
            Meters removed = meters;
            meters = null;
            super.onRemove(route);
            if (removed != null) {
                removed.removeTimer();
            }
        }

        @Override
        public void onExchangeBegin(Route route, Exchange exchange) {
            Meters m = meters;
            if (m != null) {
                exchange.setProperty(m.startProperty, m.clock.monotonicTime());
            }
        }

        @Override
        public void onExchangeDone(Route route, Exchange exchange) {
            Meters m = meters;
            if (m == null) {
                return;
            }
            Object start = exchange.removeProperty(m.startProperty);
            if (start instanceof Long started) {
                m.timer().record(m.clock.monotonicTime() - started, TimeUnit.NANOSECONDS);
            }
            m.count(exchange);
        }
    }

    /** A route's meters, found once; the timer registered at the first exchange done, as Camel's policy does. */
    static final class Meters {

        final String startProperty;
        final Clock clock;
        private final MeterRegistry registry;
        private final MicrometerRoutePolicyNamingStrategy naming;
        private final Route route;
        private final Counter total;
        private final Counter succeeded;
        private final Counter failed;
        private final Counter failuresHandled;
        private final Counter externalRedeliveries;
        private volatile Timer timer;

        Meters(
                MeterRegistry registry,
                MicrometerRoutePolicyNamingStrategy naming,
                Route route,
                MicrometerRoutePolicyConfiguration configuration) {
            this.registry = registry;
            this.naming = naming;
            this.route = route;
            this.clock = registry.config().clock();
            this.startProperty = "WerkenRouteTiming-" + route.getId();
            boolean counters = configuration.isAdditionalCounters();
            Tags tags = naming.getExchangeStatusTags(route);
            this.total = counters && configuration.isExchangesTotal()
                    ? counter(naming.getExchangesTotalName(route), "Total number of processed exchanges", tags)
                    : null;
            this.succeeded = counters && configuration.isExchangesSucceeded()
                    ? counter(
                            naming.getExchangesSucceededName(route), "Number of successfully completed exchanges", tags)
                    : null;
            this.failed = counters && configuration.isExchangesFailed()
                    ? counter(naming.getExchangesFailedName(route), "Number of failed exchanges", tags)
                    : null;
            this.failuresHandled = counters && configuration.isFailuresHandled()
                    ? counter(naming.getFailuresHandledName(route), "Number of failures handled", tags)
                    : null;
            this.externalRedeliveries = counters && configuration.isExternalRedeliveries()
                    ? counter(
                            naming.getExternalRedeliveriesName(route),
                            "Number of external initiated redeliveries (such as from JMS broker)",
                            tags)
                    : null;
        }

        private Counter counter(String name, String description, Tags tags) {
            return Counter.builder(name).tags(tags).description(description).register(registry);
        }

        Timer timer() {
            Timer t = timer;
            if (t == null) {
                t = Timer.builder(naming.getName(route))
                        .tags(naming.getTags(route))
                        .description("Route performance metrics")
                        .register(registry);
                timer = t;
            }
            return t;
        }

        void removeTimer() {
            Timer t = timer;
            if (t != null) {
                registry.remove(t);
            }
        }

        /** As Camel's policy counts an exchange done. */
        void count(Exchange exchange) {
            if (total != null) {
                total.increment();
            }
            if (exchange.isFailed()) {
                if (failed != null) {
                    failed.increment();
                }
                return;
            }
            if (succeeded != null) {
                succeeded.increment();
            }
            if (failuresHandled != null && ExchangeHelper.isFailureHandled(exchange)) {
                failuresHandled.increment();
            }
            if (externalRedeliveries != null && exchange.isExternalRedelivered()) {
                externalRedeliveries.increment();
            }
        }
    }
}
