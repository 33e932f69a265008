package io.werken.http;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.werken.http.ManagementAccessGuard.Browser;
import io.werken.http.ManagementAccessGuard.Decision;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The guard's decision, for the cases one machine cannot produce over a socket: clients that are not on the loopback
 * interface, with and without a token configured, and forwarded-for headers that must not count.
 */
class ManagementAccessGuardTest {

    private static final List<String> OPEN = List.of("/observe/metrics");
    private static final String HEALTH = "/observe/health";
    private static final ManagementAccessGuard NO_TOKEN = guard(null);
    private static final ManagementAccessGuard BLANK_TOKEN = guard("  ");
    private static final ManagementAccessGuard TOKEN = guard("s3cret");

    private static ManagementAccessGuard guard(String token) {
        return new ManagementAccessGuard(token, HEALTH, OPEN, probe -> true, new ObjectMapper());
    }

    @Test
    void withoutATokenOnlyLoopbackClientsGetIn() {
        for (String local : List.of("127.0.0.1", "127.0.0.53", "::1", "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1")) {
            assertThat(NO_TOKEN.decide("/workflows", local, null)).as(local).isEqualTo(Decision.ALLOW);
        }
        for (String remote : List.of("10.0.0.7", "192.168.1.20", "172.17.0.1", "2001:db8::1", "::ffff:10.0.0.7", "0.0.0.0")) {
            assertThat(NO_TOKEN.decide("/workflows", remote, null)).as(remote).isEqualTo(Decision.NOT_LOOPBACK);
            assertThat(NO_TOKEN.decide("/dead-letters/requeue", remote, "Bearer anything")).as(remote)
                    .isEqualTo(Decision.NOT_LOOPBACK);
        }
        assertThat(BLANK_TOKEN.decide("/observe/jolokia/version", "10.0.0.7", null)).isEqualTo(Decision.NOT_LOOPBACK);
    }

    @Test
    void aNameOrNoAddressIsNeverLoopback() {
        // No lookup: "localhost" as a peer address could only come from something other than the socket.
        assertThat(NO_TOKEN.decide("/workflows", "localhost", null)).isEqualTo(Decision.NOT_LOOPBACK);
        assertThat(NO_TOKEN.decide("/workflows", null, null)).isEqualTo(Decision.NOT_LOOPBACK);
        assertThat(NO_TOKEN.decide("/workflows", "", null)).isEqualTo(Decision.NOT_LOOPBACK);
        // Hex letters and dots make a host name too (bad.cafe): never looked up, so never loopback.
        assertThat(ManagementAccessGuard.isLoopback("bad.cafe")).isFalse();
        assertThat(ManagementAccessGuard.isLoopback("127.1")).isFalse();
        assertThat(NO_TOKEN.decide("/workflows", "127.0.0.1", null, new Browser("bad.cafe:9876", null, null)))
                .isEqualTo(Decision.CROSS_SITE);
    }

    @Test
    void healthsStatusAndMetricsAreOpenToEveryone() {
        assertThat(NO_TOKEN.decide("/observe/metrics", "10.0.0.7", null)).isEqualTo(Decision.ALLOW);
        assertThat(TOKEN.decide("/observe/metrics", "10.0.0.7", null)).isEqualTo(Decision.ALLOW);
        for (String path : List.of("/observe/health", "/observe/health/", "/observe/health/live", "/observe/health/ready",
                "/observe/health/ready/")) {
            assertThat(NO_TOKEN.decide(path, "10.0.0.7", null)).as(path).isEqualTo(Decision.STATUS_ONLY);
            assertThat(NO_TOKEN.decide(path, "127.0.0.1", null, new Browser("evil.example", null, null))).as(path)
                    .isEqualTo(Decision.STATUS_ONLY);
            assertThat(BLANK_TOKEN.decide(path, "192.168.1.20", "Bearer anything")).as(path).isEqualTo(Decision.STATUS_ONLY);
            assertThat(TOKEN.decide(path, "10.0.0.7", null)).as(path).isEqualTo(Decision.STATUS_ONLY);
            assertThat(TOKEN.decide(path, "127.0.0.1", null)).as(path).isEqualTo(Decision.STATUS_ONLY);
            assertThat(TOKEN.decide(path, "127.0.0.1", "Bearer wrong")).as(path).isEqualTo(Decision.STATUS_ONLY);
        }
        for (String path : List.of("/observe/healthz", "/observe/health/x", "/observe/health/live/more",
                "/observe/metrics-secret", "/observe/jolokia", "/observe/info",
                "/workflows", "/workflows/reload", "/workflowsX", "/dead-letters", "/", "/anything")) {
            assertThat(TOKEN.decide(path, "127.0.0.1", null)).as(path).isEqualTo(Decision.TOKEN_MISSING);
            assertThat(NO_TOKEN.decide(path, "10.0.0.7", null)).as(path).isEqualTo(Decision.NOT_LOOPBACK);
        }
    }

