package io.werken.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.buffer.Buffer;
import io.werken.core.WerkenJson;
import io.werken.metrics.RecentRefusals;
import io.werken.metrics.WerkenMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.direct.DirectComponent;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The 500 says what failed: the webhook (counted among refusals) or the management request (not counted); a webhook
 * failed by Werken's own stop is a 503 with when to retry.
 */
class ProblemResponderTest {

    private final ObjectMapper json = WerkenJson.mapper();
    private final RecentRefusals refusals = new RecentRefusals(Clock.systemUTC());
    private CamelContext context;
    private final CountDownLatch entered = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);

    @BeforeEach
    void start() throws Exception {
        ProblemResponder responder =
                new ProblemResponder(json, 5, new WerkenMetrics(new SimpleMeterRegistry()), refusals);
        context = new DefaultCamelContext();
        context.addComponent(ManagementHttpComponent.NAME, new DirectComponent());
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                onException(Exception.class).handled(true).process(responder);
                // Named otherwise than ingest-webhook: the group, not the id, makes a route the webhook's.
                from("direct:intake")
                        .routeId("take-webhook")
                        .routeGroup(ProblemResponder.WEBHOOK_GROUP)
                        .throwException(new IllegalStateException("boom"));
                // A webhook in its route when the stop begins, failed by what the stop closes.
                from("direct:in-flight")
                        .routeId("take-webhook-in-flight")
                        .routeGroup(ProblemResponder.WEBHOOK_GROUP)
                        .process(exchange -> {
                            entered.countDown();
                            release.await(10, TimeUnit.SECONDS);
                            throw new RejectedExecutionException("the executor was shut down");
                        });
                from(ManagementHttpComponent.NAME + ":queues")
                        .routeId("list-queues")
                        .throwException(new IllegalStateException("boom"));
            }
        });
        context.start();
    }

    @AfterEach
    void stop() {
        context.stop();
    }

    @Test
    void aWebhookThatFailsIsAnsweredAsTheWebhookAndCounted() throws Exception {
        JsonNode problem = answer("direct:intake");

        assertThat(problem.path("status").asInt()).isEqualTo(500);
        assertThat(problem.path("detail").asText())
                .isEqualTo("Werken could not process the webhook; it was not accepted.");
        assertThat(refusals.newestFirst()).hasSize(1);
    }

    @Test
    void aManagementRequestThatFailsSaysSoAndIsNotCountedAsAWebhook() throws Exception {
        JsonNode problem = answer(ManagementHttpComponent.NAME + ":queues");

        assertThat(problem.path("status").asInt()).isEqualTo(500);
        assertThat(problem.path("detail").asText())
                .isEqualTo("Werken could not process the management request (route list-queues); "
                        + "the cause is in Werken's log.")
                .doesNotContain("webhook");
        assertThat(refusals.newestFirst()).isEmpty();
    }

    @Test
    void aWebhookFailedByTheStopIsRefusedWith503AndWhenToRetryNot500() throws Exception {
        CompletableFuture<Exchange> answered = context.createProducerTemplate()
                .asyncSend("direct:in-flight", e -> e.getIn().setBody("{}"));
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
        Thread stopping = new Thread(context::stop);
        stopping.start();
        await().atMost(Duration.ofSeconds(10)).until(context::isStopping);
        release.countDown();

        Exchange exchange = answered.get(10, TimeUnit.SECONDS);
        stopping.join(10_000);

        assertThat(exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class))
                .isEqualTo(503);
        assertThat(exchange.getMessage().getHeader("Retry-After", String.class)).isEqualTo("5");
        JsonNode problem =
                json.readTree(exchange.getMessage().getBody(Buffer.class).getBytes());
        assertThat(problem.path("type").asText()).endsWith("shutting-down");
        assertThat(problem.path("detail").asText())
                .isEqualTo("Werken is shutting down, so the webhook was not accepted; retry after 5 seconds.");
        assertThat(refusals.newestFirst()).hasSize(1);
    }

    private JsonNode answer(String uri) throws Exception {
        Exchange exchange =
                context.createProducerTemplate().request(uri, e -> e.getIn().setBody("{}"));
        assertThat(exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class))
                .isEqualTo(500);
        return json.readTree(exchange.getMessage().getBody(Buffer.class).getBytes());
    }
}
