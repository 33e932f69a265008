package io.werken;

import io.werken.cli.WerkenCommand;
import io.werken.config.BrokerConfiguration;
import io.werken.config.CoreConfiguration;
import io.werken.config.DedupeConfiguration;
import io.werken.config.DispatchConfiguration;
import io.werken.config.EmbeddedBrokerConfiguration;
import io.werken.config.HttpConfiguration;
import io.werken.config.IngestConfiguration;
import io.werken.config.JournalConfiguration;
import io.werken.config.ManagementConfiguration;
import io.werken.config.OwnRoutesConfiguration;
import io.werken.config.ReadyConfiguration;
import io.werken.config.SettingsConfiguration;
import io.werken.config.StartupConfiguration;
import io.werken.config.WorkflowReloadConfiguration;
import io.werken.config.WorkflowsConfiguration;
import io.werken.core.LockedRegistry;
import io.werken.core.StartupRefusedException;
import io.werken.http.ManagementServerFactory;
import io.werken.settings.Settings;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.main.Main;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Werken's entry point: its command line ({@link WerkenCommand}), whose {@code run} (the default) starts Camel main with
 * the routes under {@code routes/} and the beans of {@link #configurations()}.
 */
public final class WerkenApplication {

    private static final Logger LOG = LoggerFactory.getLogger(WerkenApplication.class);

    private WerkenApplication() {}

    /**
     * The wiring, one configuration per role, in the order Camel binds them: each may use the beans of those before it
     * (see {@code io.werken.config}). The settings are read and checked first, into the one {@code Settings} every
     * other configuration takes (SettingsConfiguration), so that a wrong value is refused, in one line with every
     * problem, before anything starts. What else a deployer can get wrong is refused before Werken touches the
     * broker: workflows, dedupe and own routes come before the broker (the embedded one is started only then) and its
     * queues are declared (routes start only once
     * every configuration is bound, so own workers still find their queues declared). Instances, not scanned classes:
     * Camel 4.17 post-processes scanned configuration classes twice, which would build every bean (and open every
     * broker connection) twice.
     */
    public static List<CamelConfiguration> configurations() {
        return List.of(
                new SettingsConfiguration(),
                new StartupConfiguration(),
                new CoreConfiguration(),
                new WorkflowsConfiguration(),
                new DedupeConfiguration(),
                new OwnRoutesConfiguration(),
                new HttpConfiguration(),
                new EmbeddedBrokerConfiguration(),
                new BrokerConfiguration(),
                new WorkflowReloadConfiguration(),
                new JournalConfiguration(),
                new IngestConfiguration(),
                new DispatchConfiguration(),
                new ManagementConfiguration(),
                new ReadyConfiguration());
    }

    /**
     * camel-main set up for Werken: the {@link #configurations()}, and the management server's factory, which
     * camel-main looks up before it loads any configuration class (so it cannot come from one). Its registry is safe to
     * use from several threads ({@link LockedRegistry}): the management server answers while the configurations bind.
     */
    public static Main newMain() {
        Main main = new Main() {
            {
                LockedRegistry.install(registry);
            }
        };
        configurations().forEach(main.configure()::addConfiguration);
        main.bind(ManagementServerFactory.NAME, new ManagementServerFactory());
        return main;
    }

    public static void main(String[] args) {
        // Always an exit of our own, above all after a failed start: threads already running (the broker
        // connection's, non-daemon) would otherwise keep the JVM alive with no port open, and a supervisor waiting
        // for the exit would never restart it.
        System.exit(WerkenCommand.commandLine(WerkenApplication::run).execute(args));
    }

    /** The {@code run} command: the server until it stops; 1 with one ERROR line when it cannot start. */
    static int run() {
        try {
            List<String> keys = new ArrayList<>(System.getenv().keySet());
            keys.addAll(System.getProperties().stringPropertyNames());
            Settings.refuseUnimplementedServerKeys(keys);
        } catch (StartupRefusedException e) {
            LOG.error("Werken cannot start. {}", e.getMessage());
            return 1;
        }
        Main main = newMain();
        try {
            int exitCode = main.run(new String[0]);
            LOG.info("Werken stopped");
            return exitCode;
        } catch (Throwable e) {
            // Nothing left behind: the data directory's lock released, and what this run created removed.
            for (CamelConfiguration configuration : main.configure().getConfigurations()) {
                if (configuration instanceof StartupConfiguration startup) {
                    startup.refused();
                }
            }
            String refusal = startupRefusal(main, e);
            if (refusal != null) {
                // A deployer's mistake, not a bug: one clear line instead of a stack trace.
                LOG.error("Werken cannot start. {}", refusal);
            } else {
                LOG.error("Werken cannot start: {}", e, e);
            }
            return 1;
        }
    }

    /** A deployer's mistake in {@code e}: a {@link StartupRefusedException}, or an own route Camel could not start. */
    private static String startupRefusal(Main main, Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof StartupRefusedException) {
                return t.getMessage();
            }
        }
        for (CamelConfiguration configuration : main.configure().getConfigurations()) {
            if (configuration instanceof OwnRoutesConfiguration ownRoutes) {
                return ownRoutes.startupRefusal(e);
            }
        }
        return null;
    }
}
