package io.werken;

import java.util.Arrays;
import java.util.List;

import io.werken.config.BrokerConfiguration;
import io.werken.config.CoreConfiguration;
import io.werken.config.DedupeConfiguration;
import io.werken.config.DispatchConfiguration;
import io.werken.config.EmbeddedBrokerConfiguration;
import io.werken.config.HttpConfiguration;
import io.werken.config.IngestConfiguration;
import io.werken.config.ManagementConfiguration;
import io.werken.config.OwnRoutesConfiguration;
import io.werken.config.WorkflowReloadConfiguration;
import io.werken.config.WorkflowsConfiguration;
import io.werken.core.StartupRefusedException;
import io.werken.http.ManagementServerFactory;
import io.werken.ops.DeadLetterRequeue;
import io.werken.ops.ValidateWorkflows;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.main.Main;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts Werken: Camel main with the routes under {@code routes/} and the beans of {@link #configurations()}; or,
 * with {@code requeue-dead-letters [--max N]}, runs the operator's {@link DeadLetterRequeue} and exits; with
 * {@code validate FILE}, checks a workflows file offline ({@link ValidateWorkflows}) and exits.
 */
public final class WerkenApplication {

    private static final Logger LOG = LoggerFactory.getLogger(WerkenApplication.class);

    private WerkenApplication() {
    }

    /**
     * The wiring, one configuration per role, in the order Camel binds them: each may use the beans of those before it
     * (see {@code io.werken.config}). The settings a deployer can get wrong are refused before Werken touches the
     * broker: workflows, dedupe and own routes come before the broker (the embedded one is started only then) and its
     * queues are declared (routes start only once
     * every configuration is bound, so own workers still find their queues declared). Instances, not scanned classes:
     * Camel 4.17 post-processes scanned configuration classes twice, which would build every bean (and open every
     * broker connection) twice.
     */
    public static List<CamelConfiguration> configurations() {
        return List.of(new CoreConfiguration(), new WorkflowsConfiguration(), new DedupeConfiguration(),
                new OwnRoutesConfiguration(), new HttpConfiguration(), new EmbeddedBrokerConfiguration(),
                new BrokerConfiguration(),
                new WorkflowReloadConfiguration(), new IngestConfiguration(),
                new DispatchConfiguration(), new ManagementConfiguration());
    }

    /**
     * camel-main set up for Werken: the {@link #configurations()}, and the management server's factory, which
     * camel-main looks up before it loads any configuration class (so it cannot come from one).
     */
    public static Main newMain() {
        Main main = new Main();
        configurations().forEach(main.configure()::addConfiguration);
        main.bind(ManagementServerFactory.NAME, new ManagementServerFactory());
        return main;
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("requeue-dead-letters")) {
            System.exit(DeadLetterRequeue.run(Arrays.copyOfRange(args, 1, args.length)));
        }
        if (args.length > 0 && args[0].equals("validate")) {
            System.exit(ValidateWorkflows.run(Arrays.copyOfRange(args, 1, args.length)));
        }
        Main main = newMain();
        try {
            System.exit(main.run(args));
        } catch (Exception e) {
            String refusal = startupRefusal(e);
            if (refusal == null) {
                throw e;
            }
            // A deployer's mistake, not a bug: one clear line instead of a stack trace.
            LOG.error("Werken cannot start. {}", refusal);
            System.exit(1);
        }
    }

    private static String startupRefusal(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof StartupRefusedException) {
                return t.getMessage();
            }
        }
        return null;
    }
}
