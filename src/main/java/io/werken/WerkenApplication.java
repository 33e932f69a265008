package io.werken;

import java.util.Arrays;

import io.werken.config.StartupRefusedException;
import io.werken.config.WerkenConfiguration;
import io.werken.ops.DeadLetterRequeue;
import org.apache.camel.main.Main;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts Werken: Camel main with the routes under {@code routes/} and the beans of {@link WerkenConfiguration}; or,
 * with {@code requeue-dead-letters [--max N]}, runs the operator's {@link DeadLetterRequeue} and exits.
 */
public final class WerkenApplication {

    private static final Logger LOG = LoggerFactory.getLogger(WerkenApplication.class);

    private WerkenApplication() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("requeue-dead-letters")) {
            System.exit(DeadLetterRequeue.run(Arrays.copyOfRange(args, 1, args.length)));
        }
        Main main = new Main();
        // An instance, not a scanned class: Camel 4.17 post-processes scanned configuration classes twice, which
        // would build every bean (and open every broker connection) twice.
        main.configure().addConfiguration(new WerkenConfiguration());
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
