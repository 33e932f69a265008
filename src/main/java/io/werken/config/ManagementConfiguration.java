package io.werken.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.werken.broker.BrokerAddress;
import io.werken.broker.BrokerTopology;
import io.werken.broker.DeadLetterQueue;
import io.werken.core.StartupRefusedException;
import io.werken.http.ConsoleHandler;
import io.werken.http.ConsoleSessions;
import io.werken.http.EventLoopHealthCheck;
import io.werken.http.EventLoopHeartbeat;
import io.werken.http.JolokiaAccess;
import io.werken.http.ManagementAccessGuard;
import io.werken.http.ManagementAccessPolicy;
import io.werken.http.ManagementHttpComponent;
import io.werken.http.ManagementServerFactory;
import io.werken.http.WebhookHttpServer;
import io.werken.ingest.ReceivedWebhookFactory;
import io.werken.ingest.WebhookRequestValidator;
import io.werken.journal.Journal;
import io.werken.manage.BulkReplay;
import io.werken.manage.CheckWorkflowDraft;
import io.werken.manage.DryRunWorkflow;
import io.werken.manage.DryRunWorkflowDraft;
import io.werken.manage.ListDeadLetters;
import io.werken.manage.ListEvents;
import io.werken.manage.ListQueues;
import io.werken.manage.ListRefusals;
import io.werken.manage.ListWorkflowRevisions;
import io.werken.manage.ListWorkflows;
import io.werken.manage.ReloadWorkflows;
import io.werken.manage.ReplayEvent;
import io.werken.manage.RequeueDeadLetters;
import io.werken.manage.ResumeReplay;
import io.werken.manage.ShowEvent;
import io.werken.manage.ShowOpenApi;
import io.werken.manage.ShowReplay;
import io.werken.manage.ShowStats;
import io.werken.manage.ShowWorkflow;
import io.werken.manage.ShowWorkflowRevision;
import io.werken.manage.WorkflowImpact;
import io.werken.metrics.RecentRefusals;
import io.werken.metrics.StatsSampler;
import io.werken.metrics.WerkenMetrics;
import io.werken.settings.Settings;
import io.werken.workflow.ActionPlanner;
import io.werken.workflow.CurrentWorkflows;
import io.werken.workflow.Workflow;
import io.werken.workflow.WorkflowCatalog;
import io.werken.workflow.WorkflowReloader;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.PropertyInject;
import org.apache.camel.component.platform.http.main.ManagementHttpServer;
import org.apache.camel.component.platform.http.plugin.JolokiaPlatformHttpPlugin;
import org.apache.camel.health.HealthCheckHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;

/**
 * The management port: who may use it (the access guard, put first on Camel's management server, and the console's
 * sessions, which it accepts like the token), the web console, Jolokia's policy, the component Werken's management
 * routes listen with, their steps (workflows, dead letters, the journal's, and the console's statistics, queues and
 * refusals), the statistics' sampler, and the health check of the webhook server's event loops. Over 300 lines
 * because it binds one small bean method per management endpoint, each a line or two of wiring.
 */
