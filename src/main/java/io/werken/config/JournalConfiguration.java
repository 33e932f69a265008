package io.werken.config;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.werken.broker.MessagePublisher;
import io.werken.core.StartupRefusedException;
import io.werken.expression.EvaluationLimits;
import io.werken.expression.ExpressionCompiler;
import io.werken.journal.EventSearch;
import io.werken.journal.Journal;
import io.werken.journal.JournalHealthCheck;
import io.werken.journal.JournalHousekeeping;
import io.werken.journal.JournalRecords;
import io.werken.journal.JournalStore;
import io.werken.journal.JournalWriter;
import io.werken.journal.Replayer;
import io.werken.journal.ReplayJobs;
import io.werken.journal.RevisionRecorder;
import io.werken.journal.DraftImpact;
import io.werken.metrics.WerkenMetrics;
import io.werken.workflow.ActionPlanner;
import io.werken.workflow.CurrentWorkflows;
import io.werken.workflow.SecretResolver;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.PropertyInject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;

/**
 * The event journal ({@code WERKEN_JOURNAL}): the records dispatch publishes with each event, the consumer that writes
 * them to the journal's database (PostgreSQL at {@code WERKEN_JOURNAL_URL}, else H2 under {@code WERKEN_DATA_DIR}),
 * its upkeep (lag, retention), its health check, and what the management endpoints read and replay with. Off, it is
 * {@link JournalRecords#off()} and {@link Journal#off()}: nothing written, nothing read.
 */
