package io.werken.routes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.werken.core.EventLog;
import io.werken.testing.FreePorts;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.ConfigurationSource;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.Property;
import org.apache.logging.log4j.core.config.properties.PropertiesConfigurationFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;

/**
 * The event log on the application's ingest and dispatch routes (the broker replaced by a {@link RecordingPublisher},
 * dispatch fed from {@code direct:events}): one line per accepted webhook and one per dispatched event, with the
 * event's ids, none for a refused webhook or a dead-lettered event, and none at all once the logger is off.
 */
class EventLogRouteTest extends CamelMainTestSupport {

    private static final String RECEIVED = "test.received_webhooks";
    private static final String ACTIONS = "test.required_actions";
    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String TRACEPARENT = "00-" + TRACE + "-00f067aa0ba902b7-01";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PORT = FreePorts.next();

    private final RecordingPublisher publisher = new RecordingPublisher();
    private final HttpClient http = HttpClient.newHttpClient();
    private final Capture logs = new Capture();

    @Override
    protected void doPreSetup() throws Exception {
        replaceRouteFromWith("dispatch-actions", "direct:events");
    }

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        Properties properties = IngestRouteProperties.on(PORT, RECEIVED);
        properties.put(
                "camel.main.routes-include-pattern",
                "classpath:routes/ingest-webhook.camel.yaml,"
                        + "classpath:routes/http-problems.camel.yaml,classpath:routes/dispatch-actions.camel.yaml,"
                        + "classpath:routes/dispatch-errors.camel.yaml,classpath:routes/dead-letter.camel.yaml");
        properties.put("werken.queue.actions", ACTIONS);
        properties.put("werken.dispatch.max-redeliveries", "0");
        return properties;
    }

    @Override
    protected void configure(MainConfigurationProperties configuration) {
        RouteTestWiring.of(configuration, publisher);
    }

    @BeforeEach
    void capture() {
        logs.attach();
    }

    @AfterEach
    void release() {
        logs.detach();
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        context.getConfiguration().removeLogger(EventLog.LOGGER);
        context.updateLoggers();
    }

    private HttpResponse<String> post(String body) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + PORT + "/webhook/mi-workflow"))
                        .header("Content-Type", "application/json")
                        .header("traceparent", TRACEPARENT)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The event ingest published for the 202 {@code answer}, handed to dispatch as the broker would. */
    private void dispatch(HttpResponse<String> answer) throws IOException {
        String eventId = JSON.readTree(answer.body()).get("event_id").asText();
        Message event = publisher.on(RECEIVED).stream()
                .filter(m -> m.getMessageProperties().getMessageId().equals(eventId))
                .findFirst()
                .orElseThrow();
        template.sendBodyAndHeaders(
                "direct:events",
                event.getBody(),
                Map.of(
                        "CamelSpringRabbitmqMessageId",
                        eventId,
                        "traceparent",
                        event.getMessageProperties().getHeader("traceparent")));
    }

    @Test
    void oneLinePerAcceptedWebhookAndOnePerDispatchedEventWithTheEventsIds() throws Exception {
        HttpResponse<String> answer = post("{\"user_id\": 123, \"data\": \"some important data\"}");
        assertThat(answer.statusCode()).isEqualTo(202);
        String eventId = JSON.readTree(answer.body()).get("event_id").asText();
        assertThat(post("not json").statusCode()).isEqualTo(400);
        dispatch(answer);

        assertThat(logs.events())
                .extracting(e -> e.getLevel() + " " + e.getMessage().getFormattedMessage())
                .containsExactly(
                        "INFO accepted workflow=mi-workflow", "INFO dispatched workflow=mi-workflow actions=2");
        assertThat(logs.events()).allSatisfy(e -> {
            assertThat(e.getContextData().<String>getValue("event_id")).isEqualTo(eventId);
            assertThat(e.getContextData().<String>getValue("trace_id")).isEqualTo(TRACE);
        });
    }

    @Test
    void aDeadLetteredEventIsNotLoggedAsDispatchedButWarnedAboutWithItsReason() {
        template.sendBodyAndHeaders(
                "direct:events",
                ("{\"event_id\":\"e-dead\",\"workflow_id\":\"no-such-workflow\","
                                + "\"received_at\":\"2026-11-26T00:00:00Z\",\"payload\":{}}")
                        .getBytes(StandardCharsets.UTF_8),
                Map.of("CamelSpringRabbitmqMessageId", "e-dead"));

        assertThat(publisher.on(RECEIVED + ".dlq")).hasSize(1);
        assertThat(logs.events()).isEmpty();
        assertThat(logs.all())
                .filteredOn(e -> e.getLevel() == Level.WARN)
                .extracting(e -> e.getMessage().getFormattedMessage())
                .anySatisfy(line -> assertThat(line)
                        .contains("Dead-lettering event_id=e-dead")
                        .contains("no-such-workflow"));
    }

    @Test
    void theEventLoggerOffSilencesBothLines() throws Exception {
        Configurator.setLevel(EventLog.LOGGER, Level.OFF);

        HttpResponse<String> answer = post("{\"user_id\": 123}");
        assertThat(answer.statusCode()).isEqualTo(202);
        dispatch(answer);

        assertThat(publisher.on(ACTIONS)).hasSize(2);
        assertThat(logs.events()).isEmpty();
    }

    @Test
    void werkensLogConfigurationNamesTheEventLoggerAtInfoUnlessWerkenEventLogSaysOtherwise() throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/log4j2.properties")) {
            LoggerContext context = new LoggerContext("event-log-config");
            Configuration configuration =
                    new PropertiesConfigurationFactory().getConfiguration(context, new ConfigurationSource(in));
            configuration.initialize();
            String expected = System.getenv()
                    .getOrDefault("WERKEN_EVENT_LOG", System.getenv().getOrDefault("WERKEN_LOG_LEVEL", "INFO"));

            assertThat(configuration.getLoggers()).containsKey(EventLog.LOGGER);
            assertThat(configuration.getLoggerConfig(EventLog.LOGGER).getLevel())
                    .isEqualTo(Level.toLevel(expected));
        }
    }

    /** Collects every log event of the routes under test (they run in this JVM). */
    private static final class Capture extends AbstractAppender {

        private final ConcurrentLinkedQueue<LogEvent> events = new ConcurrentLinkedQueue<>();

        Capture() {
            super("event-log-test", null, null, true, Property.EMPTY_ARRAY);
        }

        @Override
        public void append(LogEvent event) {
            events.add(event.toImmutable());
        }

        void attach() {
            start();
            LoggerContext context = (LoggerContext) LogManager.getContext(false);
            context.getConfiguration().getRootLogger().addAppender(this, null, null);
            context.updateLoggers();
        }

        void detach() {
            LoggerContext context = (LoggerContext) LogManager.getContext(false);
            context.getConfiguration().getRootLogger().removeAppender(getName());
            context.updateLoggers();
            stop();
        }

        List<LogEvent> all() {
            return List.copyOf(events);
        }

        /** The event log's lines. */
        List<LogEvent> events() {
            return events.stream()
                    .filter(e -> e.getLoggerName().equals(EventLog.LOGGER))
                    .toList();
        }
    }
}
