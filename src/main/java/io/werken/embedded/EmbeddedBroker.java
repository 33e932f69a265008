package io.werken.embedded;

import java.io.IOException;
import java.lang.reflect.Field;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import io.werken.core.StartupRefusedException;
import org.apache.qpid.server.SystemLauncher;
import org.apache.qpid.server.SystemLauncherListener;
import org.apache.qpid.server.model.AlternateBinding;
import org.apache.qpid.server.model.Broker;
import org.apache.qpid.server.model.BrokerImpl;
import org.apache.qpid.server.model.Port;
import org.apache.qpid.server.model.Queue;
import org.apache.qpid.server.model.State;
import org.apache.qpid.server.model.SystemConfig;
import org.apache.qpid.server.model.VirtualHost;
import org.apache.qpid.server.model.VirtualHostNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An AMQP 0-9-1 broker in Werken's own process (Apache Qpid Broker-J), for when no RabbitMQ is configured: it listens
 * on 127.0.0.1 only, with user guest/guest and one virtual host that answers to any name ({@code /} included), and
 * keeps its queues and persistent messages in a Derby database under the data directory, so that accepted events
 * survive a restart.
 * <p>
 * Derby, not Broker-J's BDB JE store: BDB JE ({@code com.sleepycat:je}) is not published to Maven Central. Settings
 * that make Broker-J behave as Werken expects of RabbitMQ ({@code embedded/broker-config.json}): declare arguments it
 * does not know ({@code x-dead-letter-*}, {@code x-queue-type}) are logged, not fatal to the connection, and a message
 * rejected without requeue is dead-lettered after one delivery instead of redelivered forever.
 */
public final class EmbeddedBroker implements AutoCloseable {

