package io.werken.ownroutes;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.apache.camel.CamelContext;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * Decides whether an own route file may be loaded beside Werken's routes, before Camel adds anything from it: it must
 * parse (as YAML, then as Camel's YAML DSL), hold only routes (and what applies to its own routes alone), give every
 * route an id, and take no id of Werken's routes or route configurations nor one another file defines.
 */
public final class OwnRoutesGuard {

    /**
     * What an own route file may hold: routes, and the error handling and interceptors that Camel scopes to the routes
     * of the same file. Everything else (beans, route configurations, rests, rest configuration, templates) is shared
     * by the whole Camel context and could reach Werken's own routes.
     */
    static final Set<String> ACCEPTED = Set.of("route", "errorHandler", "onException", "onCompletion", "intercept",
            "interceptFrom", "interceptSendToEndpoint");

    private final CamelContext context;
    private final Set<String> werkenIds;

    public OwnRoutesGuard(CamelContext context, Set<String> werkenIds) {
        this.context = context;
        this.werkenIds = Set.copyOf(werkenIds);
    }

    /**
     * A guard that keeps the ids of the routes and route configurations in Werken's own route files, those
     * {@code includePattern} (Camel's routes-include-pattern, comma-separated) names.
     */
    public static OwnRoutesGuard forWerkenRoutes(CamelContext context, String includePattern) {
        Set<String> ids = new TreeSet<>();
        try {
            for (String pattern : includePattern.split(",")) {
                for (Resource resource : PluginHelper.getPackageScanResourceResolver(context).findResources(pattern.trim())) {
                    for (Object element : topLevel(resource.getLocation(), read(resource))) {
                        Object body = ((Map<?, ?>) element).values().iterator().next();
                        if (body instanceof Map<?, ?> map && map.get("id") instanceof String id) {
                            ids.add(id);
                        }
                    }
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("Cannot read Werken's own routes " + includePattern + ": " + e.getMessage(), e);
        }
        if (ids.isEmpty()) {
            throw new IllegalStateException("No route ids found in Werken's own routes " + includePattern);
        }
        return new OwnRoutesGuard(context, ids);
    }

    /** The ids of Werken's own routes and route configurations, which no own route may take. */
    public Set<String> werkenIds() {
        return werkenIds;
    }

    /**
     * The ids of the routes in {@code resource} if it may be loaded; otherwise an {@link OwnRouteRefusedException}
     * that says why. {@code takenBy} maps the route ids other files already define to those files.
     */
    public Set<String> check(Resource resource, Map<String, String> takenBy) {
        String file = displayName(resource);
        String text;
        try {
            text = read(resource);
        } catch (IOException e) {
            throw new OwnRouteRefusedException(file, "cannot be read: " + oneLine(e.getMessage()));
        }
        for (Object element : topLevel(file, text)) {
            String kind = (String) ((Map<?, ?>) element).keySet().iterator().next();
            if (!ACCEPTED.contains(kind)) {
                throw new OwnRouteRefusedException(file, "'" + kind + "' is not accepted here, only 'route' (with "
                        + "errorHandler, onException, onCompletion and intercepts, which apply to the file's own routes)");
            }
        }
        List<RouteDefinition> routes = camelRoutes(file, resource);
        if (routes.isEmpty()) {
            throw new OwnRouteRefusedException(file, "defines no route");
        }
        Set<String> ids = new LinkedHashSet<>();
        for (RouteDefinition route : routes) {
            String id = route.getRouteId();
            String from = route.getInput() == null ? "?" : route.getInput().getEndpointUri();
            if (id == null || id.isBlank()) {
                throw new OwnRouteRefusedException(file, "the route from '" + from + "' has no id: give every route an "
                        + "id, a reload replaces routes by id");
            }
            if (route.getStartupOrder() != null) {
                throw new OwnRouteRefusedException(file, "route '" + id + "' sets startupOrder, which Werken's routes "
                        + "use: leave it out");
            }
            if (werkenIds.contains(id)) {
                throw new OwnRouteRefusedException(file, "route id '" + id + "' is one of Werken's own routes; "
                        + "choose another id");
            }
            if (takenBy.containsKey(id)) {
                throw new OwnRouteRefusedException(file, "route id '" + id + "' is already defined by "
                        + takenBy.get(id) + "; choose another id");
            }
            if (!ids.add(id)) {
                throw new OwnRouteRefusedException(file, "route id '" + id + "' is defined twice in the file");
            }
        }
        return ids;
    }

    /** The routes as Camel's YAML DSL reads them, without adding anything to the context. */
    private List<RouteDefinition> camelRoutes(String file, Resource resource) {
        try {
            Collection<RoutesBuilder> builders = PluginHelper.getRoutesLoader(context).findRoutesBuilders(List.of(resource));
            List<RouteDefinition> routes = new ArrayList<>();
            for (RoutesBuilder builder : builders) {
                if (builder instanceof RouteBuilder routeBuilder) {
                    routes.addAll(routeBuilder.configureRoutes(context).getRoutes());
                }
            }
            return routes;
        } catch (Exception e) {
            throw new OwnRouteRefusedException(file, "does not parse as Camel YAML DSL: " + oneLine(describe(e)));
        }
    }

    /** The file's top-level elements, each a map of one key (its kind), as plain YAML. */
    private static List<?> topLevel(String file, String text) {
        Object document;
        try {
            document = new Load(LoadSettings.builder().setLabel(file).build()).loadFromString(text);
        } catch (YamlEngineException e) {
            throw new OwnRouteRefusedException(file, "is not valid YAML: " + oneLine(e.getMessage()));
        }
        if (document == null) {
            throw new OwnRouteRefusedException(file, "is empty");
        }
        if (!(document instanceof List<?> elements)) {
            throw new OwnRouteRefusedException(file, "must be a YAML list of '- route:' elements");
        }
        for (Object element : elements) {
            if (!(element instanceof Map<?, ?> map) || map.size() != 1 || !(map.keySet().iterator().next() instanceof String)) {
                throw new OwnRouteRefusedException(file, "must be a YAML list of '- route:' elements, each with one key");
            }
        }
        return elements;
    }

    private static String read(Resource resource) throws IOException {
        try (InputStream in = resource.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static String displayName(Resource resource) {
        String location = resource.getLocation();
        return location.startsWith("file:") ? Path.of(location.substring(5)).toString() : location;
    }

    /**
     * The innermost message that says something, e.g. the YAML DSL's "Unsupported field: ..." under Camel's wrapper,
     * or Camel's reason a route failed to start.
     */
    static String describe(Throwable e) {
        String message = e.getMessage();
        for (Throwable t = e.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                message = t.getMessage();
            }
        }
        if (message == null) {
            return e.getClass().getSimpleName();
        }
        // Camel's "Failed to start route: x because: <reason>": the route is named already, the reason is what matters.
        int because = message.indexOf(" because: ");
        return because < 0 ? message : message.substring(because + " because: ".length());
    }

    static String oneLine(String message) {
        return message == null ? "" : message.strip().replaceAll("\\s+", " ");
    }
}
