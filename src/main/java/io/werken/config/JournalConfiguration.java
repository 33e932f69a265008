package io.werken.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.werken.broker.MessagePublisher;
import io.werken.core.StartupRefusedException;
import io.werken.expression.EvaluationLimits;
import io.werken.expression.ExpressionCompiler;
import io.werken.journal.DraftImpact;
import io.werken.journal.EventSearch;
import io.werken.journal.Journal;
import io.werken.journal.JournalDirectWriter;
import io.werken.journal.JournalHealthCheck;
import io.werken.journal.JournalHousekeeping;
import io.werken.journal.JournalRecords;
import io.werken.journal.JournalStore;
import io.werken.journal.JournalWriter;
import io.werken.journal.ReplayJobs;
import io.werken.journal.Replayer;
import io.werken.journal.RevisionRecorder;
import io.werken.metrics.WerkenMetrics;
import io.werken.settings.Settings;
import io.werken.workflow.ActionPlanner;
import io.werken.workflow.CurrentWorkflows;
import io.werken.workflow.SecretResolver;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
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

    @BindToRegistry
    public JournalRecords journalRecords(Settings settings, ObjectMapper werkenJson, Clock clock) {
        return settings.journal().on()
                ? new JournalRecords(
                        werkenJson,
                        clock,
                        settings.journal().queue(),
                        settings.queues().actions())
                : JournalRecords.off();
    }

    @BindToRegistry
    public Journal journal(
            Settings settings,
            JournalRecords journalRecords,
            MessagePublisher publisher,
            CachingConnectionFactory cachingConnectionFactory,
            CurrentWorkflows currentWorkflows,
            ActionPlanner actionPlanner,
            ExpressionCompiler expressionCompiler,
            EvaluationLimits evaluationLimits,
            WerkenMetrics werkenMetrics,
            ObjectMapper werkenJson,
            Clock clock,
            CamelContext context) {
        Settings.Journal journal = settings.journal();
        if (!journal.on()) {
            LOG.debug("The event journal is off (WERKEN_JOURNAL=off)");
            return Journal.off();
        }
        // The settings checked the numbers, the retention and the URL's scheme.
        String queue = journal.queue();
        String receivedQueue = settings.queues().received();
        String actionsQueue = settings.queues().actions();
        JournalStore store = JournalStore.open(new JournalStore.Settings(
                journal.url(),
                journal.user(),
                secret(journal.password()),
                Path.of(settings.broker().dataDir()).resolve("journal"),
                journal.poolSize()));
        context.getRegistry().bind("journalStore", JournalStore.class, store, null, "close");
        LOG.debug("The event journal writes to {}", store.describe());
        if (journal.direct() && !store.embedded()) {
            // Dispatch's records straight to PostgreSQL, through the queue only while it fails (design record 13).
            // Not for the embedded store: H2 writes a commit to its file without syncing it, so a record there is not
            // yet as durable as its event; through the queue it is confirmed on the broker's disk first.
            context.getRegistry()
                    .bind(
                            "journalDirectWriter",
                            JournalDirectWriter.class,
                            new JournalDirectWriter(store),
                            null,
                            "close");
        }

        RevisionRecorder revisions = new RevisionRecorder(journalRecords, publisher);
        currentWorkflows.onReplace(revisions::loaded);
        revisions.loaded(currentWorkflows.catalog());

        JournalWriter writer = new JournalWriter(
                cachingConnectionFactory,
                queue,
                journal.batchSize(),
                store,
                werkenJson,
                context.getExecutorServiceManager().newSingleThreadExecutor(this, "JournalWriter"),
                werkenMetrics.registry(),
                clock);
        try {
            context.addService(writer, true, false);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot add the journal's writer: " + e.getMessage(), e);
        }

        JournalHousekeeping housekeeping = new JournalHousekeeping(
                store,
                new RabbitAdmin(cachingConnectionFactory),
                queue,
                revisions,
                currentWorkflows,
                journal.retention(),
                journal.maxEvents(),
                journal.maxLag(),
                werkenMetrics.registry(),
                clock);
        ScheduledExecutorService upkeep =
                context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "JournalHousekeeping");
        upkeep.scheduleWithFixedDelay(housekeeping, 1, 5, TimeUnit.SECONDS);
        context.getRegistry().bind("journalHealthCheck", new JournalHealthCheck(store, writer, housekeeping));

        EventSearch search = new EventSearch(expressionCompiler, evaluationLimits);
        DraftImpact impact = new DraftImpact(actionPlanner, actionsQueue);
        Replayer replayer = new Replayer(store, publisher, currentWorkflows, werkenJson, clock, receivedQueue);
        ReplayJobs replays = new ReplayJobs(
                store,
                replayer,
                search,
                werkenJson,
                clock,
                context.getExecutorServiceManager().newFixedThreadPool(this, "JournalReplay", 2),
                journal.replayRate());
        try {
            // Stopped before the thread pools: a replay then stops at its next event, and is saved interrupted.
            context.addService(replays, true, false);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot add the journal's replays: " + e.getMessage(), e);
        }
        try {
            int interrupted = replays.interruptedAtLastStop();
            if (interrupted > 0) {
                LOG.warn(
                        "{} bulk replays were running when Werken last stopped: they are interrupted; resume each "
                                + "with POST /replays/{{id}}/resume",
                        interrupted);
            }
        } catch (RuntimeException e) {
            LOG.warn(
                    "Could not look for interrupted replays ({}); they show as running until the journal's database "
                            + "answers",
                    e.getMessage());
        }
        return new Journal(store, search, impact, replayer, replays, journal.scanLimit());
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
}
