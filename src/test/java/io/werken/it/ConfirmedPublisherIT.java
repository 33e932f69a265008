package io.werken.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.GetResponse;
import io.werken.broker.ConfirmLatency;
import io.werken.broker.ConfirmedPublisher;
import io.werken.broker.MessagePublisher;
import io.werken.broker.PublishFailedException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.stream.IntStream;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.ExecutorServiceManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;

/** The publisher behind every 202 and every acknowledged event, against the real broker's confirms, nacks and returns. */
class ConfirmedPublisherIT {

    /** Camel's thread pools, as Werken's publisher gets them from its context. */
    private static final ExecutorServiceManager THREADS = new DefaultCamelContext().getExecutorServiceManager();

    private final String queue = "it-" + UUID.randomUUID().toString().substring(0, 8) + ".publish";
    /** Never declared: a publish to it is unroutable. */
    private final String missingQueue = queue + ".missing";

    private CachingConnectionFactory factory;
    private ConfirmedPublisher publisher;
    private Broker broker;

    @BeforeEach
    void connect() {
        // As Werken configures it: no Spring publisher confirms or returns, the publisher does its own.
        factory = new CachingConnectionFactory(URI.create(Broker.URI_VALUE));
        publisher = publisher(factory, Duration.ofSeconds(5), 1, ConfirmLatency.NONE);
        broker = new Broker();
    }

    @AfterEach
    void cleanUp() throws Exception {
        broker.delete(queue, missingQueue);
        broker.close();
        publisher.close();
        factory.destroy();
    }

    /** A publisher, as Werken's wiring makes one. */
    private ConfirmedPublisher publisher(
            CachingConnectionFactory connections,
            Duration confirmTimeout,
            int lanes,
            ConfirmLatency confirmLatencyNanos) {
        return new ConfirmedPublisher(THREADS, connections, confirmTimeout, lanes, confirmLatencyNanos, null);
    }

    private ConfirmedPublisher publisher(CachingConnectionFactory connections, Duration confirmTimeout) {
        return publisher(connections, confirmTimeout, 1, ConfirmLatency.NONE);
    }

    /** {@code messages}, each to {@code queue}. */
    private static List<MessagePublisher.Outbound> to(String queue, Message... messages) {
        return Arrays.stream(messages)
                .map(m -> new MessagePublisher.Outbound(queue, m))
                .toList();
    }

    private static Message message(String id) {
        MessageProperties properties = new MessageProperties();
        properties.setMessageId(id);
        return new Message(id.getBytes(), properties);
    }

    /** A connection factory as Werken configures it, but reaching the broker through {@code proxy}. */
    private static CachingConnectionFactory through(BrokerProxy proxy) {
        return new CachingConnectionFactory(URI.create(proxy.uri()));
    }

    private static Map<String, String> headersOf(GetResponse response) {
        Map<String, Object> headers = response.getProps().getHeaders();
        Map<String, String> text = new TreeMap<>();
        if (headers != null) {
            headers.forEach((name, value) -> text.put(name, String.valueOf(value)));
        }
        return text;
    }

    @Test
    void theOwnLaneQueuesPublicationsAndTheOthersAreBothConfirmedAndArrive() {
        broker.declareQueue(queue, Map.of());
        String other = queue + ".other";
        broker.declareQueue(other, Map.of());
        try (ConfirmedPublisher twoKinds =
                new ConfirmedPublisher(THREADS, factory, Duration.ofSeconds(5), 1, ConfirmLatency.NONE, queue)) {
            List<CompletableFuture<Void>> all = IntStream.range(0, 200)
                    .mapToObj(i -> twoKinds.publishAllAsync(
                            i % 2 == 0
                                    ? to(queue, message("own-" + i))
                                    : List.of(
                                            new MessagePublisher.Outbound(other, message("other-" + i)),
                                            new MessagePublisher.Outbound(queue, message("mixed-" + i)))))
                    .toList();
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
        } finally {
            assertThat(broker.drain(queue)).hasSize(200);
            assertThat(broker.drain(other)).hasSize(100);
            broker.delete(other);
        }
    }

