package io.werken.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.werken.WerkenApplication;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.Test;

class LockedRegistryTest {

    /**
     * What the management server does at startup: look beans up by type (as every health check does) while the
     * configurations bind theirs. Camel's own registry failed this with a ConcurrentModificationException.
     */
    @Test
    void werkensRegistryCanBeSearchedWhileBeansAreBound() throws Exception {
        Main main = WerkenApplication.newMain();
        AtomicBoolean binding = new AtomicBoolean(true);
        CompletableFuture<Integer> searches = CompletableFuture.supplyAsync(() -> {
            int done = 0;
            while (binding.get()) {
                main.lookupByType(StringBuilder.class);
                done++;
            }
            return done;
        });
        try {
            for (int i = 0; i < 50_000 && !searches.isDone(); i++) {
                main.bind("bean-" + i, new StringBuilder());
                main.bind("supplied-" + i, (java.util.function.Supplier<Object>) StringBuilder::new);
            }
        } finally {
            binding.set(false);
        }
        // Throws the searches' exception, if one failed.
        searches.get();
        assertNull(main.lookup("bean-none"));
        assertEquals(StringBuilder.class, main.lookup("bean-49999").getClass());
    }
}
