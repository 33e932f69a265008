package io.werken.manage;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * {@code GET /openapi.json}: the OpenAPI 3.1 document of Werken's HTTP APIs, authored once as YAML
 * ({@code classpath:openapi/werken.openapi.yaml}) and answered as JSON, converted once when the bean is made.
 */
public final class ShowOpenApi implements Processor {

    /** Where the document lives in the jar. */
    public static final String RESOURCE = "openapi/werken.openapi.yaml";

    private final byte[] json;

    public ShowOpenApi(ObjectMapper json) {
        this.json = toJson(json);
    }

    /** The document as JSON bytes. */
    public static byte[] toJson(ObjectMapper json) {
        try (InputStream yaml = ShowOpenApi.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (yaml == null) {
                throw new IllegalStateException("The OpenAPI document " + RESOURCE + " is missing from the classpath");
            }
            Object document = new Load(LoadSettings.builder().build()).loadFromInputStream(yaml);
            return json.writeValueAsBytes(document);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the OpenAPI document " + RESOURCE, e);
        }
    }

    @Override
    public void process(Exchange exchange) {
        Message in = exchange.getMessage();
        ManagementRequests.requireMethod(in, "GET");
        ManagementRequests.query(in, Set.of());
        in.removeHeaders("*");
        in.setHeader(Exchange.CONTENT_TYPE, "application/json");
        in.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        in.setBody(Buffer.buffer(json));
    }
}