    @Test
    void aMessageArrivesWithExactlyTheHeadersAndPropertiesItWasGiven() {
        broker.declareQueue(queue, Map.of());
        MessageProperties properties = new MessageProperties();
        properties.setMessageId("e-1:0");
        properties.setType("werken.action");
        properties.setContentType("application/json");
        properties.setContentEncoding("utf-8");
        properties.setDeliveryMode(MessageDeliveryMode.PERSISTENT);
        properties.setAppId("werken");
        properties.setTimestamp(new Date(1_700_000_000_000L));
        properties.setHeader("x-werken-workflow", "mi-workflow");
        properties.setHeader("x-werken-attempt", 2);
        Message withHeaders = new Message("{}".getBytes(), properties);

        publisher.publishAll(to(queue, withHeaders, message("bare")));

        GetResponse first = broker.get(queue);
        assertThat(headersOf(first))
                .containsExactly(Map.entry("x-werken-attempt", "2"), Map.entry("x-werken-workflow", "mi-workflow"));
        AMQP.BasicProperties props = first.getProps();
        assertThat(props.getMessageId()).isEqualTo("e-1:0");
        assertThat(props.getType()).isEqualTo("werken.action");
        assertThat(props.getContentType()).isEqualTo("application/json");
        assertThat(props.getContentEncoding()).isEqualTo("utf-8");
        assertThat(props.getDeliveryMode()).isEqualTo(2);
        assertThat(props.getAppId()).isEqualTo("werken");
        assertThat(props.getTimestamp()).isEqualTo(new Date(1_700_000_000_000L));
        assertThat(first.getBody()).isEqualTo("{}".getBytes());
        // A message without headers arrives without any, and publishing wrote none into the caller's message either.
        assertThat(headersOf(broker.get(queue))).isEmpty();
        assertThat(withHeaders.getMessageProperties().getHeaders())
                .containsOnlyKeys("x-werken-workflow", "x-werken-attempt");
    }

    @Test
    void aBatchIsOnTheQueueInOrderWhenPublishReturns() {
        broker.declareQueue(queue, Map.of());

        publisher.publishAll(to(queue, message("a"), message("b"), message("c")));

        // No waiting: returning means confirmed.
        assertThat(broker.depth(queue)).isEqualTo(3);
        assertThat(List.of(broker.get(queue), broker.get(queue), broker.get(queue)))
                .extracting(GetResponse::getProps)
                .extracting(p -> p.getMessageId())
                .containsExactly("a", "b", "c");
    }

    @Test
    void aMessageTheBrokerRefusesFailsThePublish() {
        // A full queue that rejects new publishes makes the broker nack them.
        broker.declareQueue(queue, Map.of("x-max-length", 1, "x-overflow", "reject-publish"));
        publisher.publish(queue, message("fits"));

        assertThatThrownBy(() -> publisher.publishAll(to(queue, message("nacked"))))
                .isInstanceOf(PublishFailedException.class)
                .hasMessageContaining("refused message nacked");
    }

    @Test
    void aMessageNoQueueTakesFailsThePublish() {
        assertThatThrownBy(() -> publisher.publish(queue, message("lost")))
                .isInstanceOf(PublishFailedException.class)
                .hasMessageContaining("could not route message lost");
    }

    @Test
    void anUnroutableMessageFailsItsOwnCallerOnlyAndABatchThatHoldsOne() {
        broker.declareQueue(queue, Map.of());
        // One lane: routed and unroutable messages interleave on one channel, returns among the acks.
        List<CompletableFuture<Void>> routed = new ArrayList<>();
        List<CompletableFuture<Void>> unroutable = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            routed.add(publisher.publishAllAsync(to(queue, message("m-" + i))));
            unroutable.add(publisher.publishAllAsync(to(missingQueue, message("m-" + i))));
        }