@Configuration
public class JournalConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(JournalConfiguration.class);

    /** {@code WERKEN_JOURNAL}: on or off; anything else refuses startup. */
    static boolean on(String mode) {
        return switch (mode.trim().toLowerCase(Locale.ROOT)) {
            case "on" -> true;
            case "off" -> false;
            default -> throw new StartupRefusedException("WERKEN_JOURNAL must be on or off, not '" + mode + "'");
        };
    }

    @BindToRegistry
    public JournalRecords journalRecords(@PropertyInject("werken.journal.mode") String mode,
                                         @PropertyInject("werken.journal.queue") String queue,
                                         @PropertyInject("werken.queue.actions") String actionsQueue,
                                         ObjectMapper werkenJson, Clock clock) {
        return on(mode) ? new JournalRecords(werkenJson, clock, queue, actionsQueue) : JournalRecords.off();
    }

    @BindToRegistry
    public Journal journal(@PropertyInject("werken.journal.mode") String mode,
                           @PropertyInject("werken.journal.url") String url,
                           @PropertyInject("werken.journal.user") String user,
                           @PropertyInject("werken.journal.password") String password,
                           @PropertyInject("werken.journal.pool-size") int poolSize,
                           @PropertyInject("werken.embedded.data-dir") String dataDir,
                           @PropertyInject("werken.journal.queue") String queue,
                           @PropertyInject("werken.journal.batch-size") int batchSize,
                           @PropertyInject("werken.journal.retention") String retention,
                           @PropertyInject("werken.journal.max-events") long maxEvents,
                           @PropertyInject("werken.journal.scan-limit") int scanLimit,
                           @PropertyInject("werken.journal.replay-rate") double replayRate,
                           @PropertyInject("werken.journal.max-lag") long maxLag,
                           @PropertyInject("werken.queue.received") String receivedQueue,
                           @PropertyInject("werken.queue.actions") String actionsQueue,
                           JournalRecords journalRecords, MessagePublisher publisher,
                           CachingConnectionFactory cachingConnectionFactory, CurrentWorkflows currentWorkflows,
                           ActionPlanner actionPlanner, ExpressionCompiler expressionCompiler,
                           EvaluationLimits evaluationLimits, WerkenMetrics werkenMetrics, ObjectMapper werkenJson,
                           Clock clock, CamelContext context) {
        if (!on(mode)) {
            LOG.debug("The event journal is off (WERKEN_JOURNAL=off)");
            return Journal.off();
        }
        Duration keep = retention(retention);
        check(poolSize >= 1 && poolSize <= 100, "WERKEN_JOURNAL_POOL_SIZE must be 1..100, not " + poolSize);
        check(batchSize >= 1 && batchSize <= 10_000, "WERKEN_JOURNAL_BATCH_SIZE must be 1..10000, not " + batchSize);
        check(maxEvents >= 1, "WERKEN_JOURNAL_MAX_EVENTS must be at least 1, not " + maxEvents);
        check(scanLimit >= 1, "WERKEN_JOURNAL_SCAN_LIMIT must be at least 1, not " + scanLimit);
        check(replayRate > 0, "WERKEN_REPLAY_RATE must be above 0 (events per second), not " + replayRate);
        check(maxLag >= 1, "WERKEN_JOURNAL_MAX_LAG must be at least 1, not " + maxLag);
        String jdbcUrl = url == null || url.isBlank() ? null : url.trim();
        if (jdbcUrl != null && !jdbcUrl.startsWith("jdbc:postgresql://")) {
            throw new StartupRefusedException("WERKEN_JOURNAL_URL must be a jdbc:postgresql:// URL (or empty for the "
                    + "embedded store), not '" + jdbcUrl.replaceAll("password=[^&]*", "password=...") + "'");
        }
        JournalStore store = JournalStore.open(new JournalStore.Settings(jdbcUrl, blankToNull(user),
                secret(password), Path.of(dataDir).resolve("journal"), poolSize));
        context.getRegistry().bind("journalStore", JournalStore.class, store, null, "close");
        LOG.debug("The event journal writes to {}", store.describe());

        RevisionRecorder revisions = new RevisionRecorder(journalRecords, publisher);
        currentWorkflows.onReplace(revisions::loaded);
        revisions.loaded(currentWorkflows.catalog());

        JournalWriter writer = new JournalWriter(cachingConnectionFactory, queue, batchSize, store, werkenJson,
                context.getExecutorServiceManager().newSingleThreadExecutor(this, "JournalWriter"),
                werkenMetrics.registry(), clock);
        try {
            context.addService(writer, true, false);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot add the journal's writer: " + e.getMessage(), e);
        }

        JournalHousekeeping housekeeping = new JournalHousekeeping(store, new RabbitAdmin(cachingConnectionFactory),
                queue, revisions, currentWorkflows, keep, maxEvents, maxLag, werkenMetrics.registry(), clock);
        ScheduledExecutorService upkeep = context.getExecutorServiceManager()
                .newSingleThreadScheduledExecutor(this, "JournalHousekeeping");
        upkeep.scheduleWithFixedDelay(housekeeping, 1, 5, TimeUnit.SECONDS);
        context.getRegistry().bind("journalHealthCheck", new JournalHealthCheck(store, writer, housekeeping));

        EventSearch search = new EventSearch(expressionCompiler, evaluationLimits);
        DraftImpact impact = new DraftImpact(actionPlanner, actionsQueue);
        Replayer replayer = new Replayer(store, publisher, currentWorkflows, werkenJson, clock, receivedQueue);
        ReplayJobs replays = new ReplayJobs(store, replayer, search, werkenJson, clock,
                context.getExecutorServiceManager().newFixedThreadPool(this, "JournalReplay", 2), replayRate);
        try {
            // Stopped before the thread pools: a replay then stops at its next event, and is saved interrupted.
            context.addService(replays, true, false);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot add the journal's replays: " + e.getMessage(), e);
        }
        try {
            int interrupted = replays.interruptedAtLastStop();
            if (interrupted > 0) {
                LOG.warn("{} bulk replays were running when Werken last stopped: they are interrupted; resume each "
                         + "with POST /replays/{{id}}/resume", interrupted);
            }
        } catch (RuntimeException e) {
            LOG.warn("Could not look for interrupted replays ({}); they show as running until the journal's database "
                     + "answers", e.getMessage());
        }
        return new Journal(store, search, impact, replayer, replays, scanLimit);
    }

    private static Duration retention(String text) {
        try {
            Duration duration = Duration.parse(text.trim());
            if (duration.isNegative() || duration.isZero()) {
                throw new StartupRefusedException("WERKEN_JOURNAL_RETENTION must be a positive ISO-8601 duration "
                        + "such as P7D or PT12H, not '" + text + "'");
            }
            return duration;
        } catch (DateTimeParseException e) {
            throw new StartupRefusedException("WERKEN_JOURNAL_RETENTION must be an ISO-8601 duration such as P7D or "
                    + "PT12H, not '" + text + "'");
        }
    }

    private static String secret(String password) {
        if (password == null || password.isEmpty()) {
            return null;
        }
        if (password.startsWith("file:")) {
            try {
                return SecretResolver.fromEnvironment().resolve(password);
            } catch (IllegalArgumentException e) {
                throw new StartupRefusedException("WERKEN_JOURNAL_PASSWORD: " + e.getMessage());
            }
        }
        return password;
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text;
    }

    private static void check(boolean ok, String refusal) {
        if (!ok) {
            throw new StartupRefusedException(refusal);
        }
    }
}
