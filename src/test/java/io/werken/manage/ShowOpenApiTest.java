package io.werken.manage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document Werken serves at {@code GET /openapi.json} is JSON made from the YAML in the jar, and it is kept
 * in step with the routes: every HTTP route's path is in it, and every path in it is served.
 */
class ShowOpenApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Served by Vert.x handlers and Camel's own endpoints, not by a route file. */
    private static final Set<String> NOT_ROUTES = Set.of("/console/session", "/observe/health", "/observe/metrics");

    private static final Pattern HTTP_ROUTE = Pattern.compile("uri: (?:management-http|platform-http):(/\\S*)");

    @Test
    void theDocumentIsOpenApi31AsJson() throws IOException {
        JsonNode document = JSON.readTree(ShowOpenApi.toJson(JSON));

        assertThat(document.path("openapi").asText()).isEqualTo("3.1.0");
        assertThat(document.path("components").path("schemas").path("Problem").path("required"))
                .extracting(JsonNode::asText)
                .contains("type", "title", "status");
    }

    @Test
    void everyHttpRouteIsDocumentedAndEveryDocumentedPathIsServed() throws IOException {
        Set<String> routes = new TreeSet<>();
        try (Stream<Path> files = Files.list(Path.of("src/main/resources/routes"))) {
            for (Path file : files.toList()) {
                Matcher uri = HTTP_ROUTE.matcher(Files.readString(file));
                while (uri.find()) {
                    routes.add(uri.group(1));
                }
            }
        }
        // /events/{event_id} and /workflows/{workflow_id} also answer /events/replay and /workflows/revisions.
        routes.addAll(Set.of("/events/replay", "/workflows/revisions"));

        Set<String> documented = new TreeSet<>();
        for (Iterator<String> path =
                        JSON.readTree(ShowOpenApi.toJson(JSON)).path("paths").fieldNames();
                path.hasNext(); ) {
            documented.add(path.next());
        }
        documented.removeAll(NOT_ROUTES);

        assertThat(documented).isEqualTo(routes);
    }
}
