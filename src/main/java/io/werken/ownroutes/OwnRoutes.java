package io.werken.ownroutes;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.werken.core.StartupRefusedException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.camel.CamelContext;
import org.apache.camel.FailedToCreateRouteException;
import org.apache.camel.FailedToStartRouteException;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The integration engineer's own routes ({@code WERKEN_ROUTES_DIR}): every {@code *.camel.yaml} file of the directory,
 * checked by the {@link OwnRoutesGuard} and loaded beside Werken's routes at startup, then watched by an
 * {@link OwnRoutesReloadStrategy}. At startup a file the guard refuses, or whose routes Camel cannot create or start
 * ({@link #startupRefusal}), refuses startup, like any deployer's mistake.
 * <p>
 * The directory is code, run with all of Werken's access (its beans, routes, settings and secrets): the guard checks
 * structure, it is not a sandbox. Protect the directory as the jar is protected.
 */
public final class OwnRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(OwnRoutes.class);

    private final Path directory;
    private final OwnRoutesReloadStrategy reloadStrategy;
    /** The file of each route loaded at startup. */
    private final Map<String, Path> routeFiles;

    private OwnRoutes(Path directory, OwnRoutesReloadStrategy reloadStrategy, Map<String, Path> routeFiles) {
        this.directory = directory;
        this.reloadStrategy = reloadStrategy;
        this.routeFiles = Map.copyOf(routeFiles);
    }

    /** No own routes: nothing loaded, nothing watched. */
    public static OwnRoutes none() {
        return new OwnRoutes(null, null, Map.of());
    }

    /**
     * Checks and loads the directory's route files into {@code context} (not yet started) and registers the watcher,
     * which Camel starts with the context.
     */
    public static OwnRoutes load(CamelContext context, String directorySetting, OwnRoutesGuard guard) {
        return load(context, directorySetting, guard, new SimpleMeterRegistry());
    }

    /** As {@link #load(CamelContext, String, OwnRoutesGuard)}, the watcher's meters in {@code meters}. */
    public static OwnRoutes load(
            CamelContext context, String directorySetting, OwnRoutesGuard guard, MeterRegistry meters) {
        Path directory = Path.of(directorySetting).toAbsolutePath().normalize();
        if (!Files.isDirectory(directory)) {
            throw new StartupRefusedException("WERKEN_ROUTES_DIR " + directory + " is not a directory.");
        }
        List<Resource> resources = new ArrayList<>();
        Map<String, String> takenBy = new HashMap<>();
        List<OwnRouteFile> files = new ArrayList<>();
        for (Path path : routeFiles(directory)) {
            OwnRouteFile file;
            try {
                file = OwnRouteFile.read(path);
            } catch (IOException e) {
                throw new StartupRefusedException(
                        "Own route file " + path + " cannot be read: " + e.getMessage() + " (WERKEN_ROUTES_DIR)", e);
            }
            try {
                for (String id : guard.check(file, takenBy)) {
                    takenBy.put(id, path.toString());
                }
            } catch (OwnRouteRefusedException e) {
                throw new StartupRefusedException(e.getMessage() + " (WERKEN_ROUTES_DIR)", e);
            }
            files.add(file);
            resources.add(file);
        }
        try {
            PluginHelper.getRoutesLoader(context).loadRoutes(resources);
        } catch (Exception e) {
            throw new StartupRefusedException("Own routes in " + directory + " cannot be added: " + e.getMessage(), e);
        }
        OwnRoutesReloadStrategy reloadStrategy = new OwnRoutesReloadStrategy(directory.toString(), guard, meters);
        files.forEach(reloadStrategy::loadedAtStartup);
        try {
            context.addService(reloadStrategy);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot watch " + directory, e);
        }
        LOG.info(
                "Own routes: {} route(s) from {} file(s) in {}, reloaded when a {} file there changes",
                takenBy.size(),
                resources.size(),
                directory,
                OwnRoutesReloadStrategy.PATTERN);
        Map<String, Path> routeFiles = new HashMap<>();
        takenBy.forEach((id, file) -> routeFiles.put(id, Path.of(file)));
        return new OwnRoutes(directory, reloadStrategy, routeFiles);
    }

    /**
     * The one-line refusal of startup when Camel could not create or start one of the own routes (a component Werken
     * does not have, such as {@code nosuch:}; a consumer that cannot start), which shows only once the routes start,
     * after the guard passed their file; null if {@code failure} is anything else.
     */
    public String startupRefusal(Throwable failure) {
        String routeId = failedRouteId(failure);
        Path file = routeId == null ? null : routeFiles.get(routeId);
        if (file == null) {
            return null;
        }
        return OwnRouteRefusedException.cannotStart(file.toString(), cannotStartCause(failure))
                        .getMessage() + " (WERKEN_ROUTES_DIR)";
    }

    /**
     * Why Camel could not create or start a file's routes, in one line: {@code route '<id>': <Camel's reason>}, or the
     * reason alone when Camel names no route.
     */
    static String cannotStartCause(Throwable failure) {
        String routeId = failedRouteId(failure);
        String reason = OwnRoutesGuard.oneLine(OwnRoutesGuard.describe(failure));
        return routeId == null ? reason : "route '" + routeId + "': " + reason;
    }

    /** The route Camel names in {@code failure} as the one it could not create or start, or null. */
    private static String failedRouteId(Throwable failure) {
        for (Throwable t = failure; t != null && t != t.getCause(); t = t.getCause()) {
            if (t instanceof FailedToCreateRouteException created) {
                return created.getRouteId();
            }
            if (t instanceof FailedToStartRouteException started) {
                return started.getRouteId();
            }
        }
        return null;
    }

    /** The watched directory, if own routes are enabled. */
    public Optional<Path> directory() {
        return Optional.ofNullable(directory);
    }

    public Optional<OwnRoutesReloadStrategy> reloadStrategy() {
        return Optional.ofNullable(reloadStrategy);
    }

    private static List<Path> routeFiles(Path directory) {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory, OwnRoutesReloadStrategy.PATTERN)) {
            stream.forEach(f -> {
                if (Files.isRegularFile(f)) {
                    files.add(f);
                }
            });
        } catch (IOException e) {
            throw new StartupRefusedException(
                    "WERKEN_ROUTES_DIR " + directory + " cannot be read: " + e.getMessage(), e);
        }
        files.sort(null);
        return files;
    }
}
