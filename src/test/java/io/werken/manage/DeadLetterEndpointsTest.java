package io.werken.manage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.werken.broker.BrokerAddress;
import io.werken.broker.DeadLetterQueue;
import io.werken.core.ProblemException;
import io.werken.core.ProblemType;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

/** The dead-letter endpoints without a broker: their query checks come first, and a broker away is a 503 with Retry-After. */
class DeadLetterEndpointsTest {

    /** Nothing listens on port 1. */
    private static final DeadLetterQueue UNREACHABLE = new DeadLetterQueue(
            BrokerAddress.rabbitMq("amqp://guest:guest@127.0.0.1:1/%2F"), "received_webhooks", 1000);

    @Test
    void aBrokerThatCannotBeReachedIsA503WithRetryAfter() {
        ProblemException listing = catchThrowableOfType(
                ProblemException.class,
                () -> new ListDeadLetters(UNREACHABLE, new ObjectMapper(), 7).process(request("GET", null)));
        ProblemException requeue = catchThrowableOfType(
                ProblemException.class,
                () -> new RequeueDeadLetters(UNREACHABLE, new ObjectMapper(), 7).process(request("POST", "max=3")));

        for (ProblemException refused : new ProblemException[] {listing, requeue}) {
            assertThat(refused.problemType()).isEqualTo(ProblemType.DEAD_LETTERS_UNAVAILABLE);
            assertThat(refused.problemType().status()).isEqualTo(503);
            assertThat(refused.getMessage()).contains("received_webhooks.dlq").contains("Connection refused");
            assertThat(refused.responseHeaders()).containsEntry("Retry-After", "7");
        }
    }

    @Test
    void badQueriesAreRefusedBeforeTheBrokerIsAsked() {
        ProblemException limit = catchThrowableOfType(
                ProblemException.class,
                () -> new ListDeadLetters(UNREACHABLE, new ObjectMapper(), 7).process(request("GET", "limit=%zz")));
        ProblemException max = catchThrowableOfType(
                ProblemException.class,
                () -> new RequeueDeadLetters(UNREACHABLE, new ObjectMapper(), 7).process(request("POST", "max=99999")));

        assertThat(limit.problemType()).isEqualTo(ProblemType.INVALID_QUERY);
        assertThat(max.problemType()).isEqualTo(ProblemType.INVALID_QUERY);
        assertThat(max.getMessage())
                .isEqualTo("Query parameter 'max' must be a whole number from 1 to 1000, not '99999'.");
    }

    private static Exchange request(String method, String query) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getMessage().setHeader(Exchange.HTTP_METHOD, method);
        exchange.getMessage().setHeader(Exchange.HTTP_QUERY, query);
        return exchange;
    }
}