    /** The only interface it listens on: the broker is for this Werken and whatever runs on its machine. */
    public static final String HOST = "127.0.0.1";

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedBroker.class);
    private static final String CONFIG = "embedded/broker-config.json";

    private final SystemLauncher launcher;
    private final Broker<?> broker;
    private final int port;
    private final Path dataDir;
    private final FileLock dataDirLock;

    private EmbeddedBroker(SystemLauncher launcher, Broker<?> broker, int port, Path dataDir, FileLock dataDirLock) {
        this.launcher = launcher;
        this.broker = broker;
        this.port = port;
        this.dataDir = dataDir;
        this.dataDirLock = dataDirLock;
    }

    /** The URI clients use for the embedded broker on {@code port}. */
    public static String uri(int port) {
        return "amqp://guest:guest@" + HOST + ":" + port + "/%2F";
    }

    /**
     * Starts the broker on {@code port} (0: any free port) with its store under {@code dataDir}, or refuses Werken's
     * start with one line if it cannot: the port is taken, or the store cannot be opened.
     */
    public static EmbeddedBroker start(int port, Path dataDir) {
        if (port != 0) {
            refuseIfTaken(port);
        }
        Path storePath = dataDir.toAbsolutePath().normalize().resolve("broker");
        try {
            Files.createDirectories(storePath);
        } catch (IOException e) {
            throw new StartupRefusedException("WERKEN_DATA_DIR " + dataDir.toAbsolutePath() + " cannot be created: " + e);
        }
        FileLock lock = lock(dataDir);
        try {
            return start(port, dataDir, storePath, lock);
        } catch (RuntimeException e) {
            release(lock);
            throw e;
        }
    }

    /**
     * One broker per data directory: a second Werken on it is refused here in one line, before Derby refuses it with
     * pages of stack traces.
     */
    private static FileLock lock(Path dataDir) {
        Path file = dataDir.toAbsolutePath().normalize().resolve("broker.lock");
        try {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                throw new StartupRefusedException("WERKEN_DATA_DIR " + dataDir.toAbsolutePath() + " is in use by another "
                        + "Werken's embedded broker: give this one a WERKEN_DATA_DIR of its own, or set WERKEN_RABBITMQ_URI "
                        + "to share a RabbitMQ.");
            }
            return lock;
        } catch (IOException e) {
            throw new StartupRefusedException("WERKEN_DATA_DIR " + dataDir.toAbsolutePath() + " is not writable: " + e, e);
        }
    }

    private static void release(FileLock lock) {
        try {
            lock.release();
            lock.channel().close();
        } catch (IOException e) {
            LOG.warn("Could not release {}: {}", lock, e.toString());
        }
    }

    private static EmbeddedBroker start(int port, Path dataDir, Path storePath, FileLock lock) {
        // Derby's own log to Broker-J's logger (and so to Werken's), not to a derby.log in the working directory: Broker-J
        // sets this only after Derby has been loaded, too late for the first start in a JVM.
        System.getProperties().putIfAbsent("derby.stream.error.method",
                "org.apache.qpid.server.store.derby.DerbyUtils.getDerbyLogWriter");
        AtomicReference<RuntimeException> startupError = new AtomicReference<>();
        AtomicReference<SystemConfig<?>> system = new AtomicReference<>();
        // startup() logs and swallows what goes wrong: the listener is how Werken learns of it.
        SystemLauncher launcher = new SystemLauncher(new SystemLauncherListener.DefaultSystemLauncherListener() {
            @Override
            public void errorOnStartup(RuntimeException e) {
                startupError.set(e);
            }

            @Override
            public void onContainerResolve(SystemConfig<?> systemConfig) {
                system.set(systemConfig);
            }
        });
        long started = System.nanoTime();
        try {
            launcher.startup(Map.of(
                    SystemConfig.TYPE, "Memory",
                    SystemConfig.INITIAL_CONFIGURATION_LOCATION,
                    EmbeddedBroker.class.getClassLoader().getResource(CONFIG).toExternalForm(),
                    SystemConfig.STARTUP_LOGGED_TO_SYSTEM_OUT, false,
                    // Nothing of the broker's outside the data directory: no preferences file, no work directory.
                    "preferenceStoreAttributes", Map.of("type", "Noop"),
                    SystemConfig.CONTEXT, Map.of(
                            "qpid.work_dir", storePath.toString(),
                            "werken.embedded.host", HOST,
                            "werken.embedded.port", Integer.toString(port),
                            "werken.embedded.store_path", storePath.toString())));
        } catch (Exception e) {
            startupError.compareAndSet(null, e instanceof RuntimeException r ? r : new IllegalStateException(e));
        }
        Broker<?> broker = system.get() == null ? null : system.get().getContainer(Broker.class);
        String problem = startupError.get() != null ? rootMessage(startupError.get()) : problem(broker);
        if (problem != null) {
            launcher.shutdown(1);
            if (problem.contains("bind") || problem.contains("Address already in use")) {
                throw portTaken(port, null);
            }
            throw new StartupRefusedException("The embedded broker cannot start with its store in WERKEN_DATA_DIR "
                    + dataDir.toAbsolutePath() + ": " + problem.replaceAll("[.\\s]+$", "")
                    + ". Or set WERKEN_RABBITMQ_URI to use RabbitMQ instead.", startupError.get());
        }
        try {
            keepOutOfJvmShutdown(broker);
        } catch (RuntimeException e) {
            launcher.shutdown(1);
            throw e;
        }
        int boundPort = broker.getChildByName(Port.class, "AMQP").getBoundPort();
        LOG.info("Embedded broker (Apache Qpid Broker-J {}) started in {} ms on {}:{}, data in {}",
                broker.getProductVersion(), (System.nanoTime() - started) / 1_000_000, HOST, boundPort, storePath);
        return new EmbeddedBroker(launcher, broker, boundPort, dataDir, lock);
    }

    /**
     * Broker-J closes itself in a JVM shutdown hook of its own, which on SIGTERM would run beside Camel's graceful
     * stop and take the broker away from requests and dispatches still finishing. Werken stops it instead, after its
     * routes ({@link #close()}). The hook is a private field of Broker-J's {@code BrokerImpl}, so this depends on that
     * class: a Broker-J upgrade that renames it fails startup here, loudly, rather than losing in-flight work.
     */
    private static void keepOutOfJvmShutdown(Broker<?> broker) {
        try {
            Field hook = BrokerImpl.class.getDeclaredField("_shutdownHook");
            hook.setAccessible(true);
            Runtime.getRuntime().removeShutdownHook((Thread) hook.get(broker));
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new IllegalStateException("Cannot take Broker-J's shutdown hook out (" + e + "); this Broker-J version "
                                            + "is not the one Werken was built for", e);
        }
    }

    /** What keeps the started broker from serving, or null. */
    private static String problem(Broker<?> broker) {
        if (broker == null || broker.getState() != State.ACTIVE) {
            return "the broker is " + (broker == null ? "missing" : broker.getState());
        }
        Port<?> amqp = broker.getChildByName(Port.class, "AMQP");
        if (amqp == null || amqp.getState() != State.ACTIVE) {
            return "its AMQP port could not bind";
        }
        VirtualHostNode<?> node = broker.getChildByName(VirtualHostNode.class, "default");
        if (node == null || node.getState() != State.ACTIVE || node.getVirtualHost() == null
            || node.getVirtualHost().getState() != State.ACTIVE) {
            return "its store could not be opened (virtual host node " + (node == null ? "missing" : node.getState()) + ")";
        }
        return null;
    }

    private static void refuseIfTaken(int port) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(InetAddress.getByName(HOST), port));
        } catch (BindException e) {
            throw portTaken(port, e);
        } catch (IOException e) {
            throw new StartupRefusedException("The embedded broker cannot listen on " + HOST + ":" + port + ": " + e, e);
        }
    }

    private static StartupRefusedException portTaken(int port, Throwable cause) {
        return new StartupRefusedException("Port " + port + " on " + HOST + " is already in use (is a RabbitMQ running "
                + "there?), so the embedded broker cannot listen on it. To use that broker, set WERKEN_RABBITMQ_URI (e.g. "
                + uri(port) + "); to run the embedded broker on another port, set WERKEN_EMBEDDED_AMQP_PORT.", cause);
    }

    /**
     * Makes {@code queue} dead-letter to {@code deadLetterQueue}, both durable, creating them if they do not exist.
     * Broker-J ignores RabbitMQ's {@code x-dead-letter-exchange} argument; its equivalent is the queue's alternate
     * binding, which an AMQP 0-9-1 declare can set only with an argument of Broker-J's own. Set here, through the
     * broker's model, before Werken declares its queues, so that Werken declares the same queues on either broker.
     */
    public void deadLetter(String queue, String deadLetterQueue) {
        VirtualHost<?> host = broker.getChildByName(VirtualHostNode.class, "default").getVirtualHost();
        if (host.getChildByName(Queue.class, deadLetterQueue) == null) {
            host.createChild(Queue.class, Map.of(Queue.NAME, deadLetterQueue, Queue.DURABLE, true));
        }
        Map<String, Object> alternate = Map.of(AlternateBinding.DESTINATION, deadLetterQueue);
        Queue<?> existing = host.getChildByName(Queue.class, queue);
        if (existing == null) {
            host.createChild(Queue.class, Map.of(Queue.NAME, queue, Queue.DURABLE, true, Queue.ALTERNATE_BINDING, alternate));
        } else if (existing.getAlternateBinding() == null
                   || !deadLetterQueue.equals(existing.getAlternateBinding().getDestination())) {
            existing.setAttributes(Map.of(Queue.ALTERNATE_BINDING, alternate));
        }
    }

    /** The port it listens on (the one it was given, or the one it found for 0). */
    public int port() {
        return port;
    }

    public String uri() {
        return uri(port);
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Stops the broker: its connections are closed, and what they had not acknowledged stays queued. */
    @Override
    public void close() {
        try {
            launcher.shutdown();
        } finally {
            release(dataDirLock);
        }
        LOG.info("Embedded broker stopped");
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }
}
