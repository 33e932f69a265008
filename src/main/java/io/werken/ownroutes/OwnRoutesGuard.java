package io.werken.ownroutes;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
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
 * route an id, take no id of Werken's routes or route configurations nor one another file defines, and serve no HTTP
 * unless the deployer allows it ({@code WERKEN_ROUTES_ALLOW_HTTP}). These are checks of structure, not a sandbox: a
 * route that passes them still runs with all of Werken's access (README, "Own routes").
 */
public final class OwnRoutesGuard {

    /**
     * What an own route file may hold: routes, and the error handling and interceptors that Camel scopes to the routes
     * of the same file. Everything else (beans, route configurations, rests, rest configuration, templates) is shared
     * by the whole Camel context and could reach Werken's own routes.
     */
    static final Set<String> ACCEPTED = Set.of(
            "route",
            "errorHandler",
            "onException",
            "onCompletion",
            "intercept",
            "interceptFrom",
            "interceptSendToEndpoint");

    /**
     * The components that would publish an endpoint on Werken's ports: platform-http serves the webhook port, and
     * Werken's management-http (platform-http again) the management port.
     */
    static final Set<String> HTTP_SCHEMES = Set.of("platform-http", "management-http");

    /** A value that names one of {@link #HTTP_SCHEMES} as an endpoint: the scheme, alone or before ':' or '?'. */
    private static final Pattern HTTP_ENDPOINT =
            Pattern.compile("(?i)^\\s*(?:" + String.join("|", HTTP_SCHEMES) + ")\\s*(?:[:?].*)?$", Pattern.DOTALL);

    private final CamelContext context;
    private final Set<String> werkenIds;
    private final boolean httpAllowed;

    public OwnRoutesGuard(CamelContext context, Set<String> werkenIds) {
        this(context, werkenIds, false);
    }

    private OwnRoutesGuard(CamelContext context, Set<String> werkenIds, boolean httpAllowed) {
        this.context = context;
        this.werkenIds = Set.copyOf(werkenIds);
        this.httpAllowed = httpAllowed;
    }

    /** This guard, letting routes serve HTTP ({@code platform-http}) on Werken's ports if {@code allowed}. */
    public OwnRoutesGuard withHttpAllowed(boolean allowed) {
        return new OwnRoutesGuard(context, werkenIds, allowed);
    }

