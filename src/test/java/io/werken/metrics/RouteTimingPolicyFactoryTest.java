package io.werken.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.component.micrometer.routepolicy.MicrometerRoutePolicyFactory;
import org.apache.camel.component.micrometer.routepolicy.MicrometerRoutePolicyNamingStrategy;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.RoutePolicyFactory;
import org.junit.jupiter.api.Test;

/**
 * Werken's route policy gives the Prometheus series camel-micrometer's own gives (as camel-main set it up before:
 * per route, default naming), with the same counts, for exchanges that succeed, fail, and fail handled; and a route
 * removed takes its series with it.
 */
class RouteTimingPolicyFactoryTest {

    @Test
    void scrapesAsCamelsOwnPolicy() throws Exception {
        MicrometerRoutePolicyFactory camels = new MicrometerRoutePolicyFactory();
        camels.setNamingStrategy(MicrometerRoutePolicyNamingStrategy.DEFAULT);
        camels.getPolicyConfiguration().setContextEnabled(false);
        camels.getPolicyConfiguration().setRouteEnabled(true);

        Map<String, String> expected = camelSeries(run(camels));
        Map<String, String> actual = camelSeries(run(new RouteTimingPolicyFactory()));

        assertThat(expected)
                .containsKeys(
                        "camel_exchanges_total{camelContext=\"metrics-test\",eventType=\"route\",kind=\"CamelRoute\",routeId=\"ok\"}",
                        "camel_route_policy_seconds_count{camelContext=\"metrics-test\",eventType=\"route\",kind=\"CamelRoute\",routeId=\"fails\"}");
        assertThat(actual.keySet()).isEqualTo(expected.keySet());
        // Counts match; times (sum, max) do not, being times.
        for (Map.Entry<String, String> series : expected.entrySet()) {
            if (!series.getKey().contains("_seconds_sum") && !series.getKey().contains("_seconds_max")) {
                assertThat(actual.get(series.getKey())).as(series.getKey()).isEqualTo(series.getValue());
            }
        }
        assertThat(actual)
                .containsEntry(
                        "camel_exchanges_failed_total{camelContext=\"metrics-test\",eventType=\"route\",kind=\"CamelRoute\",routeId=\"fails\"}",
                        "2.0")
                .containsEntry(
                        "camel_exchanges_failures_handled_total{camelContext=\"metrics-test\",eventType=\"route\",kind=\"CamelRoute\",routeId=\"handled\"}",
                        "1.0")
                .containsEntry(
                        "camel_route_policy_seconds_count{camelContext=\"metrics-test\",eventType=\"route\",kind=\"CamelRoute\",routeId=\"ok\"}",
                        "3");
    }

    @Test
    void aRemovedRouteTakesItsSeriesWithIt() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (CamelContext context = context(new RouteTimingPolicyFactory(), registry)) {
            context.getRouteController().stopRoute("ok");
            context.removeRoute("ok");
            assertThat(camelSeries(registry.scrape()).keySet()).noneMatch(k -> k.contains("routeId=\"ok\""));
            assertThat(camelSeries(registry.scrape()).keySet()).anyMatch(k -> k.contains("routeId=\"fails\""));
        }
    }

    /** The registry's scrape after a few exchanges through each route, taken while the routes are there. */
    private static String run(RoutePolicyFactory factory) throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (CamelContext context = context(factory, registry)) {
            ProducerTemplate template = context.createProducerTemplate();
            for (int i = 0; i < 3; i++) {
                template.sendBody("direct:ok", "x");
            }
            for (int i = 0; i < 2; i++) {
                template.send("direct:fails", e -> e.getMessage().setBody("x"));
            }
            template.sendBody("direct:handled", "x");
            return registry.scrape();
        }
    }

    private static CamelContext context(RoutePolicyFactory factory, PrometheusMeterRegistry registry) throws Exception {
        CamelContext context = new DefaultCamelContext();
        context.getCamelContextExtension().setName("metrics-test");
        context.getRegistry().bind(MicrometerConstants.METRICS_REGISTRY_NAME, registry);
        context.addRoutePolicyFactory(factory);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:ok").routeId("ok").setBody(constant("done"));
                from("direct:fails").routeId("fails").throwException(new IllegalStateException("no"));
                from("direct:handled")
                        .routeId("handled")
                        .onException(IllegalStateException.class)
                        .handled(true)
                        .end()
                        .throwException(new IllegalStateException("handled"));
            }
        });
        context.start();
        return context;
    }

    /** The route policy's series in a scrape: value by name and labels. */
    private static Map<String, String> camelSeries(String text) {
        List<String> lines = text.lines()
                .filter(line -> line.startsWith("camel_exchanges") || line.startsWith("camel_route_policy"))
                .toList();
        return lines.stream()
                .collect(Collectors.toMap(
                        line -> line.substring(0, line.lastIndexOf(' ')),
                        line -> line.substring(line.lastIndexOf(' ') + 1),
                        (a, b) -> a,
                        TreeMap::new));
    }
}
