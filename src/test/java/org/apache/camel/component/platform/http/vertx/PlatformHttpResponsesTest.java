package org.apache.camel.component.platform.http.vertx;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.HeaderFilterStrategy;
import org.junit.jupiter.api.Test;

/**
 * Fails on the next Camel upgrade, on purpose: {@link PlatformHttpResponses} reaches Camel's package-private
 * {@code VertxPlatformHttpSupport.writeResponse}, so whoever upgrades must check that the method is still there with
 * this signature, and whether Camel now offers it publicly (then delete {@link PlatformHttpResponses}).
 */
class PlatformHttpResponsesTest {

    /** The Camel release whose writeResponse was checked; raise it once the method is checked in the new one. */
    private static final String CHECKED_CAMEL = "4.17.0";

    @Test
    void camelIsTheReleaseWhoseResponseWriterWasChecked() {
        assertThat(new DefaultCamelContext(false).getVersion())
                .as("Camel was upgraded: check VertxPlatformHttpSupport.writeResponse (see PlatformHttpResponses), "
                        + "then raise CHECKED_CAMEL")
                .isEqualTo(CHECKED_CAMEL);
    }

    @Test
    void writeResponseKeepsTheSignaturePlatformHttpResponsesCalls() throws NoSuchMethodException {
        Method write = VertxPlatformHttpSupport.class.getDeclaredMethod(
                "writeResponse", RoutingContext.class, Exchange.class, HeaderFilterStrategy.class, boolean.class);

        assertThat(write.getReturnType()).isEqualTo(Future.class);
        assertThat(Modifier.isStatic(write.getModifiers())).isTrue();
        assertThat(Modifier.isPrivate(write.getModifiers()))
                .as("reachable from its package")
                .isFalse();
        // Once Camel makes it public, PlatformHttpResponses is no longer needed.
        assertThat(Modifier.isPublic(write.getModifiers()))
                .as("public: delete PlatformHttpResponses")
                .isFalse();
    }
}
