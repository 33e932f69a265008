package io.werken.settings;

import io.werken.core.StartupRefusedException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Every setting Werken reads, typed and checked, grouped by role: built once from Camel's properties component
 * (application.properties with its {@code WERKEN_*} placeholders, system properties, the environment), by the server
 * ({@link #from(CamelProperties)}) and by the commands alike. A wrong value is refused with every problem at once.
 */
public record Settings(
        Http http,
        Management management,
        Broker broker,
        Queues queues,
        Dispatch dispatch,
        Dedupe dedupe,
        Workflows workflows,
        Journal journal,
        OwnRoutes ownRoutes,
        int shutdownTimeoutSeconds) {

    private static final int MAX_PORT = 65_535;
    private static final int MAX = Integer.MAX_VALUE;

    /** The webhook server (and the limits the management port shares). */
    public record Http(
            String host,
            int port,
            int maxBodyBytes,
            int maxRequestLineBytes,
            int maxHeaderBytes,
            int maxHeaderCount,
            int idleTimeoutSeconds,
            int requestTimeoutSeconds,
            int maxConnections,
            long maxInflightBodyBytes,
            long eventLoopBlockedMs,
            String allowedHeaders,
            int maxJsonDepth,
            int maxJsonNumberExponent,
            int payloadCheckThreads,
            int payloadCheckQueue,
            int workerThreads,
            int retryAfterSeconds) {}

    /** The management port: who may use it, and how many connections it holds. */
    public record Management(
            boolean enabled, String host, int port, String adminToken, int maxConnections, String jolokiaAccess) {}

    /** RabbitMQ, or the embedded broker (when {@code rabbitMqUri} is null) and its data directory. */
    public record Broker(
            String rabbitMqUri,
            int embeddedAmqpPort,
            String dataDir,
            long confirmTimeoutMs,
            int connectionTimeoutMs,
            int publisherChannels) {

        public boolean embedded() {
            return rabbitMqUri == null;
        }
    }

    /** The queues Werken declares, and how they are declared. */
    public record Queues(String received, String actions, String deadLetterExchange, String type, int deliveryLimit) {

        /** The received queue's dead-letter queue. */
        public String receivedDeadLetters() {
            return received + ".dlq";
        }
    }

    /** The consumers of the received queue, and the retries of a failed publish of actions. */
    public record Dispatch(int consumers, int prefetch, int maxRedeliveries, long redeliveryDelayMs) {}

    /** Where dedupe keys are kept, and for how long. */
    public record Dedupe(
            String store,
            long windowSeconds,
            int maxEntries,
            long pendingSeconds,
            String redisUri,
            String redisKeyPrefix) {}

    /** The workflows file, its reloads, and the workflow language's limits. */
    public record Workflows(
            String location,
            boolean watch,
            long pollIntervalMs,
            int maxIterations,
            int maxParamsBytes,
            long maxEvaluationSteps,
            long maxEvaluationBytes,
            long maxEvaluationMs) {}

    /** The event journal: where it writes, and its upkeep. */
    public record Journal(
            boolean on,
            String url,
            String user,
            String password,
            int poolSize,
            String queue,
            int batchSize,
            int lingerMs,
            boolean direct,
            Duration retention,
            long maxEvents,
            int scanLimit,
            double replayRate,
            long maxLag) {}

    /** The integration engineer's own routes and jars. */
    public record OwnRoutes(String dir, String libDir, boolean allowHttp) {}

    /**
     * The settings {@code properties} hold, or a {@link StartupRefusedException} naming every problem in one line
     * ({@code 2 settings are wrong: WERKEN_X must be ...; WERKEN_Y must be ...}).
     */
    /**
     * Refuses the {@code camel.server} keys of {@code keys} (environment variable and system property names) that
     * Werken's webhook server does not implement, in one line: for a Werken about to start, before camel-main binds
     * them, since camel-main fails with a stack trace on a key its own server lacks too ({@code
     * CAMEL_SERVER_CORS_ENABLED}). {@link #from} refuses the same keys wherever else they are set.
     */
    public static void refuseUnimplementedServerKeys(java.util.Collection<String> keys) {
        SettingsReader reader = new SettingsReader(key -> null);
        CamelServerKeys.refuseUnimplemented(new java.util.TreeSet<>(keys), null, reader);
        if (!reader.problems().isEmpty()) {
            throw new StartupRefusedException(reader.problems().get(0));
        }
    }

    public static Settings from(CamelProperties properties) {
        SettingsReader reader = new SettingsReader(properties::get);
        Settings settings = read(reader);
        CamelServerKeys.refuseUnimplemented(properties.keys(), properties.get("camel.server.enabled"), reader);
        List<String> problems = reader.problems();
        if (problems.size() == 1) {
            throw new StartupRefusedException(problems.get(0));
        }
        if (!problems.isEmpty()) {
            throw new StartupRefusedException(problems.size() + " settings are wrong: " + String.join("; ", problems));
        }
        return settings;
    }

    /** Every variable the settings read, with its property key (for the configuration reference's test). */
    public static Map<String, String> variables() {
        SettingsReader reader = new SettingsReader(key -> "");
        read(reader);
        Map<String, String> variables = new java.util.TreeMap<>(reader.variables());
        variables.keySet().removeIf(name -> !name.startsWith("WERKEN_"));
        return variables;
    }

    private static Settings read(SettingsReader r) {
        Http http = new Http(
                r.string("camel.server.host", "WERKEN_HTTP_HOST").trim(),
                r.integer("camel.server.port", "WERKEN_HTTP_PORT", 0, MAX_PORT),
                r.integer("camel.server.max-body-size", "WERKEN_MAX_BODY_BYTES", 1, MAX),
                r.integer("werken.http.max-request-line-bytes", "WERKEN_MAX_REQUEST_LINE_BYTES", 1, MAX),
                r.integer("werken.http.max-header-bytes", "WERKEN_MAX_HEADER_BYTES", 1, MAX),
                r.integer("werken.http.max-header-count", "WERKEN_MAX_HEADER_COUNT", 1, MAX),
                r.integer("werken.http.idle-timeout-seconds", "WERKEN_HTTP_IDLE_TIMEOUT_SECONDS", 1, MAX),
                r.integer("werken.http.request-timeout-seconds", "WERKEN_REQUEST_TIMEOUT_SECONDS", 1, MAX),
                r.integer("werken.http.max-connections", "WERKEN_MAX_CONNECTIONS", 1, MAX),
                r.number("werken.http.max-inflight-body-bytes", "WERKEN_MAX_INFLIGHT_BODY_BYTES", 1, Long.MAX_VALUE),
                r.number("werken.http.event-loop-blocked-ms", "WERKEN_EVENT_LOOP_BLOCKED_MS", 1, Long.MAX_VALUE),
                r.string("werken.http.allowed-headers", "WERKEN_HTTP_ALLOWED_HEADERS"),
                r.integer("werken.http.max-json-depth", "WERKEN_MAX_JSON_DEPTH", 1, MAX),
                r.integer("werken.http.max-json-number-exponent", "WERKEN_MAX_JSON_NUMBER_EXPONENT", 1, MAX),
                r.integer("werken.http.payload-check-threads", "WERKEN_PAYLOAD_CHECK_THREADS", 1, 1024),
                r.integer("werken.http.payload-check-queue", "WERKEN_PAYLOAD_CHECK_QUEUE", 0, MAX),
                r.integer("werken.http.worker-threads", "WERKEN_HTTP_WORKER_THREADS", 1, 4096),
                r.integer("werken.http.retry-after-seconds", "WERKEN_RETRY_AFTER_SECONDS", 0, MAX));
        Management management = new Management(
                r.bool("camel.management.enabled", "camel.management.enabled"),
                r.string("camel.management.host", "WERKEN_MANAGEMENT_HOST").trim(),
                r.integer("camel.management.port", "WERKEN_MANAGEMENT_PORT", 0, MAX_PORT),
                r.optional("werken.management.admin-token", "WERKEN_ADMIN_TOKEN"),
                r.integer("werken.management.max-connections", "WERKEN_MAX_MANAGEMENT_CONNECTIONS", 1, MAX),
                r.string("werken.management.jolokia-access", "WERKEN_JOLOKIA_ACCESS")
                        .trim());
        Broker broker = new Broker(
                r.optional("werken.rabbitmq.uri", "WERKEN_RABBITMQ_URI"),
                r.integer("werken.embedded.amqp-port", "WERKEN_EMBEDDED_AMQP_PORT", 0, MAX_PORT),
                r.string("werken.embedded.data-dir", "WERKEN_DATA_DIR"),
                r.number("werken.rabbitmq.confirm-timeout-ms", "WERKEN_CONFIRM_TIMEOUT_MS", 1, Long.MAX_VALUE),
                r.integer("werken.rabbitmq.connection-timeout-ms", "WERKEN_RABBITMQ_CONNECTION_TIMEOUT_MS", 1, MAX),
                r.integer("werken.rabbitmq.publisher-channels", "WERKEN_RABBITMQ_PUBLISHER_CHANNELS", 1, 64));
        Queues queues = new Queues(
                r.string("werken.queue.received", "WERKEN_QUEUE_RECEIVED").trim(),
                r.string("werken.queue.actions", "WERKEN_QUEUE_ACTIONS").trim(),
                r.string("werken.queue.dead-letter-exchange", "WERKEN_DEAD_LETTER_EXCHANGE")
                        .trim(),
                r.choice("werken.queue.type", "WERKEN_QUEUE_TYPE", "classic", "quorum"),
                r.integer("werken.queue.delivery-limit", "WERKEN_QUEUE_DELIVERY_LIMIT", 0, MAX));
        Dispatch dispatch = new Dispatch(
                r.integer("werken.dispatch.consumers", "WERKEN_DISPATCH_CONSUMERS", 1, 1024),
                r.integer("werken.dispatch.prefetch", "WERKEN_DISPATCH_PREFETCH", 1, 65_535),
                r.integer("werken.dispatch.max-redeliveries", "WERKEN_DISPATCH_MAX_REDELIVERIES", 0, MAX),
                r.number(
                        "werken.dispatch.redelivery-delay-ms",
                        "WERKEN_DISPATCH_REDELIVERY_DELAY_MS",
                        0,
                        Long.MAX_VALUE));
        Dedupe dedupe = new Dedupe(
                r.string("werken.dedupe.store", "WERKEN_DEDUPE_STORE").trim(),
                r.number("werken.dedupe.window-seconds", "WERKEN_DEDUPE_WINDOW_SECONDS", 1, Long.MAX_VALUE),
                r.integer("werken.dedupe.max-entries", "WERKEN_DEDUPE_MAX_ENTRIES", 1, MAX),
                r.number("werken.dedupe.pending-seconds", "WERKEN_DEDUPE_PENDING_SECONDS", 1, Long.MAX_VALUE),
                r.string("werken.redis.uri", "WERKEN_REDIS_URI").trim(),
                r.string("werken.dedupe.redis-key-prefix", "WERKEN_DEDUPE_REDIS_PREFIX"));
        Workflows workflows = new Workflows(
                r.string("werken.workflows", "WERKEN_WORKFLOWS").trim(),
                r.bool("werken.workflows.watch", "WERKEN_WORKFLOWS_WATCH"),
                r.number("werken.workflows.poll-interval-ms", "WERKEN_WORKFLOWS_POLL_INTERVAL_MS", 1, Long.MAX_VALUE),
                r.integer("werken.workflows.max-iterations", "WERKEN_CEL_MAX_ITERATIONS", 1, MAX),
                r.integer("werken.workflows.max-params-bytes", "WERKEN_MAX_PARAMS_BYTES", 1, MAX),
                r.number("werken.workflows.max-evaluation-steps", "WERKEN_CEL_MAX_STEPS", 1, Long.MAX_VALUE),
                r.number("werken.workflows.max-evaluation-bytes", "WERKEN_CEL_MAX_BYTES", 1, Long.MAX_VALUE),
                r.number("werken.workflows.max-evaluation-ms", "WERKEN_CEL_MAX_MS", 1, Long.MAX_VALUE));
        Journal journal = journal(r);
        OwnRoutes ownRoutes = new OwnRoutes(
                r.optional("werken.routes.dir", "WERKEN_ROUTES_DIR"),
                r.optional("werken.lib.dir", "WERKEN_LIB_DIR"),
                r.bool("werken.routes.allow-http", "WERKEN_ROUTES_ALLOW_HTTP"));
        int shutdownTimeout = r.integer("camel.main.shutdown-timeout", "WERKEN_SHUTDOWN_TIMEOUT_SECONDS", 1, MAX);
        return new Settings(
                http, management, broker, queues, dispatch, dedupe, workflows, journal, ownRoutes, shutdownTimeout);
    }

    /** The journal's settings; its numbers are checked only when it is on (off, nothing reads them). */
    private static Journal journal(SettingsReader r) {
        boolean on =
                r.choice("werken.journal.mode", "WERKEN_JOURNAL", "on", "off").equals("on");
        String url = r.optional("werken.journal.url", "WERKEN_JOURNAL_URL");
        if (on && url != null && !url.startsWith("jdbc:postgresql://")) {
            r.problem("WERKEN_JOURNAL_URL must be a jdbc:postgresql:// URL (or empty for the embedded store), not '"
                    + url.replaceAll("password=[^&]*", "password=...") + "'");
        }
        Journal journal = new Journal(
                on,
                url,
                r.optional("werken.journal.user", "WERKEN_JOURNAL_USER"),
                r.string("werken.journal.password", "WERKEN_JOURNAL_PASSWORD"),
                on ? r.integer("werken.journal.pool-size", "WERKEN_JOURNAL_POOL_SIZE", 1, 100) : 1,
                r.string("werken.journal.queue", "WERKEN_QUEUE_JOURNAL").trim(),
                on ? r.integer("werken.journal.batch-size", "WERKEN_JOURNAL_BATCH_SIZE", 1, 10_000) : 1,
                on ? r.integer("werken.journal.linger-ms", "WERKEN_JOURNAL_LINGER_MS", 0, 1_000) : 0,
                on
                        && r.choice("werken.journal.direct", "WERKEN_JOURNAL_DIRECT", "on", "off")
                                .equals("on"),
                on ? r.positiveDuration("werken.journal.retention", "WERKEN_JOURNAL_RETENTION") : Duration.ofDays(7),
                on ? r.number("werken.journal.max-events", "WERKEN_JOURNAL_MAX_EVENTS", 1, Long.MAX_VALUE) : 1,
                on ? r.integer("werken.journal.scan-limit", "WERKEN_JOURNAL_SCAN_LIMIT", 1, MAX) : 1,
                on ? r.positiveDecimal("werken.journal.replay-rate", "WERKEN_REPLAY_RATE", "events per second") : 1,
                on ? r.number("werken.journal.max-lag", "WERKEN_JOURNAL_MAX_LAG", 1, Long.MAX_VALUE) : 1);
        if (!on) {
            // Still named, so that the configuration reference lists them.
            for (String[] unread : new String[][] {
                {"werken.journal.pool-size", "WERKEN_JOURNAL_POOL_SIZE"},
                {"werken.journal.batch-size", "WERKEN_JOURNAL_BATCH_SIZE"},
                {"werken.journal.linger-ms", "WERKEN_JOURNAL_LINGER_MS"},
                {"werken.journal.direct", "WERKEN_JOURNAL_DIRECT"},
                {"werken.journal.retention", "WERKEN_JOURNAL_RETENTION"},
                {"werken.journal.max-events", "WERKEN_JOURNAL_MAX_EVENTS"},
                {"werken.journal.scan-limit", "WERKEN_JOURNAL_SCAN_LIMIT"},
                {"werken.journal.replay-rate", "WERKEN_REPLAY_RATE"},
                {"werken.journal.max-lag", "WERKEN_JOURNAL_MAX_LAG"}
            }) {
                r.variables().putIfAbsent(unread[1], unread[0]);
            }
        }
        return journal;
    }

    /** A source of resolved property values, and the keys a deployer set (for refusing those Werken ignores). */
    public interface CamelProperties {

        /** The resolved value of {@code key}, or null. */
        String get(String key);

        /** Every key set in a properties file, as an override, a system property or (CAMEL_X_Y) in the environment. */
        Set<String> keys();

        /** A source over {@code values} alone: tests. */
        static CamelProperties of(Map<String, String> values) {
            return new CamelProperties() {
                @Override
                public String get(String key) {
                    return values.get(key);
                }

                @Override
                public Set<String> keys() {
                    return values.keySet();
                }
            };
        }

        /** A source reading {@code values}, with no keys to check. */
        static CamelProperties of(Function<String, String> values) {
            return new CamelProperties() {
                @Override
                public String get(String key) {
                    return values.apply(key);
                }

                @Override
                public Set<String> keys() {
                    return Set.of();
                }
            };
        }
    }
}
