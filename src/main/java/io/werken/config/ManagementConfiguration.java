package io.werken.config;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.werken.broker.BrokerAddress;
import io.werken.broker.BrokerTopology;
import io.werken.core.StartupRefusedException;
import io.werken.http.ConsoleHandler;
import io.werken.http.ConsoleSessions;
import io.werken.http.EventLoopHealthCheck;
import io.werken.http.EventLoopHeartbeat;
import io.werken.http.JolokiaAccess;
import io.werken.http.ManagementAccessGuard;
import io.werken.http.ManagementHttpComponent;
import io.werken.http.ManagementServerFactory;
import io.werken.http.WebhookHttpServer;
import io.werken.ingest.ReceivedWebhookFactory;
import io.werken.ingest.WebhookRequestValidator;
import io.werken.manage.DeadLetterListing;
import io.werken.manage.DraftDryRun;
import io.werken.manage.QueueListing;
import io.werken.manage.OpenApiDocument;
import io.werken.manage.RefusalListing;
import io.werken.manage.RevisionDetail;
import io.werken.manage.RevisionListing;
import io.werken.manage.StatsReport;
import io.werken.manage.WorkflowDraftCheck;
import io.werken.metrics.RecentRefusals;
import io.werken.metrics.StatsSampler;
import io.werken.metrics.WerkenMetrics;
import io.werken.manage.DeadLetterRequeuing;
import io.werken.manage.DryRun;
import io.werken.journal.Journal;
import io.werken.manage.BulkReplay;
import io.werken.manage.EventDetail;
import io.werken.manage.EventListing;
import io.werken.manage.EventReplay;
import io.werken.manage.ReplayResume;
import io.werken.manage.ReplayStatus;
import io.werken.manage.WorkflowImpactCheck;
import io.werken.settings.Settings;
import io.werken.workflow.WorkflowCatalog;
import io.werken.manage.WorkflowDefinition;
import io.werken.manage.WorkflowListing;
import io.werken.manage.WorkflowReload;
import io.werken.broker.DeadLetterQueue;
import io.werken.workflow.ActionPlanner;
import io.werken.workflow.CurrentWorkflows;
import io.werken.workflow.Workflow;
import io.werken.workflow.WorkflowReloader;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.PropertyInject;
import org.apache.camel.component.platform.http.main.ManagementHttpServer;
import org.apache.camel.component.platform.http.plugin.JolokiaPlatformHttpPlugin;
import org.apache.camel.health.HealthCheckHelper;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;

/**
 * The management port: who may use it (the access guard, put first on Camel's management server, and the console's
 * sessions, which it accepts like the token), the web console, Jolokia's policy, the component Werken's management
 * routes listen with, their steps (workflows, dead letters, the journal's, and the console's statistics, queues and
 * refusals), the statistics' sampler, and the health check of the webhook server's event loops.
 */
@Configuration
public class ManagementConfiguration implements CamelConfiguration {

    /** How often the console's statistics are sampled (GET /stats). */
    static final int STATS_INTERVAL_SECONDS = 10;

    /** The console's signed-in browsers: in memory, at most 1,000, each forgotten after 12 hours unused. */
    @BindToRegistry
    public ConsoleSessions consoleSessions() {
        return new ConsoleSessions();
    }

    @BindToRegistry
    public ManagementAccessGuard managementAccessGuard(Settings settings,
            @PropertyInject(value = "camel.management.health-path", defaultValue = "/observe/health") String healthPath,
            ConsoleSessions consoleSessions, ObjectMapper werkenJson, CamelContext context) {
        String adminToken = settings.management().adminToken();
        // Health's status (for orchestrators' probes), metrics (for scrapers) and the OpenAPI document (the same for
        // every Werken, for API tooling) stay open; everything else, health's details included, is guarded. The status
        // is Camel's health endpoint's, worked out the same way.
        ManagementAccessGuard guard = new ManagementAccessGuard(adminToken, healthPath,
                List.of("/observe/metrics", "/openapi.json"),
                probe -> switch (probe) {
                    case ALL -> HealthCheckHelper.isResultsUp(HealthCheckHelper.invoke(context, "oneline"), false);
                    case LIVENESS -> HealthCheckHelper.isResultsUp(HealthCheckHelper.invokeLiveness(context, "oneline"),
                            false);
                    case READINESS -> HealthCheckHelper.isResultsUp(HealthCheckHelper.invokeReadiness(context, "oneline"),
                            true);
                }, consoleSessions, werkenJson);
        // Said in the last lines of the start (ReadyConfiguration), once the port is open.
        return guard;
    }