    /**
     * A guard that keeps the ids of the routes and route configurations in Werken's own route files, those
     * {@code includePattern} (Camel's routes-include-pattern, comma-separated) names.
     */
    public static OwnRoutesGuard forWerkenRoutes(CamelContext context, String includePattern) {
        Set<String> ids = new TreeSet<>();
        try {
            for (String pattern : includePattern.split(",")) {
                for (Resource resource :
                        PluginHelper.getPackageScanResourceResolver(context).findResources(pattern.trim())) {
                    for (Object element : topLevel(resource.getLocation(), read(resource))) {
                        Object body = ((Map<?, ?>) element).values().iterator().next();
                        if (body instanceof Map<?, ?> map && map.get("id") instanceof String id) {
                            ids.add(id);
                        }
                    }
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException(
                    "Cannot read Werken's own routes " + includePattern + ": " + e.getMessage(), e);
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
        List<?> elements = topLevel(file, text);
        for (Object element : elements) {
            String kind = (String) ((Map<?, ?>) element).keySet().iterator().next();
            if (!ACCEPTED.contains(kind)) {
                throw new OwnRouteRefusedException(
                        file,
                        "'" + kind + "' is not accepted here, only 'route' (with "
                                + "errorHandler, onException, onCompletion and intercepts, which apply to the file's own routes)");
            }
        }
        if (!httpAllowed) {
            refuseHttp(file, elements);
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
                throw new OwnRouteRefusedException(
                        file,
                        "the route from '" + from + "' has no id: give every route an "
                                + "id, a reload replaces routes by id");
            }
            if (route.getStartupOrder() != null) {
                throw new OwnRouteRefusedException(
                        file, "route '" + id + "' sets startupOrder, which Werken's routes " + "use: leave it out");
            }
            if (werkenIds.contains(id)) {
                throw new OwnRouteRefusedException(
                        file, "route id '" + id + "' is one of Werken's own routes; " + "choose another id");
            }
            if (takenBy.containsKey(id)) {
                throw new OwnRouteRefusedException(
                        file, "route id '" + id + "' is already defined by " + takenBy.get(id) + "; choose another id");
            }
            if (!ids.add(id)) {
                throw new OwnRouteRefusedException(file, "route id '" + id + "' is defined twice in the file");
            }
            if (!httpAllowed && route.getInput() != null && servesHttp(from)) {
                // The endpoint as Camel builds it (uri with its parameters, placeholders resolved): the YAML's text
                // was checked already, this catches a scheme that only a placeholder names.
                throw httpRefused(file, "route '" + id + "'", from);
            }
        }
        return ids;
    }

    /**
     * Refuses any value of the file (an endpoint uri of from, to, toD, wireTap, enrich or any other step, in any
     * nesting) or key that names an HTTP component, as written or with its property placeholders resolved.
     */
    private void refuseHttp(String file, List<?> elements) {
        for (Object element : elements) {
            Map.Entry<?, ?> entry = ((Map<?, ?>) element).entrySet().iterator().next();
            String where = entry.getValue() instanceof Map<?, ?> body && body.get("id") instanceof String id
                    ? entry.getKey() + " '" + id + "'"
                    : "'" + entry.getKey() + "'";
            String found = httpEndpointIn(entry.getValue(), Collections.newSetFromMap(new IdentityHashMap<>()));
            if (found != null) {
                throw httpRefused(file, where, found);
            }
        }
    }

    /** The first string in {@code node} (keys included) that names an HTTP endpoint, or null. */
    private String httpEndpointIn(Object node, Set<Object> seen) {
        if (node instanceof String text) {
            return servesHttp(text) ? text.strip() : null;
        }
        if (node == null || !seen.add(node)) {
            return null;
        }
        if (node instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                String found = httpEndpointIn(entry.getKey(), seen);
                if (found == null) {
                    found = httpEndpointIn(entry.getValue(), seen);
                }
                if (found != null) {
                    return found;
                }
            }
        } else if (node instanceof Collection<?> items) {
            for (Object item : items) {
                String found = httpEndpointIn(item, seen);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    private boolean servesHttp(String value) {
        if (HTTP_ENDPOINT.matcher(value).matches()) {
            return true;
        }
        if (value.contains("{{")) {
            try {
                return HTTP_ENDPOINT
                        .matcher(context.resolvePropertyPlaceholders(value))
                        .matches();
            } catch (RuntimeException e) {
                // A placeholder Camel cannot resolve yet: the route will not build either, nothing to refuse here.
                return false;
            }
        }
        return false;
    }

    private static OwnRouteRefusedException httpRefused(String file, String where, String endpoint) {
        return new OwnRouteRefusedException(
                file,
                where + " uses '" + oneLine(endpoint) + "', which would serve HTTP on "
                        + "Werken's ports beside its webhooks; own routes may not, unless WERKEN_ROUTES_ALLOW_HTTP=true");
    }

    /** The routes as Camel's YAML DSL reads them, without adding anything to the context. */
    private List<RouteDefinition> camelRoutes(String file, Resource resource) {
        try {
            Collection<RoutesBuilder> builders =
                    PluginHelper.getRoutesLoader(context).findRoutesBuilders(List.of(resource));
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
            if (!(element instanceof Map<?, ?> map)
                    || map.size() != 1
                    || !(map.keySet().iterator().next() instanceof String)) {
                throw new OwnRouteRefusedException(
                        file, "must be a YAML list of '- route:' elements, each with one key");
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
