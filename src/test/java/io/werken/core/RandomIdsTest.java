package io.werken.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RandomIdsTest {

    @Test
    void idsAreVersionFourUuidsAndDoNotRepeat() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 20_000; i++) {
            String id = RandomIds.uuid();
            UUID uuid = UUID.fromString(id);
            assertThat(uuid.version()).isEqualTo(4);
            assertThat(uuid.variant()).isEqualTo(2);
            assertThat(uuid.toString()).isEqualTo(id);
            assertThat(seen.add(id)).as("repeated id %s", id).isTrue();
        }
    }

    @Test
    void threadsDrawDifferentIds() throws Exception {
        String[] other = new String[1];
        Thread thread = new Thread(() -> other[0] = RandomIds.uuid());
        thread.start();
        thread.join();
        assertThat(other[0]).isNotEqualTo(RandomIds.uuid());
    }
}
