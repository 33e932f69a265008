package io.werken.ownroutes;

import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.Route;
import org.apache.camel.api.management.ManagedAttribute;
import org.apache.camel.api.management.ManagedResource;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.RouteWatcherReloadStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Camel's route watcher on the own routes directory, made safe to run beside Werken's routes: it never removes all
 * routes (a reload replaces only the changed file's routes, by id), refuses a changed file its {@link OwnRoutesGuard}
 * refuses (logged, the running routes stay), and makes the file the truth: routes the file no longer defines, or all
 * of a deleted file's routes, are stopped and removed.
 */
@ManagedResource(description = "Werken's own routes watcher")
public class OwnRoutesReloadStrategy extends RouteWatcherReloadStrategy {

    static final String PATTERN = "*.camel.yaml";

    private static final Logger LOG = LoggerFactory.getLogger(OwnRoutesReloadStrategy.class);

    private final OwnRoutesGuard guard;
    private final AtomicInteger refused = new AtomicInteger();
    private volatile String lastRefusal;

    public OwnRoutesReloadStrategy(String directory, OwnRoutesGuard guard) {
        super(directory, false);
        this.guard = guard;
        setPattern(PATTERN);
        // Camel's default (true) would stop and remove every route, Werken's too, on each change.
        setRemoveAllRoutes(false);
    }

    @Override
    protected void onRouteReload(Collection<Resource> resources, boolean removeEverything) {
        if (resources == null) {
            // Properties reloads would reload every route: the pattern never matches properties files.
            return;
        }
        for (Resource resource : resources) {
            reload(resource);
        }
    }

    private void reload(Resource resource) {
        String file = OwnRoutesGuard.displayName(resource);
        if (!Files.exists(Paths.get(resource.getURI()))) {
            // Camel's part loads nothing for a deleted file, but forgets it if an earlier reload of it failed (Camel
            // retries the files of a failed reload with the next one, which would then fail on the missing file).
            super.onRouteReload(List.of(resource), false);
            removeRoutesOf(resource, Set.of(), "deleted");
            return;
        }
        Set<String> ids;
        try {
            ids = guard.check(resource, takenByOthers(resource));
        } catch (OwnRouteRefusedException e) {
            refused.incrementAndGet();
            lastRefusal = e.getMessage();
            LOG.error("{}. Nothing reloaded: Werken's routes and the own routes already running are unchanged.",
                    e.getMessage());
            return;
        }
        super.onRouteReload(List.of(resource), false);
        removeRoutesOf(resource, ids, "no longer in the file");
    }

    /** The route ids defined by any source other than this file: Werken's routes and other own files. */
    private Map<String, String> takenByOthers(Resource resource) {
        Map<String, String> taken = new HashMap<>();
        for (Route route : getCamelContext().getRoutes()) {
            Resource source = route.getSourceResource();
            if (source == null || !source.getURI().equals(resource.getURI())) {
                taken.put(route.getRouteId(), source == null ? "a route without a file" : OwnRoutesGuard.displayName(source));
            }
        }
        return taken;
    }

    private void removeRoutesOf(Resource resource, Set<String> keep, String why) {
        for (Route route : List.copyOf(getCamelContext().getRoutes())) {
            Resource source = route.getSourceResource();
            if (source != null && source.getURI().equals(resource.getURI()) && !keep.contains(route.getRouteId())) {
                try {
                    getCamelContext().getRouteController().stopRoute(route.getRouteId());
                    getCamelContext().removeRoute(route.getRouteId());
                    LOG.info("Own route {} of {} stopped and removed ({})", route.getRouteId(),
                            OwnRoutesGuard.displayName(resource), why);
                } catch (Exception e) {
                    LOG.error("Own route {} of {} could not be removed: {}", route.getRouteId(),
                            OwnRoutesGuard.displayName(resource), e.getMessage());
                }
            }
        }
    }

    @ManagedAttribute(description = "Changed own route files refused since start")
    public int getRefusedCounter() {
        return refused.get();
    }

    @ManagedAttribute(description = "Why the last refused own route file was refused")
    public String getLastRefusal() {
        return lastRefusal;
    }
}
