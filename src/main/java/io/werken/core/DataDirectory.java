package io.werken.core;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data directory ({@code WERKEN_DATA_DIR}: the embedded broker's store, the embedded journal), held by one Werken at
 * a time through an exclusive lock on {@value #LOCK_FILE} in it, which also names the holder's pid. It remembers what
 * this run created (the directory and its parents, or entries in a directory that was there), so that a refused start
 * can remove it and leave the disk as it found it.
 */
public final class DataDirectory implements AutoCloseable {

    public static final String LOCK_FILE = "werken.lock";

    private static final Logger LOG = LoggerFactory.getLogger(DataDirectory.class);

    private final String setting;
    private final Path dir;
    /** The outermost directory this run created, or null if the data directory was there. */
    private final Path created;
    /** What the data directory held before this run. */
    private final Set<Path> before;

    private final FileLock lock;

    private DataDirectory(String setting, Path dir, Path created, Set<Path> before, FileLock lock) {
        this.setting = setting;
        this.dir = dir;
        this.created = created;
        this.before = before;
        this.lock = lock;
    }

    /**
     * Creates {@code setting} (its value, as the deployer wrote it) if it is missing and locks it, or refuses Werken's
     * start in one line: another Werken holds it, or it cannot be created or written.
     */
    public static DataDirectory lock(String setting) {
        Path dir = Path.of(setting).toAbsolutePath().normalize();
        Path created = null;
        for (Path p = dir; p != null && !Files.exists(p); p = p.getParent()) {
            created = p;
        }
        Set<Path> before = new HashSet<>();
        try {
            Files.createDirectories(dir);
            try (Stream<Path> entries = Files.list(dir)) {
                entries.forEach(before::add);
            }
        } catch (IOException e) {
            remove(created);
            throw new StartupRefusedException("WERKEN_DATA_DIR " + shown(setting, dir) + " cannot be created: " + e, e);
        }
        Path file = dir.resolve(LOCK_FILE);
        FileChannel channel = null;
        try {
            channel = FileChannel.open(
                    file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                String holder = holder(channel);
                channel.close();
                // Nothing of the other Werken's is touched: its directory and lock file were there before.
                throw new StartupRefusedException(
                        "WERKEN_DATA_DIR " + shown(setting, dir) + " is in use by another Werken"
                                + (holder.isEmpty() ? "" : " (pid " + holder + ")")
                                + ": give this one a WERKEN_DATA_DIR of its "
                                + "own, or stop the other first.");
            }
            channel.truncate(0);
            channel.write(
                    ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            channel.force(false);
            return new DataDirectory(setting, dir, created, before, lock);
        } catch (IOException e) {
            closeQuietly(channel);
            remove(created);
            throw new StartupRefusedException("WERKEN_DATA_DIR " + shown(setting, dir) + " is not writable: " + e, e);
        }
    }

    /** The directory, absolute. */
    public Path path() {
        return dir;
    }

    /**
     * After a refused start: releases the lock and removes what this run created, the directory itself if it was not
     * there, or else the entries it added (the lock file, a store it began).
     */
    public void removeWhatThisRunCreated() {
        close();
        if (created != null) {
            remove(created);
            return;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path entry : entries.toList()) {
                if (!before.contains(entry)) {
                    remove(entry);
                }
            }
        } catch (IOException e) {
            LOG.debug("Could not list {} to remove what this run created: {}", dir, e.toString());
        }
    }

    /** Releases the lock; the lock file stays (deleting it would let two Werkens lock two different files). */
    @Override
    public void close() {
        if (lock.isValid()) {
            try {
                lock.release();
            } catch (IOException e) {
                LOG.debug("Could not release the lock on {}: {}", dir, e.toString());
            }
        }
        closeQuietly(lock.channel());
    }

    @Override
    public String toString() {
        return shown(setting, dir);
    }

    private static String holder(FileChannel channel) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(32);
        channel.read(buffer, 0);
        return new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII)
                .trim()
                .replaceAll("\\D", "");
    }

    /** The setting as written, and where it resolves if it is relative (to the working directory). */
    private static String shown(String setting, Path dir) {
        return Path.of(setting).isAbsolute() ? setting : setting + " (" + dir + ")";
    }

    private static void remove(Path path) {
        if (path == null || !Files.exists(path)) {
            return;
        }
        List<Path> all = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(path)) {
            walk.sorted(Comparator.reverseOrder()).forEach(all::add);
        } catch (IOException e) {
            LOG.debug("Could not walk {}: {}", path, e.toString());
        }
        for (Path p : all) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                LOG.debug("Could not remove {}: {}", p, e.toString());
            }
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                LOG.debug("Could not close {}: {}", channel, e.toString());
            }
        }
    }
}
