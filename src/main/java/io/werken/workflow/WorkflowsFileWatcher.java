package io.werken.workflow;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the workflows file for changes (written in place, replaced by a rename, or swapped through a symlink, as a
 * Kubernetes ConfigMap volume does) on a thread from Camel's {@code ExecutorServiceManager}, and tells the
 * {@link WorkflowReloader} to look at it again once the writes have settled.
 */
final class WorkflowsFileWatcher extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(WorkflowsFileWatcher.class);

    /** Changes arriving within this long of each other are one change (an editor's save, a ConfigMap's swap). */
    private static final Duration SETTLE = Duration.ofMillis(200);

    private static final Duration MAX_SETTLE = Duration.ofSeconds(2);
    /** How long a stop waits for the watching thread to end. */
    private static final Duration STOP_WAIT = Duration.ofSeconds(5);

    private final Path file;
    private final CamelContext context;
    private final Duration pollInterval;
    private final Runnable lookAgain;
    private final BooleanSupplier dueAgain;

    private volatile WatchService watchService;
    private ExecutorService thread;

    /**
     * @param pollInterval how often the file is looked at besides the file system's change events (which a file behind
     *                     a symlink into another directory does not raise)
     * @param lookAgain    called when the file may have changed (and once at the start)
     * @param dueAgain     whether to call {@code lookAgain} even though the file looks the same (a reload to retry)
     */
    WorkflowsFileWatcher(
            Path file, CamelContext context, Duration pollInterval, Runnable lookAgain, BooleanSupplier dueAgain) {
        this.file = file;
        this.context = context;
        this.pollInterval = pollInterval;
        this.lookAgain = lookAgain;
        this.dueAgain = dueAgain;
    }

    @Override
    protected void doStart() throws Exception {
        Path directory = file.toAbsolutePath().getParent();
        WatchService service = directory.getFileSystem().newWatchService();
        // The directory, not the file: a rename or a symlink swap replaces the file, and a watch on it would end.
        directory.register(
                service,
                StandardWatchEventKinds.ENTRY_CREATE,
                StandardWatchEventKinds.ENTRY_MODIFY,
                StandardWatchEventKinds.ENTRY_DELETE);
        watchService = service;
        thread = context.getExecutorServiceManager().newSingleThreadExecutor(this, "WorkflowsFileWatcher");
        thread.execute(this::watch);
        LOG.debug("Watching workflows file {} for changes", file);
    }

    @Override
    protected void doStop() throws Exception {
        WatchService service = watchService;
        if (service != null) {
            // Ends the watching thread's wait at once.
            service.close();
        }
        if (thread != null) {
            context.getExecutorServiceManager().shutdownGraceful(thread, STOP_WAIT.toMillis());
            thread = null;
        }
    }

    private void watch() {
        Fingerprint seen = Fingerprint.of(file);
        // The file may have changed between the first load and the watch.
        lookAgain.run();
        try {
            while (isRunAllowed()) {
                WatchKey key = watchService.poll(pollInterval.toMillis(), TimeUnit.MILLISECONDS);
                boolean changed = key != null;
                // Wait for the writes to settle: one save is often several events, and a file written in place is
                // briefly incomplete. Bounded, so that a directory that never stops changing delays a reload only.
                long settleUntil = System.nanoTime() + MAX_SETTLE.toNanos();
                while (key != null) {
                    key.pollEvents();
                    key.reset();
                    key = System.nanoTime() < settleUntil
                            ? watchService.poll(SETTLE.toMillis(), TimeUnit.MILLISECONDS)
                            : null;
                }
                Fingerprint now = Fingerprint.of(file);
                if (changed || (now != null && !now.equals(seen)) || dueAgain.getAsBoolean()) {
                    lookAgain.run();
                }
                seen = now == null ? seen : now;
            }
        } catch (ClosedWatchServiceException e) {
            // Stopping.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("Stopped watching workflows file {}: {}", file, e.toString());
        }
    }

    /**
     * What identifies one version of the file without reading it: the file it resolves to through any symlinks, its
     * modification time and size. Null while it does not exist (between a delete and a create).
     */
    private record Fingerprint(Path realPath, Object fileKey, Instant modified, long size) {

        static Fingerprint of(Path file) {
            try {
                Path real = file.toRealPath();
                BasicFileAttributes attributes = Files.readAttributes(real, BasicFileAttributes.class);
                return new Fingerprint(
                        real,
                        attributes.fileKey(),
                        attributes.lastModifiedTime().toInstant(),
                        attributes.size());
            } catch (NoSuchFileException e) {
                return null;
            } catch (IOException e) {
                LOG.warn("Cannot read workflows file {}: {}", file, e.getMessage());
                return null;
            }
        }
    }
}