    /** The web console at /console/: its files, sign-in and sign-out; mounted after the guard. */
    @BindToRegistry
    public ConsoleHandler consoleHandler(ManagementAccessGuard managementAccessGuard, ConsoleSessions consoleSessions,
                                         ObjectMapper werkenJson) {
        return new ConsoleHandler(managementAccessGuard, consoleSessions, werkenJson);
    }

    /**
     * Beats on the webhook server's event loops, and the health check that reads them: a webhook route that holds its
     * event loop (every webhook on that loop waits) makes Werken DOWN.
     */
    @BindToRegistry
    public EventLoopHealthCheck eventLoopHealthCheck(Settings settings,
            WebhookHttpServer webhookHttpServer,
            CamelContext context) throws Exception {
        long blockedMs = settings.http().eventLoopBlockedMs();
        // A beat a tenth of the threshold: the silence is then measured to within a tenth of it.
        EventLoopHeartbeat heartbeat = new EventLoopHeartbeat(webhookHttpServer::getVertx, Math.max(10, blockedMs / 10));
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
    public WorkflowListing workflowListing(WorkflowReloader workflowReloader, ObjectMapper werkenJson) {
        return new WorkflowListing(workflowReloader, werkenJson);
    }

    @BindToRegistry
    public WorkflowReload workflowReload(WorkflowReloader workflowReloader, ObjectMapper werkenJson) {
        return new WorkflowReload(workflowReloader, werkenJson);
    }

    @BindToRegistry
    public WorkflowDefinition workflowDefinition(CurrentWorkflows currentWorkflows, ObjectMapper werkenJson) {
        return new WorkflowDefinition(currentWorkflows, werkenJson);
    }

    @BindToRegistry
    public DryRun dryRun(Settings settings, CurrentWorkflows currentWorkflows,
                         WebhookRequestValidator webhookRequestValidator,
                         ActionPlanner actionPlanner, ObjectMapper werkenJson,
                         ReceivedWebhookFactory receivedWebhookFactory) {
        String actionsQueue = settings.queues().actions();
        return new DryRun(currentWorkflows, webhookRequestValidator, actionPlanner, werkenJson, receivedWebhookFactory,
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
    public DeadLetterListing deadLetterListing(Settings settings, DeadLetterQueue deadLetterQueue,
                                               ObjectMapper werkenJson) {
        int retryAfterSeconds = settings.http().retryAfterSeconds();
        return new DeadLetterListing(deadLetterQueue, werkenJson, retryAfterSeconds);
    }

    @BindToRegistry
    public DeadLetterRequeuing deadLetterRequeuing(Settings settings, DeadLetterQueue deadLetterQueue,
                                                   ObjectMapper werkenJson) {
        int retryAfterSeconds = settings.http().retryAfterSeconds();
        return new DeadLetterRequeuing(deadLetterQueue, werkenJson, retryAfterSeconds);
    }

    @BindToRegistry
    public EventListing eventListing(Journal journal, ObjectMapper werkenJson) {
        return new EventListing(journal, werkenJson);
    }

    @BindToRegistry
    public EventDetail eventDetail(Journal journal, ObjectMapper werkenJson) {
        return new EventDetail(journal, werkenJson);
    }

    @BindToRegistry
    public EventReplay eventReplay(Journal journal, ObjectMapper werkenJson) {
        return new EventReplay(journal, werkenJson);
    }

    @BindToRegistry
    public BulkReplay bulkReplay(Journal journal, ObjectMapper werkenJson) {
        return new BulkReplay(journal, werkenJson);
    }

    @BindToRegistry
    public ReplayStatus replayStatus(Journal journal, ObjectMapper werkenJson) {
        return new ReplayStatus(journal, werkenJson);
    }

    @BindToRegistry
    public ReplayResume replayResume(Journal journal, ObjectMapper werkenJson) {
        return new ReplayResume(journal, werkenJson);
    }

    @BindToRegistry
    public WorkflowImpactCheck workflowImpactCheck(Journal journal, WebhookRequestValidator webhookRequestValidator,
                                                   WorkflowCatalog.Settings workflowSettings, ObjectMapper werkenJson) {
        return new WorkflowImpactCheck(journal, webhookRequestValidator, workflowSettings, werkenJson);
    }

    @BindToRegistry
    public WorkflowDraftCheck workflowDraftCheck(WebhookRequestValidator webhookRequestValidator,
                                                 WorkflowCatalog.Settings workflowSettings, ObjectMapper werkenJson) {
        return new WorkflowDraftCheck(webhookRequestValidator, workflowSettings, werkenJson);
    }

    @BindToRegistry
    public DraftDryRun draftDryRun(Settings settings, WebhookRequestValidator webhookRequestValidator,
                                   WorkflowCatalog.Settings workflowSettings, ActionPlanner actionPlanner,
                                   ObjectMapper werkenJson, ReceivedWebhookFactory receivedWebhookFactory) {
        String actionsQueue = settings.queues().actions();
        return new DraftDryRun(webhookRequestValidator, workflowSettings, actionPlanner, werkenJson,
                receivedWebhookFactory, actionsQueue);
    }

    @BindToRegistry
    public RevisionListing revisionListing(Journal journal, ObjectMapper werkenJson) {
        return new RevisionListing(journal, werkenJson);
    }

    @BindToRegistry
    public RevisionDetail revisionDetail(Journal journal, ObjectMapper werkenJson) {
        return new RevisionDetail(journal, werkenJson);
    }

    /**
     * Samples Werken's meters every {@value #STATS_INTERVAL_SECONDS} s for GET /stats, on one thread that Camel's
     * executor service manager names, tracks and stops with the context.
     */
    @BindToRegistry
    public StatsSampler statsSampler(WerkenMetrics werkenMetrics, CurrentWorkflows currentWorkflows, Clock clock,
                                     CamelContext context) {
        StatsSampler sampler = new StatsSampler(werkenMetrics,
                () -> currentWorkflows.catalog().workflows().stream().map(Workflow::id).toList(), clock,
                STATS_INTERVAL_SECONDS);
        ScheduledExecutorService thread = context.getExecutorServiceManager()
                .newSingleThreadScheduledExecutor(this, "StatsSampler");
        thread.scheduleAtFixedRate(sampler, STATS_INTERVAL_SECONDS, STATS_INTERVAL_SECONDS, TimeUnit.SECONDS);
        return sampler;
    }

    @BindToRegistry
    public StatsReport statsReport(StatsSampler statsSampler, ObjectMapper werkenJson) {
        return new StatsReport(statsSampler, werkenJson);
    }

    /** Reads the queues over Werken's own broker connection (a passive declare on a cached channel), not one per call. */
    @BindToRegistry
    public QueueListing queueListing(Settings settings, CachingConnectionFactory cachingConnectionFactory,
                                     CurrentWorkflows currentWorkflows,
                                     ObjectMapper werkenJson) {
        String receivedQueue = settings.queues().received();
        String actionsQueue = settings.queues().actions();
        String journalQueue = settings.journal().queue();
        int retryAfterSeconds = settings.http().retryAfterSeconds();
        return new QueueListing(new RabbitAdmin(cachingConnectionFactory), receivedQueue,
                BrokerTopology.deadLetterQueue(receivedQueue), settings.journal().on() ? journalQueue : null,
                actionsQueue, currentWorkflows, werkenJson, retryAfterSeconds);
    }

    @BindToRegistry
    public RefusalListing refusalListing(RecentRefusals recentRefusals, ObjectMapper werkenJson) {
        return new RefusalListing(recentRefusals, werkenJson);
    }

    @BindToRegistry
    public OpenApiDocument openApiDocument(ObjectMapper werkenJson) {
        return new OpenApiDocument(werkenJson);
    }
}