@Configuration
public class ManagementConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(ManagementConfiguration.class);

    /** How often the console's statistics are sampled (GET /stats). */
    static final int STATS_INTERVAL_SECONDS = 10;

    /** The console's signed-in browsers: in memory, at most 1,000, each forgotten after 12 hours unused. */
    @BindToRegistry
    public ConsoleSessions consoleSessions() {
        return new ConsoleSessions();
    }

    @BindToRegistry
    public ManagementAccessPolicy managementAccessPolicy(
            Settings settings,
            @PropertyInject(value = "camel.management.health-path", defaultValue = "/observe/health") String healthPath,
            ConsoleSessions consoleSessions) {
        String adminToken = settings.management().adminToken();
        // Health's status (for orchestrators' probes), metrics (for scrapers) and the OpenAPI document (the same for
        // every Werken, for API tooling) stay open; everything else, health's details included, is guarded.
        return new ManagementAccessPolicy(
                adminToken, healthPath, List.of("/observe/metrics", "/openapi.json"), consoleSessions);
    }

    /** Carries the policy out; the status it answers is Camel's health endpoint's, worked out the same way. */
    @BindToRegistry
    public ManagementAccessGuard managementAccessGuard(
            ManagementAccessPolicy managementAccessPolicy, ObjectMapper werkenJson, CamelContext context) {
        return new ManagementAccessGuard(managementAccessPolicy, probe -> up(context, probe), werkenJson);
    }

    /**
     * Whether Camel's health checks answer UP for {@code probe}. While Werken starts, its registry is still being
     * filled, and Camel's checks look beans up in it (a plain map): a probe that races that fails with a
     * {@link java.util.ConcurrentModificationException}, seen in a bench run. Such a probe answers DOWN (503, as
     * before readiness), never a 500 with an ERROR in the log.
     */
    private static boolean up(CamelContext context, ManagementAccessPolicy.Probe probe) {
        try {
            return switch (probe) {
                case ALL -> HealthCheckHelper.isResultsUp(HealthCheckHelper.invoke(context, "oneline"), false);
                case LIVENESS ->
                    HealthCheckHelper.isResultsUp(HealthCheckHelper.invokeLiveness(context, "oneline"), false);
                case READINESS ->
                    HealthCheckHelper.isResultsUp(HealthCheckHelper.invokeReadiness(context, "oneline"), true);
            };
        } catch (RuntimeException e) {
            if (context.isStarted()) {
                LOG.warn("A health probe failed ({}); it answers DOWN", e.toString());
            } else {
                LOG.debug("A health probe failed while Werken starts; it answers DOWN", e);
            }
            return false;
        }
    }

    /** The web console at /console/: its files, sign-in and sign-out; mounted after the guard. */
    @BindToRegistry
    public ConsoleHandler consoleHandler(
            ManagementAccessPolicy managementAccessPolicy, ConsoleSessions consoleSessions, ObjectMapper werkenJson) {
        return new ConsoleHandler(managementAccessPolicy, consoleSessions, werkenJson);
    }

    /**
     * Beats on the webhook server's event loops, and the health check that reads them: a webhook route that holds its
     * event loop (every webhook on that loop waits) makes Werken DOWN.
     */
    @BindToRegistry
    public EventLoopHealthCheck eventLoopHealthCheck(
            Settings settings, WebhookHttpServer webhookHttpServer, CamelContext context) throws Exception {
        long blockedMs = settings.http().eventLoopBlockedMs();
        // A beat a tenth of the threshold: the silence is then measured to within a tenth of it.
        EventLoopHeartbeat heartbeat =
                new EventLoopHeartbeat(webhookHttpServer::getVertx, Math.max(10, blockedMs / 10));
        context.addStartupListener(heartbeat);
        return new EventLoopHealthCheck(heartbeat, blockedMs);
    }

    /**
     * Refuses to start with a management server that is not guarded: one made by camel-main's own factory, because
     * Werken was started without {@code WerkenApplication.newMain()} (which binds {@link ManagementServerFactory}).
     */
    @Override
    public void configure(CamelContext context) {
        ManagementHttpServer server = context.hasService(ManagementHttpServer.class);
        if (server != null && !(server instanceof ManagementServerFactory.GuardedManagementHttpServer)) {
            throw new StartupRefusedException("The management server was not made by Werken's ManagementServerFactory,"
                    + " so nothing would guard it; start Werken through WerkenApplication.newMain().");
        }
    }

    /** Bound under the id Camel's plugin registry looks the Jolokia plugin up by, ahead of its own. */
    @BindToRegistry(JolokiaPlatformHttpPlugin.NAME)
    public JolokiaPlatformHttpPlugin jolokiaPlatformHttpPlugin(Settings settings) {
        String access = settings.management().jolokiaAccess();
        return JolokiaAccess.plugin(JolokiaAccess.policyLocation(access));
    }

    /** Bound under the component name the routes use, not after its class. */
    @BindToRegistry(ManagementHttpComponent.NAME)
    public ManagementHttpComponent managementHttpComponent(Settings settings) {
        int port = settings.management().port();
        return new ManagementHttpComponent(port);
    }

    @BindToRegistry
    public ListWorkflows listWorkflows(WorkflowReloader workflowReloader, ObjectMapper werkenJson) {
        return new ListWorkflows(workflowReloader, werkenJson);
    }

    @BindToRegistry
    public ReloadWorkflows reloadWorkflows(WorkflowReloader workflowReloader, ObjectMapper werkenJson) {
        return new ReloadWorkflows(workflowReloader, werkenJson);
    }

    @BindToRegistry
    public ShowWorkflow showWorkflow(CurrentWorkflows currentWorkflows, ObjectMapper werkenJson) {
        return new ShowWorkflow(currentWorkflows, werkenJson);
    }

    @BindToRegistry
    public DryRunWorkflow dryRunWorkflow(
            Settings settings,
            CurrentWorkflows currentWorkflows,
            WebhookRequestValidator webhookRequestValidator,
            ActionPlanner actionPlanner,
            ObjectMapper werkenJson,
            ReceivedWebhookFactory receivedWebhookFactory) {
        String actionsQueue = settings.queues().actions();
        return new DryRunWorkflow(
                currentWorkflows,
                webhookRequestValidator,
                actionPlanner,
                werkenJson,
                receivedWebhookFactory,
                actionsQueue);
    }

    @BindToRegistry
    public DeadLetterQueue deadLetterQueue(Settings settings, BrokerAddress brokerAddress) {
        String receivedQueue = settings.queues().received();
        int connectionTimeoutMs = settings.broker().connectionTimeoutMs();
        // The broker Werken uses: RabbitMQ's node(s), or the embedded broker.
        return new DeadLetterQueue(brokerAddress, receivedQueue, connectionTimeoutMs);
    }

    @BindToRegistry
    public ListDeadLetters listDeadLetters(
            Settings settings, DeadLetterQueue deadLetterQueue, ObjectMapper werkenJson) {
        int retryAfterSeconds = settings.http().retryAfterSeconds();
        return new ListDeadLetters(deadLetterQueue, werkenJson, retryAfterSeconds);
    }

    @BindToRegistry
    public RequeueDeadLetters requeueDeadLetters(
            Settings settings, DeadLetterQueue deadLetterQueue, ObjectMapper werkenJson) {
        int retryAfterSeconds = settings.http().retryAfterSeconds();
        return new RequeueDeadLetters(deadLetterQueue, werkenJson, retryAfterSeconds);
    }

    @BindToRegistry
    public ListEvents listEvents(Journal journal, ObjectMapper werkenJson) {
        return new ListEvents(journal, werkenJson);
    }

    @BindToRegistry
    public ShowEvent showEvent(Journal journal, ObjectMapper werkenJson) {
        return new ShowEvent(journal, werkenJson);
    }

    @BindToRegistry
    public ReplayEvent replayEvent(Journal journal, ObjectMapper werkenJson) {
        return new ReplayEvent(journal, werkenJson);
    }

    @BindToRegistry
    public BulkReplay bulkReplay(Journal journal, ObjectMapper werkenJson) {
        return new BulkReplay(journal, werkenJson);
    }

    @BindToRegistry
    public ShowReplay showReplay(Journal journal, ObjectMapper werkenJson) {
        return new ShowReplay(journal, werkenJson);
    }

    @BindToRegistry
    public ResumeReplay resumeReplay(Journal journal, ObjectMapper werkenJson) {
        return new ResumeReplay(journal, werkenJson);
    }

    @BindToRegistry
    public WorkflowImpact workflowImpact(
            Journal journal,
            WebhookRequestValidator webhookRequestValidator,
            WorkflowCatalog.Settings workflowSettings,
            ObjectMapper werkenJson) {
        return new WorkflowImpact(journal, webhookRequestValidator, workflowSettings, werkenJson);
    }

    @BindToRegistry
    public CheckWorkflowDraft checkWorkflowDraft(
            WebhookRequestValidator webhookRequestValidator,
            WorkflowCatalog.Settings workflowSettings,
            ObjectMapper werkenJson) {
        return new CheckWorkflowDraft(webhookRequestValidator, workflowSettings, werkenJson);
    }

    @BindToRegistry
    public DryRunWorkflowDraft dryRunWorkflowDraft(
            Settings settings,
            WebhookRequestValidator webhookRequestValidator,
            WorkflowCatalog.Settings workflowSettings,
            ActionPlanner actionPlanner,
            ObjectMapper werkenJson,
            ReceivedWebhookFactory receivedWebhookFactory) {
        String actionsQueue = settings.queues().actions();
        return new DryRunWorkflowDraft(
                webhookRequestValidator,
                workflowSettings,
                actionPlanner,
                werkenJson,
                receivedWebhookFactory,
                actionsQueue);
    }

    @BindToRegistry
    public ListWorkflowRevisions listWorkflowRevisions(Journal journal, ObjectMapper werkenJson) {
        return new ListWorkflowRevisions(journal, werkenJson);
    }

    @BindToRegistry
    public ShowWorkflowRevision showWorkflowRevision(Journal journal, ObjectMapper werkenJson) {
        return new ShowWorkflowRevision(journal, werkenJson);
    }

    /**
     * Samples Werken's meters every {@value #STATS_INTERVAL_SECONDS} s for GET /stats, on one thread that Camel's
     * executor service manager names, tracks and stops with the context.
     */
    @BindToRegistry
    public StatsSampler statsSampler(
            WerkenMetrics werkenMetrics, CurrentWorkflows currentWorkflows, Clock clock, CamelContext context) {
        StatsSampler sampler = new StatsSampler(
                werkenMetrics,
                () -> currentWorkflows.catalog().workflows().stream()
                        .map(Workflow::id)
                        .toList(),
                clock,
                STATS_INTERVAL_SECONDS);
        ScheduledExecutorService thread =
                context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "StatsSampler");
        thread.scheduleAtFixedRate(sampler, STATS_INTERVAL_SECONDS, STATS_INTERVAL_SECONDS, TimeUnit.SECONDS);
        return sampler;
    }

    @BindToRegistry
    public ShowStats showStats(StatsSampler statsSampler, ObjectMapper werkenJson) {
        return new ShowStats(statsSampler, werkenJson);
    }

    /** Reads the queues over Werken's own broker connection (a passive declare on a cached channel), not one per call. */
    @BindToRegistry
    public ListQueues listQueues(
            Settings settings,
            CachingConnectionFactory cachingConnectionFactory,
            CurrentWorkflows currentWorkflows,
            ObjectMapper werkenJson) {
        String receivedQueue = settings.queues().received();
        String actionsQueue = settings.queues().actions();
        String journalQueue = settings.journal().queue();
        int retryAfterSeconds = settings.http().retryAfterSeconds();
        return new ListQueues(
                new RabbitAdmin(cachingConnectionFactory),
                receivedQueue,
                BrokerTopology.deadLetterQueue(receivedQueue),
                settings.journal().on() ? journalQueue : null,
                actionsQueue,
                currentWorkflows,
                werkenJson,
                retryAfterSeconds);
    }

    @BindToRegistry
    public ListRefusals listRefusals(RecentRefusals recentRefusals, ObjectMapper werkenJson) {
        return new ListRefusals(recentRefusals, werkenJson);
    }

    @BindToRegistry
    public ShowOpenApi showOpenApi(ObjectMapper werkenJson) {
        return new ShowOpenApi(werkenJson);
    }
}
