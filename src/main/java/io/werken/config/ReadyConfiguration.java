package io.werken.config;

import io.werken.broker.BrokerAddress;
import io.werken.core.ReadyAnnouncement;
import io.werken.http.ManagementAccessPolicy;
import io.werken.http.WebhookHttpServer;
import io.werken.settings.Settings;
import io.werken.workflow.CurrentWorkflows;
import io.werken.workflow.WorkflowCatalog;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.component.platform.http.main.ManagementHttpServer;

/**
 * The end of Werken's start: one line once everything has started, naming the webhook URL, the management port and
 * console, the broker, the workflows file with its revision, and where the journal writes. Bound last, as it names
 * what every other configuration made.
 */
@Configuration
public class ReadyConfiguration implements CamelConfiguration {

    @BindToRegistry
    public ReadyAnnouncement readyAnnouncement(
            Settings settings,
            WebhookHttpServer webhookHttpServer,
            BrokerAddress brokerAddress,
            CurrentWorkflows currentWorkflows,
            ManagementAccessPolicy managementAccessPolicy,
            CamelContext context)
            throws Exception {
        String httpHost = settings.http().host();
        boolean management = settings.management().enabled();
        String managementHost = settings.management().host();
        int managementPort = settings.management().port();
        ReadyAnnouncement announcement = new ReadyAnnouncement(
                () -> {
                    List<String> notes = new ArrayList<>();
                    if (management) {
                        notes.add("Management port: "
                                + (managementAccessPolicy.tokenRequired()
                                        ? "every endpoint but health's status and metrics needs the admin token (WERKEN_ADMIN_TOKEN)"
                                        : "no admin token set (WERKEN_ADMIN_TOKEN): endpoints other than health's status and metrics "
                                                + "answer loopback clients only"));
                    }
                    return notes;
                },
                () -> {
                    WorkflowCatalog workflows = currentWorkflows.catalog();
                    return "webhooks http://" + httpHost + ":" + webhookHttpServer.getPort() + "/webhook/{id}, "
                            + (management
                                    ? "management " + (isAnyHost(managementHost) ? "" : managementHost) + ":"
                                            + managementPort(context, managementPort) + ", console /console/"
                                    : "management off, console off")
                            + ", broker " + broker(brokerAddress)
                            + ", workflows " + workflows.source() + " rev " + workflows.revision() + " ("
                            + workflows.size()
                            + (workflows.size() == 1 ? " workflow)" : " workflows)")
                            + ", journal "
                            + journal(
                                    settings.journal().on(),
                                    settings.journal().url(),
                                    settings.broker().dataDir());
                });
        context.addStartupListener(announcement);
        return announcement;
    }

    /** The port the management server listens on (the one found, when it was given 0). */
    private static int managementPort(CamelContext context, int configured) {
        ManagementHttpServer server = context.hasService(ManagementHttpServer.class);
        if (server != null && server.getRouter() != null && server.getRouter().getServer() != null) {
            return server.getRouter().getServer().getPort();
        }
        return configured;
    }

    /** The broker without credentials: {@code embedded amqp://127.0.0.1:5672}, or RabbitMQ's nodes and virtual host. */
    static String broker(BrokerAddress address) {
        if (address.embedded()) {
            return "embedded amqp://" + address.uri().getHost() + ":"
                    + address.uri().getPort();
        }
        String path = address.uri().getRawPath() == null ? "" : address.uri().getRawPath();
        return "RabbitMQ "
                + address.uris().stream()
                        .map(uri -> uri.getHost() + ":"
                                + (uri.getPort() >= 0 ? uri.getPort() : "amqps".equals(uri.getScheme()) ? 5671 : 5672))
                        .collect(Collectors.joining(","))
                + path;
    }

    /** Where the journal writes: PostgreSQL's host and database, the embedded store's directory, or off. */
    static String journal(boolean on, String url, String dataDir) {
        if (!on) {
            return "off";
        }
        if (url == null || url.isBlank()) {
            return "embedded H2 at "
                    + Path.of(dataDir).resolve("journal").toAbsolutePath().normalize();
        }
        String where = url.trim().replaceFirst("^jdbc:postgresql://", "").replaceFirst("[?;].*$", "");
        // No credentials, should the URL carry any before its host.
        return "PostgreSQL " + where.substring(where.indexOf('@') + 1);
    }

    private static boolean isAnyHost(String host) {
        return host == null || host.isBlank() || host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
    }
}
