package io.werken.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.werken.core.Problem;
import io.werken.core.ProblemType;
import io.werken.core.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console on the management port: its files from the jar ({@code console/} on the classpath at {@code /console/},
 * uPlot's WebJar at {@code /console/vendor/uplot/}), its session endpoint ({@link ConsoleSessionEndpoint}), and the
 * security headers of every {@code /console} answer. Mounted by {@link ManagementServerFactory} after the
 * {@link ManagementAccessGuard}, which decides who gets here.
 * <p>
 * Only names made of letters, digits, {@code . _ -} (none starting with a dot) and ending in a known extension are
 * looked up, so no path can leave {@code console/} ({@code ..}, encoded or not, never reaches a lookup), and there is
 * no directory listing. Vert.x's StaticHandler is not used: it copies classpath files to a cache directory on disk,
 * sends {@code application/javascript} and long-lived caching headers, and the console needs none of that.
 */
public final class ConsoleHandler implements Handler<RoutingContext> {

    private static final Logger LOG = LoggerFactory.getLogger(ConsoleHandler.class);

    /** Where the console is served. */
    public static final String PATH = "/console";
    /** Sign-in, sign-out, and the session's CSRF token. */
    public static final String SESSION_PATH = PATH + "/session";
    /** uPlot's files, from {@code org.webjars.npm:uplot} (the pom pins the same version). */
    static final String UPLOT_PATH = "vendor/uplot/";

    static final String UPLOT_RESOURCES = "META-INF/resources/webjars/uplot/1.6.30/dist/";
    static final String RESOURCES = "console/";

    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
            + "frame-ancestors 'none'";

    private static final Pattern FILE = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]*(/[A-Za-z0-9_][A-Za-z0-9_.-]*)*");
    private static final Map<String, String> CONTENT_TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "mjs", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "json", "application/json",
            "map", "application/json",
            "svg", "image/svg+xml",
            "png", "image/png",
            "ico", "image/x-icon",
            "woff2", "font/woff2");
    /** Larger than any file of the console: a bound on what the cache may hold per file. */
    private static final int MAX_FILE_BYTES = 4 * 1024 * 1024;

    /** A file as it is answered. */
    private record Asset(byte[] bytes, String contentType, String etag, boolean html) {}

    private final ConsoleSessionEndpoint sessionEndpoint;
    private final ObjectMapper json;
    private final ClassLoader classLoader = ConsoleHandler.class.getClassLoader();
    /** Files found, by resource name; bounded by the files in the jar, as misses are not kept. */
    private final Map<String, Asset> assets = new ConcurrentHashMap<>();

    public ConsoleHandler(ManagementAccessPolicy access, ConsoleSessions sessions, ObjectMapper json) {
        this.sessionEndpoint = new ConsoleSessionEndpoint(access, sessions, json);
        this.json = json;
    }

    /** Adds the session endpoint and the files to {@code router}, after its guard. */
    public void mount(Router router) {
        // The sign-in's body is one small JSON object.
        router.route(SESSION_PATH)
                .handler(BodyHandler.create(false).setBodyLimit(ConsoleSessionEndpoint.MAX_BODY_BYTES))
                .handler(sessionEndpoint);
        router.route().handler(this);
    }

    /** Whether {@code path} (normalized) is the console's: {@code /console} and everything under it. */
    public static boolean isConsolePath(String path) {
        return path != null && (path.equals(PATH) || path.startsWith(PATH + "/"));
    }

    /**
     * A handler for the front of the router: every answer to a {@code /console} path, the guard's refusals included,
     * gets the console's security headers, and is not stored by caches unless a file's answer says otherwise.
     */
    public static Handler<RoutingContext> securityHeaders() {
        return ctx -> {
            if (isConsolePath(ctx.normalizedPath())) {
                addSecurityHeaders(ctx.response());
            }
            ctx.next();
        };
    }

    static void addSecurityHeaders(HttpServerResponse response) {
        response.putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                .putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("Referrer-Policy", "no-referrer")
                .putHeader("X-Frame-Options", "DENY")
                .putHeader("Cache-Control", "no-store");
    }

    @Override
    public void handle(RoutingContext ctx) {
        String path = ctx.normalizedPath();
        if (!isConsolePath(path) || path.equals(SESSION_PATH)) {
            ctx.next();
            return;
        }
        HttpMethod method = ctx.request().method();
        if (method != HttpMethod.GET && method != HttpMethod.HEAD) {
            ctx.response().putHeader("Allow", "GET, HEAD");
            VertxProblems.send(
                    ctx,
                    json,
                    Problem.of(ProblemType.METHOD_NOT_ALLOWED, "The console's files answer GET and HEAD only.", path));
            return;
        }
        if (path.equals(PATH)) {
            // Relative links in the page resolve against /console/, not /.
            ctx.response().setStatusCode(301).putHeader("Location", PATH + "/").end();
            return;
        }
        String resource = resourceFor(path);
        if (resource == null) {
            notFound(ctx, path);
            return;
        }
        Asset cached = assets.get(resource);
        if (cached != null) {
            send(ctx, cached);
            return;
        }
        // A jar entry's first read is file IO: off the event loop.
        Callable<Asset> load = () -> load(resource);
        ctx.vertx().executeBlocking(load, false).onComplete(loaded -> {
            if (loaded.failed()) {
                LOG.warn("Console file not read path={} resource={}", path, resource, loaded.cause());
                VertxProblems.send(
                        ctx,
                        json,
                        Problem.of(ProblemType.INTERNAL_ERROR, "The console's file could not be read.", path));
            } else if (loaded.result() == null) {
                notFound(ctx, path);
            } else {
                send(ctx, assets.computeIfAbsent(resource, name -> loaded.result()));
            }
        });
    }

    /**
     * The classpath resource for {@code path} (normalized, under {@code /console/}), or null when it names nothing
     * the console serves: {@code /console/} is the page, {@code /console/signin} the sign-in page.
     */
    static String resourceFor(String path) {
        String rest = path.substring(PATH.length() + 1);
        if (rest.isEmpty()) {
            return RESOURCES + "index.html";
        }
        if (rest.equals("signin")) {
            return RESOURCES + "signin.html";
        }
        if (rest.length() > 200 || !FILE.matcher(rest).matches() || contentType(rest) == null) {
            return null;
        }
        if (rest.startsWith(UPLOT_PATH)) {
            String file = rest.substring(UPLOT_PATH.length());
            return file.contains("/") ? null : UPLOT_RESOURCES + file;
        }
        return RESOURCES + rest;
    }

    /** The content type for {@code name}'s extension, or null for one the console does not serve. */
    static String contentType(String name) {
        int dot = name.lastIndexOf('.');
        int slash = name.lastIndexOf('/');
        if (dot <= slash + 1) {
            return null;
        }
        return CONTENT_TYPES.get(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    private Asset load(String resource) throws IOException, URISyntaxException {
        URL url = classLoader.getResource(resource);
        if (url == null) {
            return null;
        }
        if (url.getProtocol().equals("file") && !Files.isRegularFile(Path.of(url.toURI()))) {
            // A directory of target/classes: reading it would list its files.
            return null;
        }
        byte[] bytes;
        try (InputStream in = url.openStream()) {
            bytes = in.readNBytes(MAX_FILE_BYTES + 1);
        }
        if (bytes.length > MAX_FILE_BYTES) {
            throw new IOException("Console file larger than " + MAX_FILE_BYTES + " bytes: " + resource);
        }
        String contentType = contentType(resource);
        return new Asset(bytes, contentType, etag(bytes), contentType.startsWith("text/html"));
    }

    private static void send(RoutingContext ctx, Asset asset) {
        HttpServerResponse response = ctx.response();
        response.putHeader("Content-Type", asset.contentType());
        if (asset.html()) {
            // The page names the files it loads: always the one of this Werken, never a cached one.
            response.putHeader("Cache-Control", "no-store");
        } else {
            // Kept, but checked at each use: an upgrade changes the files under the same names.
            response.putHeader("Cache-Control", "no-cache").putHeader("ETag", asset.etag());
            if (asset.etag().equals(ctx.request().getHeader("If-None-Match"))) {
                response.setStatusCode(304).end();
                return;
            }
        }
        if (ctx.request().method() == HttpMethod.HEAD) {
            // Vert.x sends whatever end() is given, for a HEAD too (seen on this port): the length alone.
            response.putHeader("Content-Length", Integer.toString(asset.bytes().length))
                    .end();
        } else {
            response.end(Buffer.buffer(asset.bytes()));
        }
    }

    private void notFound(RoutingContext ctx, String path) {
        VertxProblems.send(ctx, json, Problem.of(ProblemType.NOT_FOUND, "The console has no such file.", path));
    }

    private static String etag(byte[] bytes) {
        return "\"" + HexFormat.of().formatHex(Sha256.digest(bytes), 0, 16) + "\"";
    }
}
