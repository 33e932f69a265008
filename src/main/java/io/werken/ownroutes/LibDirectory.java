package io.werken.ownroutes;

import io.werken.core.StartupRefusedException;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The jars of {@code WERKEN_LIB_DIR}, made the CamelContext's application context class loader: Camel finds a
 * component's descriptor ({@code META-INF/services/org/apache/camel/component/<scheme>}) through it, and its
 * {@code ClassResolver} falls back to it for any class Werken's own class path lacks ({@code #class:}, {@code beanType},
 * {@code class:}), so own routes can use components and beans Werken does not bundle. Parent first: a jar never
 * replaces a class Werken has.
 */
public final class LibDirectory {

    private static final Logger LOG = LoggerFactory.getLogger(LibDirectory.class);

    private final Path directory;
    private final List<Path> jars;

    private LibDirectory(Path directory, List<Path> jars) {
        this.directory = directory;
        this.jars = List.copyOf(jars);
    }

    /** No directory: Werken's class path alone. */
    public static LibDirectory none() {
        return new LibDirectory(null, List.of());
    }

    /**
     * Every {@code *.jar} of {@code setting} (when not blank) put on the class path {@code context} resolves with,
     * before any own route is loaded; a directory that is missing or cannot be read, or a jar that cannot be read,
     * refuses startup in one line.
     */
    public static LibDirectory install(CamelContext context, String setting) {
        if (setting == null || setting.isBlank()) {
            return none();
        }
        Path directory = Path.of(setting.strip()).toAbsolutePath().normalize();
        if (!Files.isDirectory(directory)) {
            throw new StartupRefusedException("WERKEN_LIB_DIR " + directory + " is not a directory.");
        }
        if (!Files.isReadable(directory) || !Files.isExecutable(directory)) {
            throw new StartupRefusedException("WERKEN_LIB_DIR " + directory + " cannot be read.");
        }
        List<Path> jars = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory, "*.jar")) {
            stream.forEach(jars::add);
        } catch (IOException e) {
            throw new StartupRefusedException("WERKEN_LIB_DIR " + directory + " cannot be read: " + e.getMessage(), e);
        }
        jars.sort(null);
        List<URL> urls = new ArrayList<>();
        for (Path jar : jars) {
            if (!Files.isRegularFile(jar) || !Files.isReadable(jar)) {
                throw new StartupRefusedException(
                        "WERKEN_LIB_DIR " + directory + ": " + jar.getFileName() + " cannot be read.");
            }
            try {
                urls.add(jar.toUri().toURL());
            } catch (MalformedURLException e) {
                throw new StartupRefusedException(
                        "WERKEN_LIB_DIR " + directory + ": " + jar.getFileName() + " has no URL: " + e.getMessage(), e);
            }
        }
        ClassLoader parent = context.getApplicationContextClassLoader() != null
                ? context.getApplicationContextClassLoader()
                : LibDirectory.class.getClassLoader();
        // Open as long as the JVM runs: a component from it may load classes at any time.
        context.setApplicationContextClassLoader(new URLClassLoader("werken-lib", urls.toArray(URL[]::new), parent));
        LOG.info(
                "WERKEN_LIB_DIR {}: {} jar(s) on the class path of own routes{}",
                directory,
                jars.size(),
                jars.isEmpty()
                        ? ""
                        : " "
                                + jars.stream()
                                        .map(j -> j.getFileName().toString())
                                        .toList());
        return new LibDirectory(directory, jars);
    }

    /** The directory, when {@code WERKEN_LIB_DIR} is set. */
    public Optional<Path> directory() {
        return Optional.ofNullable(directory);
    }

    /** Its jars, in the order they are searched. */
    public List<Path> jars() {
        return jars;
    }
}
