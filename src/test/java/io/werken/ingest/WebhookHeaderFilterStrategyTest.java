package io.werken.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** The header allowlist at the HTTP edge, both ways. */
class WebhookHeaderFilterStrategyTest {

    private final WebhookHeaderFilterStrategy strategy =
            new WebhookHeaderFilterStrategy(Set.of("Content-Type", "CamelHttpUri"));

    @Test
    void onlyAllowListedRequestHeadersComeIn() {
        assertThat(strategy.applyFilterToExternalHeaders("content-type", "application/json", null))
                .isFalse();
        assertThat(strategy.applyFilterToExternalHeaders("X-Anything", "1", null))
                .isTrue();
        assertThat(strategy.applyFilterToExternalHeaders("Authorization", "Bearer x", null))
                .isTrue();
    }

    @Test
    void contentTypeIsAlwaysAllowedBecauseThe415CheckNeedsIt() {
        WebhookHeaderFilterStrategy none = new WebhookHeaderFilterStrategy(Set.of());
        assertThat(none.applyFilterToExternalHeaders("Content-Type", "application/json", null))
                .isFalse();
        assertThat(none.applyFilterToExternalHeaders("X-Anything", "1", null)).isTrue();
    }

    @Test
    void camelHeadersNeverComeInEvenIfAllowListed() {
        assertThat(strategy.applyFilterToExternalHeaders("CamelHttpUri", "/x", null))
                .isTrue();
        assertThat(strategy.applyFilterToExternalHeaders("CamelSpringRabbitmqRoutingOverrideKey", "q", null))
                .isTrue();
    }

    @Test
    void onlyWerkensResponseHeadersGoOut() {
        assertThat(strategy.applyFilterToCamelHeaders("Content-Type", "application/json", null))
                .isFalse();
        assertThat(strategy.applyFilterToCamelHeaders("Retry-After", "5", null)).isFalse();
        assertThat(strategy.applyFilterToCamelHeaders("workflow_id", "mi-workflow", null))
                .isTrue();
        assertThat(strategy.applyFilterToCamelHeaders("CamelHttpPath", "/webhook/x", null))
                .isTrue();
    }
}