        CompletableFuture.allOf(routed.toArray(CompletableFuture[]::new)).join();
        assertThat(unroutable)
                .allSatisfy(call -> assertThatThrownBy(call::join)
                        .hasCauseInstanceOf(PublishFailedException.class)
                        .hasMessageContaining("could not route message m-")
                        .hasMessageContaining(missingQueue));
        assertThat(broker.depth(queue)).isEqualTo(200);

        assertThatThrownBy(() -> publisher.publishAll(List.of(
                        new MessagePublisher.Outbound(queue, message("routed")),
                        new MessagePublisher.Outbound(missingQueue, message("lost")))))
                .isInstanceOf(PublishFailedException.class)
                .hasMessageContaining("could not route message lost to queue '" + missingQueue + "'");
    }

    @Test
    void noConfirmWithinTheTimeoutFailsThePublishAndTheNextOneGoesThrough() throws Exception {
        broker.declareQueue(queue, Map.of());
        try (BrokerProxy proxy = new BrokerProxy()) {
            CachingConnectionFactory proxied = through(proxy);
            try (ConfirmedPublisher slow = publisher(proxied, Duration.ofMillis(500))) {
                slow.publish(queue, message("before"));

                proxy.holdReplies();
                assertThatThrownBy(() -> slow.publish(queue, message("unconfirmed")))
                        .isInstanceOf(PublishFailedException.class)
                        .hasMessageContaining("No publisher confirm on '" + queue + "' within 500 ms");

                proxy.releaseReplies();
                slow.publish(queue, message("after"));
                // The unconfirmed one did reach the queue: a failed publish may still have been taken (at least once).
                assertThat(broker.depth(queue)).isEqualTo(3);
            } finally {
                proxied.destroy();
            }
        }
    }

    @Test
    void aConnectionLostWhileConfirmsAreOutstandingFailsTheirCallersAtOnce() throws Exception {
        broker.declareQueue(queue, Map.of());
        try (BrokerProxy proxy = new BrokerProxy()) {
            CachingConnectionFactory proxied = through(proxy);
            try (ConfirmedPublisher patient = publisher(proxied, Duration.ofSeconds(30))) {
                patient.publish(queue, message("before"));
                proxy.holdReplies();
                CompletableFuture<Void> waiting = patient.publishAllAsync(to(queue, message("a"), message("b")));
                await().atMost(Duration.ofSeconds(5)).until(() -> broker.depth(queue) == 3);
                assertThat(waiting).isNotDone();

                proxy.cutConnections();

                // Long before the 30 s confirm timeout.
                assertThat(waiting)
                        .failsWithin(Duration.ofSeconds(5))
                        .withThrowableOfType(ExecutionException.class)
                        .withCauseInstanceOf(PublishFailedException.class)
                        .withMessageContaining("closed before it confirmed message a");
                proxy.releaseReplies();
                patient.publish(queue, message("after"));
                assertThat(broker.depth(queue)).isEqualTo(4);
            } finally {
                proxied.destroy();
            }
        }
    }

    @Test
    void closeLetsTheConfirmsOfWhatWasPublishedArrive() throws Exception {
        broker.declareQueue(queue, Map.of());
        try (BrokerProxy proxy = new BrokerProxy()) {
            CachingConnectionFactory proxied = through(proxy);
            try {
                ConfirmedPublisher closing = publisher(proxied, Duration.ofSeconds(5));
                closing.publish(queue, message("before"));
                proxy.holdReplies();
                CompletableFuture<Void> waiting = closing.publishAllAsync(to(queue, message("a")));
                await().atMost(Duration.ofSeconds(5)).until(() -> broker.depth(queue) == 2);

                CompletableFuture<Void> closed = CompletableFuture.runAsync(closing::close);
                proxy.releaseReplies();

                assertThat(waiting).succeedsWithin(Duration.ofSeconds(5));
                assertThat(closed).succeedsWithin(Duration.ofSeconds(5));
            } finally {
                proxied.destroy();
            }
        }
    }

    @Test
    void theLatencyHookHearsOfEachPublishedMessageOnceAndOfNoFailedOne() {
        // Room for 50: the 51st is nacked.
        broker.declareQueue(queue, Map.of("x-max-length", 50, "x-overflow", "reject-publish"));
        Queue<Long> latencies = new ConcurrentLinkedQueue<>();
        // Each told with its queue (a latency of -1 stands for another queue).
        try (ConfirmedPublisher timed = publisher(
                factory, Duration.ofSeconds(5), 1, (q, nanos) -> latencies.add(q.equals(queue) ? nanos : -1L))) {
            long start = System.nanoTime();
            timed.publishAll(IntStream.range(0, 50)
                    .mapToObj(i -> new MessagePublisher.Outbound(queue, message("t-" + i)))
                    .toList());
            long elapsed = System.nanoTime() - start;

            assertThat(latencies)
                    .hasSize(50)
                    .allSatisfy(nanos -> assertThat(nanos).isPositive().isLessThanOrEqualTo(elapsed));

            assertThatThrownBy(() -> timed.publish(queue, message("nacked")))
                    .isInstanceOf(PublishFailedException.class);
            assertThatThrownBy(() -> timed.publish(missingQueue, message("returned")))
                    .isInstanceOf(PublishFailedException.class);
            assertThat(latencies).hasSize(50);
        }
    }

    @Test
    void manyCallersAtOnceEachReturnOnlyOnceTheirOwnMessagesAreConfirmed() {
        broker.declareQueue(queue, Map.of());
        try (ConfirmedPublisher lanes = publisher(factory, Duration.ofSeconds(5), 2, ConfirmLatency.NONE)) {
            List<CompletableFuture<Void>> calls = IntStream.range(0, 500)
                    .mapToObj(i -> lanes.publishAllAsync(to(queue, message(i + "-a"), message(i + "-b"))))
                    .toList();

            CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).join();
            assertThat(broker.depth(queue)).isEqualTo(1000);
        }
    }

    @Test
    void aLostConnectionFailsNoLaterPublish() {
        broker.declareQueue(queue, Map.of());
        publisher.publish(queue, message("before"));

        // Closes the connection, and with it the channel the publisher's lane holds.
        factory.resetConnection();

        publisher.publish(queue, message("after"));
        assertThat(broker.depth(queue)).isEqualTo(2);
    }

    @Test
    void aPublishAfterCloseFailsAtOnce() {
        broker.declareQueue(queue, Map.of());
        publisher.close();

        assertThatThrownBy(() -> publisher.publish(queue, message("late")))
                .isInstanceOf(PublishFailedException.class)
                .hasMessageContaining("stopping");
        assertThat(broker.depth(queue)).isZero();
    }

    @Test
    void aConnectionFactoryWithSpringConfirmsAndReturnsChangesNothing() {
        broker.declareQueue(queue, Map.of());
        CachingConnectionFactory correlated = new CachingConnectionFactory(URI.create(Broker.URI_VALUE));
        correlated.setPublisherConfirmType(CachingConnectionFactory.ConfirmType.CORRELATED);
        correlated.setPublisherReturns(true);
        try (ConfirmedPublisher own = publisher(correlated, Duration.ofSeconds(5))) {
            own.publish(queue, message("confirmed"));
            assertThat(headersOf(broker.get(queue))).isEmpty();
            assertThatThrownBy(() -> own.publish(missingQueue, message("lost")))
                    .isInstanceOf(PublishFailedException.class)
                    .hasMessageContaining("could not route message lost");
        } finally {
            correlated.destroy();
        }
    }
}
