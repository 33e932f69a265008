package io.werken.core;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * Werken's Jackson settings, shared by everything that reads or writes its JSON: numbers pass through exactly as
 * sent (decimals as BigDecimal with their trailing zeros, never rounded through double).
 */
public final class WerkenJson {

    private WerkenJson() {
    }

    public static JsonMapper.Builder builder(JsonFactory factory) {
        return JsonMapper.builder(factory)
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES);
    }

    public static ObjectMapper mapper() {
        return builder(new JsonFactory()).build();
    }
}
