package io.werken.ownroutes;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.Route;
import org.apache.camel.api.management.ManagedAttribute;
import org.apache.camel.api.management.ManagedResource;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.EventHelper;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.RouteWatcherReloadStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Camel's route watcher on the own routes directory, made safe to run beside Werken's routes: it never removes all
 * routes (a reload replaces only the changed file's routes, by id), makes the file the truth (routes the file no longer
 * defines, or all of a deleted file's routes, are stopped and removed), and refuses a changed file that its
 * {@link OwnRoutesGuard} refuses or whose routes Camel cannot create or start. A refused file changes nothing: the
 * version that ran before runs on, and the refusal is logged in one line, shown by the {@link OwnRoutesHealthCheck}
 * (without taking Werken down: its webhooks and dispatch do not depend on own routes) and counted in
 * {@code werken_own_routes_failed{file}} while it lasts.
 */
@ManagedResource(description = "Werken's own routes watcher")
public class OwnRoutesReloadStrategy extends RouteWatcherReloadStrategy {

    static final String PATTERN = "*.camel.yaml";

    private static final Logger LOG = LoggerFactory.getLogger(OwnRoutesReloadStrategy.class);

    /** Why a file's current content is refused, and since when. */
    public record Refusal(String reason, Instant at) {}

    private final OwnRoutesGuard guard;
    private final MeterRegistry meters;
    /** A gauge of 1 per file whose current content is refused, removed once the file loads or is deleted. */
    private final Map<Path, Gauge> failedGauges = new ConcurrentHashMap<>();

    private final AtomicInteger refused = new AtomicInteger();
    private volatile String lastRefusal;
    /** Each file's last version that loaded: what a failed reload puts back. */
    private final Map<Path, OwnRouteFile> loaded = new ConcurrentHashMap<>();
    /** The files whose current content is refused (the version before it, if any, still runs). */
    private final Map<Path, Refusal> refusedNow = new ConcurrentHashMap<>();

    public OwnRoutesReloadStrategy(String directory, OwnRoutesGuard guard, MeterRegistry meters) {
        super(directory, false);
        this.guard = guard;
        this.meters = meters;
        FunctionCounter.builder("werken.own.routes.refused", refused, AtomicInteger::get)
                .description("Changed own route files refused or unable to start since Werken started")
                .register(meters);
        setPattern(PATTERN);
        // Camel's default (true) would stop and remove every route, Werken's too, on each change.
        setRemoveAllRoutes(false);
    }

    /** A file loaded at startup: the version a failed reload of it goes back to. */
    void loadedAtStartup(OwnRouteFile file) {
        loaded.put(file.path(), file);
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

    /**
     * One file, on its own: not with Camel's part of this class, which after a failed reload retries the failed file
     * with every later one (so one broken file would fail every other file's reload too).
     */
    private void reload(Resource changed) {
        Path path = OwnRouteFile.pathOf(changed);
        String name = path.toString();
        if (!Files.exists(path)) {
            removeRoutesOf(path, Set.of(), "deleted");
            loaded.remove(path);
            cleared(path);
            return;
        }
        OwnRouteFile file;
        Set<String> ids;
        try {
            file = OwnRouteFile.read(path);
            ids = guard.check(file, takenByOthers(path));
        } catch (IOException e) {
            refuse(
                    path,
                    new OwnRouteRefusedException(name, "cannot be read: " + OwnRoutesGuard.oneLine(e.getMessage())));
            return;
        } catch (OwnRouteRefusedException e) {
            refuse(path, e);
            return;
        }
        Set<String> added;
        try {
            added = PluginHelper.getRoutesLoader(getCamelContext()).updateRoutes(List.of(file));
        } catch (Exception e) {
            putBack(path, ids);
            refuse(path, OwnRouteRefusedException.cannotStart(name, OwnRoutes.cannotStartCause(e)));
            return;
        }
        removeRoutesOf(path, ids, "no longer in the file");
        loaded.put(path, file);
        cleared(path);
        LOG.info("Own route file {} reloaded: {}", name, added);
        int index = 1;
        for (String id : added) {
            EventHelper.notifyRouteReloaded(getCamelContext(), getCamelContext().getRoute(id), index++, added.size());
        }
    }

    /**
     * After Camel failed to add a file's routes (having stopped and removed the running ones it replaces): takes away
     * whatever it added of them, in whatever state (a route that could not start stays behind, stopped, and would take
     * the routes health check DOWN), and loads the file's last good version again.
     */
    private void putBack(Path path, Set<String> ids) {
        removeRoutesOf(path, Set.of(), null);
        Model model = getCamelContext().getCamelContextExtension().getContextPlugin(Model.class);
        for (String id : ids) {
            RouteDefinition leftover = model.getRouteDefinition(id);
            if (leftover != null && getCamelContext().getRoute(id) == null) {
                try {
                    model.removeRouteDefinition(leftover);
                } catch (Exception e) {
                    LOG.warn("Own route {} of {}: its definition could not be removed: {}", id, path, e.getMessage());
                }
            }
        }
        OwnRouteFile previous = loaded.get(path);
        if (previous != null) {
            try {
                PluginHelper.getRoutesLoader(getCamelContext()).updateRoutes(List.of(previous));
            } catch (Exception e) {
                LOG.error(
                        "Own route file {}: the version that ran before could not be loaded again either, so its "
                                + "routes are stopped: {}",
                        path,
                        OwnRoutesGuard.oneLine(OwnRoutesGuard.describe(e)));
                loaded.remove(path);
            }
        }
    }

    private void refuse(Path path, OwnRouteRefusedException refusal) {
        refused.incrementAndGet();
        lastRefusal = refusal.getMessage();
        refusedNow.put(path, new Refusal(refusal.getMessage(), Instant.now()));
        failedGauges.computeIfAbsent(
                path,
                p -> Gauge.builder("werken.own.routes.failed", () -> 1)
                        .description(
                                "1 for each own route file whose current content is refused or cannot start (the version "
                                        + "before it, if any, runs on); gone once the file loads or is deleted")
                        .tag("file", p.getFileName().toString())
                        .register(meters));
        // One line, no stack trace: the message names the file and the cause.
        String message = refusal.getMessage();
        LOG.error(
                "{}{} Nothing reloaded: Werken's routes and the own routes already running are unchanged.",
                message,
                message.endsWith(".") ? "" : ".");
    }

    /** The file loaded, or is gone: no longer refused. */
    private void cleared(Path path) {
        refusedNow.remove(path);
        Gauge gauge = failedGauges.remove(path);
        if (gauge != null) {
            meters.remove(gauge);
        }
    }

    /** The route ids defined by any source other than this file: Werken's routes and other own files. */
    private Map<String, String> takenByOthers(Path path) {
        Map<String, String> taken = new HashMap<>();
        for (Route route : getCamelContext().getRoutes()) {
            Path source = OwnRouteFile.pathOf(route.getSourceResource());
            if (!path.equals(source)) {
                taken.put(
                        route.getRouteId(),
                        route.getSourceResource() == null
                                ? "a route without a file"
                                : OwnRoutesGuard.displayName(route.getSourceResource()));
            }
        }
        return taken;
    }

    /** Stops and removes the routes read from {@code path} but those in {@code keep}; logs each unless why is null. */
    private void removeRoutesOf(Path path, Set<String> keep, String why) {
        for (Route route : List.copyOf(getCamelContext().getRoutes())) {
            if (path.equals(OwnRouteFile.pathOf(route.getSourceResource())) && !keep.contains(route.getRouteId())) {
                try {
                    getCamelContext().getRouteController().stopRoute(route.getRouteId());
                    getCamelContext().removeRoute(route.getRouteId());
                    if (why != null) {
                        LOG.info("Own route {} of {} stopped and removed ({})", route.getRouteId(), path, why);
                    }
                } catch (Exception e) {
                    LOG.error("Own route {} of {} could not be removed: {}", route.getRouteId(), path, e.getMessage());
                }
            }
        }
    }

    /** The own routes running now, read from files of the directory. */
    public long routeCount() {
        Path directory = Path.of(getFolder()).toAbsolutePath().normalize();
        return getCamelContext().getRoutes().stream()
                .filter(route -> {
                    Path source = OwnRouteFile.pathOf(route.getSourceResource());
                    return source != null && directory.equals(source.getParent());
                })
                .count();
    }

    /** The files whose current content is refused, with why: their earlier version, if any, still runs. */
    public Map<Path, Refusal> refusedNow() {
        return Map.copyOf(refusedNow);
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
