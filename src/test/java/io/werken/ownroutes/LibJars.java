package io.werken.ownroutes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Builds, at test time, a jar that neither Werken nor the tests have on their class path: a Camel component of scheme
 * {@value #SCHEME} (its producer upper-cases the body and adds "!") found through its
 * {@code META-INF/services/org/apache/camel/component/shout} descriptor, and a bean class {@value #GREETER} whose
 * {@code greet(String)} answers "hello " + the name. What an integration engineer drops into {@code WERKEN_LIB_DIR}.
 */
public final class LibJars {

    public static final String SCHEME = "shout";
    public static final String GREETER = "lib.example.Greeter";

    private static final String COMPONENT = """
            package lib.example;

            import java.util.Map;
            import org.apache.camel.Endpoint;
            import org.apache.camel.support.DefaultComponent;

            public class ShoutComponent extends DefaultComponent {
                @Override
                protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) {
                    return new ShoutEndpoint(uri, this);
                }
            }
            """;

    private static final String ENDPOINT = """
            package lib.example;

            import org.apache.camel.Consumer;
            import org.apache.camel.Exchange;
            import org.apache.camel.Processor;
            import org.apache.camel.Producer;
            import org.apache.camel.support.DefaultEndpoint;
            import org.apache.camel.support.DefaultProducer;

            public class ShoutEndpoint extends DefaultEndpoint {
                public ShoutEndpoint(String uri, ShoutComponent component) {
                    super(uri, component);
                }

                @Override
                public Producer createProducer() {
                    return new DefaultProducer(this) {
                        @Override
                        public void process(Exchange exchange) {
                            exchange.getMessage().setBody(
                                    String.valueOf(exchange.getMessage().getBody()).toUpperCase() + "!");
                        }
                    };
                }

                @Override
                public Consumer createConsumer(Processor processor) {
                    throw new UnsupportedOperationException("shout: sends only");
                }
            }
            """;

    private static final String GREETER_SOURCE = """
            package lib.example;

            public class Greeter {
                public String greet(String name) {
                    return "hello " + name;
                }
            }
            """;

    private LibJars() {}

    /** Compiles the component and the bean against Camel's jars and writes them, with the descriptor, to {@code jar}. */
    public static Path build(Path jar) throws IOException {
        Path work = Files.createTempDirectory("werken-lib-src-");
        Path sources = Files.createDirectories(work.resolve("src/lib/example"));
        Path classes = Files.createDirectories(work.resolve("classes"));
        List<String> files = new ArrayList<>();
        for (String[] source : List.of(
                new String[] {"ShoutComponent", COMPONENT},
                new String[] {"ShoutEndpoint", ENDPOINT},
                new String[] {"Greeter", GREETER_SOURCE})) {
            Path file = sources.resolve(source[0] + ".java");
            Files.writeString(file, source[1]);
            files.add(file.toString());
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<String> arguments = new ArrayList<>(
                List.of("--release", "17", "-proc:none", "-d", classes.toString(), "-classpath", camelClassPath()));
        arguments.addAll(files);
        int status = javac.run(null, null, null, arguments.toArray(String[]::new));
        if (status != 0) {
            throw new IllegalStateException("javac failed (" + status + ") on the test's lib jar");
        }
        Files.createDirectories(jar.toAbsolutePath().getParent());
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            try (Stream<Path> compiled = Files.walk(classes)) {
                for (Path file : compiled.filter(Files::isRegularFile).sorted().toList()) {
                    entry(out, classes.relativize(file).toString().replace('\\', '/'), Files.readAllBytes(file));
                }
            }
            entry(
                    out,
                    "META-INF/services/org/apache/camel/component/" + SCHEME,
                    "class=lib.example.ShoutComponent\n".getBytes(StandardCharsets.UTF_8));
        }
        return jar;
    }

    private static void entry(JarOutputStream out, String name, byte[] content) throws IOException {
        out.putNextEntry(new JarEntry(name));
        out.write(content);
        out.closeEntry();
    }

    /** The jars of camel-api, camel-support and camel-util, wherever this JVM loaded them from. */
    private static String camelClassPath() {
        Set<String> paths = new LinkedHashSet<>();
        for (Class<?> type : List.of(
                org.apache.camel.Component.class,
                org.apache.camel.support.DefaultComponent.class,
                org.apache.camel.util.ObjectHelper.class)) {
            try {
                paths.add(Path.of(type.getProtectionDomain()
                                .getCodeSource()
                                .getLocation()
                                .toURI())
                        .toString());
            } catch (URISyntaxException e) {
                throw new UncheckedIOException(new IOException(e));
            }
        }
        return String.join(java.io.File.pathSeparator, paths);
    }
}
