package io.werken.config;

import java.time.Clock;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.werken.core.WerkenJson;
import io.werken.expression.ExpressionCompiler;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.Configuration;
import org.apache.camel.PropertyInject;

/** What every path shares: the clock events are stamped with, Werken's JSON settings, the expression language. */
@Configuration
public class CoreConfiguration implements CamelConfiguration {

    @BindToRegistry
    public Clock clock() {
        return Clock.systemUTC();
    }

    @BindToRegistry
    public ObjectMapper werkenJson() {
        return WerkenJson.mapper();
    }

    /** The workflow language's environment, which the catalog compiles its expressions in. */
    @BindToRegistry
    public ExpressionCompiler expressionCompiler(@PropertyInject("werken.workflows.max-iterations") int maxIterations) {
        return new ExpressionCompiler(maxIterations);
    }
}
