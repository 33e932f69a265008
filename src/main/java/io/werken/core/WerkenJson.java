package io.werken.core;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * Werken's Jackson settings, shared by everything that reads or writes its JSON: numbers pass through exactly as
 * sent (decimals as BigDecimal with their trailing zeros, never rounded through double).
 */
public final class WerkenJson {

    private WerkenJson() {}

    public static JsonMapper.Builder builder(JsonFactory factory) {
        return JsonMapper.builder(factory)
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES);
    }

    public static ObjectMapper mapper() {
        return builder(new JsonFactory()).build();
    }

    /**
     * The parser settings webhook bodies are read with: nesting at most {@code maxDepth} deep, no duplicate keys, and
     * error messages that do not echo the input back.
     */
    public static JsonFactory strictFactory(int maxDepth) {
        return JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(maxDepth)
                        .build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
                .build();
    }

    /** A reader of one JSON value (nothing may follow it) made by {@code factory}, numbers kept exact. */
    public static ObjectReader strictReader(JsonFactory factory) {
        return builder(factory)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build()
                .reader();
    }
}
