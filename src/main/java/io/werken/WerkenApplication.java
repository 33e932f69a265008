package io.werken;

import io.werken.config.WerkenConfiguration;
import org.apache.camel.main.Main;

/** Starts Werken: Camel main with the routes under {@code routes/} and the beans of {@link WerkenConfiguration}. */
public final class WerkenApplication {

    private WerkenApplication() {
    }

    public static void main(String[] args) throws Exception {
        Main main = new Main();
        // An instance, not a scanned class: Camel 4.17 post-processes scanned configuration classes twice, which
        // would build every bean (and open every broker connection) twice.
        main.configure().addConfiguration(new WerkenConfiguration());
        System.exit(main.run(args));
    }
}