    @Test
    void withATokenEveryClientNeedsItLoopbackToo() {
        for (String client : List.of("127.0.0.1", "10.0.0.7")) {
            assertThat(TOKEN.decide("/workflows", client, "Bearer s3cret")).isEqualTo(Decision.ALLOW);
            assertThat(TOKEN.decide("/workflows", client, "bearer   s3cret ")).isEqualTo(Decision.ALLOW);
            assertThat(TOKEN.decide("/workflows", client, null)).isEqualTo(Decision.TOKEN_MISSING);
            assertThat(TOKEN.decide("/workflows", client, "Bearer ")).isEqualTo(Decision.TOKEN_MISSING);
            assertThat(TOKEN.decide("/workflows", client, "Basic czNjcmV0")).as("no user:password").isEqualTo(Decision.TOKEN_MISSING);
            assertThat(TOKEN.decide("/workflows", client, "Basic " + basic("hawtio:s3cret"))).isEqualTo(Decision.ALLOW);
            assertThat(TOKEN.decide("/workflows", client, "Basic " + basic(":s3cret"))).isEqualTo(Decision.ALLOW);
            assertThat(TOKEN.decide("/workflows", client, "Basic " + basic("s3cret:nope"))).isEqualTo(Decision.TOKEN_WRONG);
            assertThat(TOKEN.decide("/workflows", client, "Basic not-base64!")).isEqualTo(Decision.TOKEN_MISSING);
            assertThat(TOKEN.decide("/workflows", client, "Digest s3cret")).isEqualTo(Decision.TOKEN_MISSING);
            assertThat(TOKEN.decide("/workflows", client, "s3cret")).isEqualTo(Decision.TOKEN_MISSING);
            assertThat(TOKEN.decide("/workflows", client, "Bearer s3cre")).isEqualTo(Decision.TOKEN_WRONG);
            assertThat(TOKEN.decide("/workflows", client, "Bearer s3cret2")).isEqualTo(Decision.TOKEN_WRONG);
            assertThat(TOKEN.decide("/workflows", client, "Bearer S3CRET")).isEqualTo(Decision.TOKEN_WRONG);
        }
    }

    @Test
    void withoutATokenAWebPageOfAnotherSiteOnThisMachineIsNotLetIn() {
        for (Browser local : List.of(new Browser("127.0.0.1:9876", null, null), new Browser("localhost:9876", null, "none"),
                new Browser("[::1]:9876", "http://localhost:9876", "same-origin"), new Browser(null, null, null))) {
            assertThat(NO_TOKEN.decide("/dead-letters/requeue", "127.0.0.1", null, local)).as("%s", local).isEqualTo(Decision.ALLOW);
        }
        for (Browser foreign : List.of(new Browser("localhost:9876", "https://evil.example", null),
                new Browser("localhost:9876", "null", null), new Browser("localhost:9876", null, "cross-site"),
                new Browser("localhost:9876", null, "same-site"), new Browser("rebound.evil.example:9876", null, null),
                new Browser("127.0.0.1.evil.example", null, null))) {
            assertThat(NO_TOKEN.decide("/dead-letters/requeue", "127.0.0.1", null, foreign)).as("%s", foreign)
                    .isEqualTo(Decision.CROSS_SITE);
        }
        // With a token there are no ambient credentials to abuse: the token decides.
        assertThat(TOKEN.decide("/workflows", "127.0.0.1", "Bearer s3cret", new Browser("x.example", "https://x.example", "cross-site")))
                .isEqualTo(Decision.ALLOW);
        // Health's status stays open whatever the browser says; its details are another site's page's no more.
        assertThat(NO_TOKEN.decide("/observe/health", "127.0.0.1", null, new Browser("x.example", "https://x.example", "cross-site")))
                .isEqualTo(Decision.STATUS_ONLY);
    }

    /** Health's details (exposureLevel=full, data=true) go to whoever may use the rest of the port, and to no one else. */
    @Test
    void healthsDetailsNeedWhatTheRestNeeds() {
        for (String path : List.of("/observe/health", "/observe/health/live", "/observe/health/ready")) {
            assertThat(NO_TOKEN.decide(path, "127.0.0.1", null)).as(path).isEqualTo(Decision.ALLOW);
            assertThat(NO_TOKEN.decide(path, "::1", null)).as(path).isEqualTo(Decision.ALLOW);
            assertThat(TOKEN.decide(path, "10.0.0.7", "Bearer s3cret")).as(path).isEqualTo(Decision.ALLOW);
        }
    }

    @Test
    void onlyTheThreeHealthEndpointsAnswerTheirStatus() {
        assertThat(TOKEN.probe("/observe/health")).isEqualTo(ManagementAccessGuard.Probe.ALL);
        assertThat(TOKEN.probe("/observe/health/live")).isEqualTo(ManagementAccessGuard.Probe.LIVENESS);
        assertThat(TOKEN.probe("/observe/health/ready/")).isEqualTo(ManagementAccessGuard.Probe.READINESS);
        assertThat(TOKEN.probe("/observe/health/werken-broker")).isNull();
        assertThat(TOKEN.probe("/observe/healthy")).isNull();
        assertThat(TOKEN.probe(null)).isNull();
    }

    private static String basic(String userAndPassword) {
        return Base64.getEncoder().encodeToString(userAndPassword.getBytes(StandardCharsets.UTF_8));
    }
}
