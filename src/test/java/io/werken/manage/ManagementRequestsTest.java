package io.werken.manage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.werken.core.ProblemException;
import java.util.Map;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultMessage;
import org.junit.jupiter.api.Test;

/** The management query string: decoded (Netty), each known parameter at most once, anything else a 400. */
class ManagementRequestsTest {

    private static final Set<String> KNOWN = Set.of("limit", "q");

    @Test
    void decodesPercentEncodingAndPlusAndKeepsSemicolons() {
        assertThat(query("limit=5&q=a%2Fb+c;d&")).isEqualTo(Map.of("limit", "5", "q", "a/b c;d"));
        assertThat(query("q")).isEqualTo(Map.of("q", ""));
        assertThat(query(null)).isEmpty();
    }

    @Test
    void refusesUnknownRepeatedAndBadlyEncodedParameters() {
        assertThatThrownBy(() -> query("limit=1&nope=2"))
                .isInstanceOf(ProblemException.class)
                .hasMessage("Unknown query parameter 'nope'; this resource takes limit, q.");
        assertThatThrownBy(() -> query("limit=1&limit=2"))
                .isInstanceOf(ProblemException.class)
                .hasMessage("Query parameter 'limit' is given more than once.");
        assertThatThrownBy(() -> query("q=%zz"))
                .isInstanceOf(ProblemException.class)
                .hasMessage("The query string is not valid percent-encoding.");
    }

    private static Map<String, String> query(String raw) {
        Message in = new DefaultMessage(new DefaultCamelContext(false));
        in.setHeader(Exchange.HTTP_QUERY, raw);
        return ManagementRequests.query(in, KNOWN);
    }
}
