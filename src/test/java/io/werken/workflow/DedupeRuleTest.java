package io.werken.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** A workflow's dedupe path: where in the payload a delivery's key is. */
class DedupeRuleTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static DedupeRule rule(String path) throws Exception {
        return DedupeRule.parse(JSON.readTree("{\"path\": \"" + path + "\"}"));
    }

    @Test
    void aPathFindsAStringOrAWholeNumberAndNothingElse() throws Exception {
        JsonNode payload = JSON.readTree(
                "{\"id\": \"evt_1\", \"n\": 42, \"f\": 1.5, \"o\": {}, \"data\": {\"items\": [{\"id\": \"x\"}]}, \"e\": \"\"}");

        assertThat(rule("$.id").keyIn(payload)).isEqualTo("evt_1");
        assertThat(rule("$.n").keyIn(payload)).isEqualTo("42");
        assertThat(rule("$.data.items[0].id").keyIn(payload)).isEqualTo("x");
        assertThat(rule("$.f").keyIn(payload)).isNull();
        assertThat(rule("$.o").keyIn(payload)).isNull();
        assertThat(rule("$.e").keyIn(payload)).isNull();
        assertThat(rule("$.missing").keyIn(payload)).isNull();
        assertThat(rule("$.id").keyIn(JSON.readTree("[1]"))).isNull();
        assertThatThrownBy(() -> rule("$..id")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> rule("$['id']")).isInstanceOf(IllegalArgumentException.class);
    }
}
