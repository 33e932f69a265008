package io.werken.ownroutes;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.ResourceSupport;

/**
 * An own route file's content as read once, under the file's own location ({@code file:<path>}): the guard checks
 * and Camel loads the same bytes (a file that changes in between cannot slip past the check), and a reload that
 * fails can put back the version that ran before.
 */
final class OwnRouteFile extends ResourceSupport {

    private final Path path;
    private final byte[] content;

    private OwnRouteFile(Path path, byte[] content) {
        super("file", "file:" + path);
        this.path = path;
        this.content = content;
    }

    static OwnRouteFile read(Path path) throws IOException {
        Path absolute = path.toAbsolutePath().normalize();
        return new OwnRouteFile(absolute, Files.readAllBytes(absolute));
    }

    /** The file a resource of Camel's or Werken's was read from, or null if it is not a file (Werken's routes). */
    static Path pathOf(Resource resource) {
        if (resource instanceof OwnRouteFile file) {
            return file.path;
        }
        String location = resource == null ? null : resource.getLocation();
        if (location == null || !location.startsWith("file:")) {
            return null;
        }
        return Path.of(location.substring("file:".length())).toAbsolutePath().normalize();
    }

    Path path() {
        return path;
    }

    @Override
    public boolean exists() {
        return true;
    }

    @Override
    public URI getURI() {
        return path.toUri();
    }

    @Override
    public InputStream getInputStream() {
        return new ByteArrayInputStream(content);
    }
}
