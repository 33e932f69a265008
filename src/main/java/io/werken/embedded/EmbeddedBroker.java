package io.werken.embedded;

import io.werken.core.Ports;
import io.werken.core.StartupRefusedException;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.camel.util.ObjectHelper;
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
 * Derby, not Broker-J's BDB JE store: BDB JE ({@code com.sleepycat:je}) is not published to Maven Central. The
 * Derby database is reached through Broker-J's JDBC store with pooled connections (the Derby store opens a connection
 * per transaction); each commit syncs Derby's transaction log to disk before Broker-J confirms the publish, and the
 * store commits on {@code qpid.jdbcstore.executorThreads} threads at once, so that commits waiting on one log sync are
 * written by the next one together (Derby's group commit). Settings
 * that make Broker-J behave as Werken expects of RabbitMQ ({@code embedded/broker-config.json}): declare arguments it
 * does not know ({@code x-dead-letter-*}, {@code x-queue-type}) are logged, not fatal to the connection, and a message
 * rejected without requeue is dead-lettered after one delivery instead of redelivered forever.
 */
public final class EmbeddedBroker implements AutoCloseable {

    /** The only interface it listens on: the broker is for this Werken and whatever runs on its machine. */
    public static final String HOST = "127.0.0.1";

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedBroker.class);
    private static final String CONFIG = "embedded/broker-config.json";
    private static final String PORT_SETTING = "WERKEN_EMBEDDED_AMQP_PORT";
    private static final String RABBITMQ_HINT =
            "If a RabbitMQ listens there, set WERKEN_RABBITMQ_URI to use it instead.";

    private final SystemLauncher launcher;
    private final Broker<?> broker;
    private final int port;
    private final Path dataDir;

    private EmbeddedBroker(SystemLauncher launcher, Broker<?> broker, int port, Path dataDir) {
        this.launcher = launcher;
        this.broker = broker;
        this.port = port;
        this.dataDir = dataDir;
    }

    /** The URI clients use for the embedded broker on {@code port}. */
    public static String uri(int port) {
        return "amqp://guest:guest@" + HOST + ":" + port + "/%2F";
    }

    /**
     * Starts the broker on {@code port} (0: any free port) with its store under {@code dataDir}, or refuses Werken's
     * start with one line if it cannot: the port is taken (found before the broker starts, or by its bind), or the
     * store cannot be opened. One broker per data directory is the caller's to ensure (Werken locks it first).
     */
    public static EmbeddedBroker start(int port, Path dataDir) {
        refuseIfTaken(port);
        Path storePath = dataDir.toAbsolutePath().normalize().resolve("broker");
        try {
            Files.createDirectories(storePath);
        } catch (IOException e) {
            throw new StartupRefusedException(
                    "WERKEN_DATA_DIR " + dataDir.toAbsolutePath() + " cannot be created: " + e);
        }
        return start(port, dataDir, storePath);
    }

    private static EmbeddedBroker start(int port, Path dataDir, Path storePath) {
        // Derby's own log to Broker-J's logger (and so to Werken's), not to a derby.log in the working directory:
        // Broker-J
        // sets this only after Derby has been loaded, too late for the first start in a JVM.
        System.getProperties()
                .putIfAbsent(
                        "derby.stream.error.method", "org.apache.qpid.server.store.derby.DerbyUtils.getDerbyLogWriter");
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
                    SystemConfig.TYPE,
                    "Memory",
                    SystemConfig.INITIAL_CONFIGURATION_LOCATION,
                    EmbeddedBroker.class.getClassLoader().getResource(CONFIG).toExternalForm(),
                    SystemConfig.STARTUP_LOGGED_TO_SYSTEM_OUT,
                    false,
                    // Nothing of the broker's outside the data directory: no preferences file, no work directory.
                    "preferenceStoreAttributes",
                    Map.of("type", "Noop"),
                    SystemConfig.CONTEXT,
                    Map.of(
                            "qpid.work_dir",
                            storePath.toString(),
                            "werken.embedded.host",
                            HOST,
                            "werken.embedded.port",
                            Integer.toString(port),
                            "werken.embedded.store_url",
                            storeUrl(storePath))));
        } catch (Exception e) {
            startupError.compareAndSet(null, e instanceof RuntimeException r ? r : new IllegalStateException(e));
        }
        Broker<?> broker = system.get() == null ? null : system.get().getContainer(Broker.class);
        String problem = startupError.get() != null ? rootMessage(startupError.get()) : problem(broker);
        if (problem != null) {
            launcher.shutdown(1);
            if (problem.contains("bind") || Ports.isBindFailure(startupError.get())) {
                if (port != 0 && Ports.taken(HOST, port)) {
                    // Taken since the check (say, a RabbitMQ restarting there): the same refusal as the check's.
                    throw Ports.inUse(PORT_SETTING, HOST, port, RABBITMQ_HINT);
                }
                throw new StartupRefusedException(
                        "The embedded broker cannot listen on " + HOST + ":" + port + " ("
                                + PORT_SETTING + "). Set " + PORT_SETTING
                                + " to another port, or WERKEN_RABBITMQ_URI to use "
                                + "RabbitMQ instead.",
                        startupError.get());
            }
            throw new StartupRefusedException(
                    "The embedded broker cannot start with its store in WERKEN_DATA_DIR "
                            + dataDir.toAbsolutePath() + ": " + problem.replaceAll("[.\\s]+$", "")
                            + ". Or set WERKEN_RABBITMQ_URI to use RabbitMQ instead.",
                    startupError.get());
        }
        try {
            keepOutOfJvmShutdown(broker);
        } catch (RuntimeException e) {
            launcher.shutdown(1);
            throw e;
        }
        int boundPort = broker.getChildByName(Port.class, "AMQP").getBoundPort();
        LOG.debug(
                "Embedded broker (Apache Qpid Broker-J {}) started in {} ms on {}:{}, data in {}",
                broker.getProductVersion(),
                (System.nanoTime() - started) / 1_000_000,
                HOST,
                boundPort,
                storePath);
        return new EmbeddedBroker(launcher, broker, boundPort, dataDir);
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
            throw new IllegalStateException(
                    "Cannot take Broker-J's shutdown hook out (" + e + "); this Broker-J version "
                            + "is not the one Werken was built for",
                    e);
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
        if (node == null
                || node.getState() != State.ACTIVE
                || node.getVirtualHost() == null
                || node.getVirtualHost().getState() != State.ACTIVE) {
            return "its store could not be opened (virtual host node " + (node == null ? "missing" : node.getState())
                    + ")";
        }
        return null;
    }

    /** Refuses Werken's start in one line if {@code port} (0: any, never refused) is taken on {@value #HOST}. */
    public static void refuseIfTaken(int port) {
        Ports.refuseIfTaken(PORT_SETTING, HOST, port, RABBITMQ_HINT);
    }

    /**
     * Makes {@code queue} dead-letter to {@code deadLetterQueue}, both durable, creating them if they do not exist.
     * Broker-J ignores RabbitMQ's {@code x-dead-letter-exchange} argument; its equivalent is the queue's alternate
     * binding, which an AMQP 0-9-1 declare can set only with an argument of Broker-J's own. Set here, through the
     * broker's model, before Werken declares its queues, so that Werken declares the same queues on either broker.
     */
    public void deadLetter(String queue, String deadLetterQueue) {
        VirtualHost<?> host =
                broker.getChildByName(VirtualHostNode.class, "default").getVirtualHost();
        if (host.getChildByName(Queue.class, deadLetterQueue) == null) {
            host.createChild(Queue.class, Map.of(Queue.NAME, deadLetterQueue, Queue.DURABLE, true));
        }
        Map<String, Object> alternate = Map.of(AlternateBinding.DESTINATION, deadLetterQueue);
        Queue<?> existing = host.getChildByName(Queue.class, queue);
        if (existing == null) {
            host.createChild(
                    Queue.class, Map.of(Queue.NAME, queue, Queue.DURABLE, true, Queue.ALTERNATE_BINDING, alternate));
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
        launcher.shutdown();
        shutDownDatabase(storeUrl(dataDir.toAbsolutePath().normalize().resolve("broker")));
        LOG.debug("Embedded broker stopped");
    }

    /**
     * The Derby database of the store: the one Broker-J's Derby store kept under the same path (a database named after
     * the virtual host node, {@code default}), so that a data directory written before keeps its messages.
     */
    private static String storeUrl(Path storePath) {
        return "jdbc:derby:" + storePath.resolve("default") + ";create=true";
    }

    /**
     * Closes the Derby database (a checkpoint, its files unlocked): Broker-J's JDBC store closes its connections but
     * leaves the database open in the JVM, which would keep it locked for as long as the JVM runs.
     */
    private static void shutDownDatabase(String url) {
        try {
            DriverManager.getConnection(url.replace(";create=true", ";shutdown=true"))
                    .close();
        } catch (SQLException e) {
            // Derby answers a clean shutdown of one database with SQLState 08006.
            if (!"08006".equals(e.getSQLState())) {
                LOG.warn("The embedded broker's store did not close cleanly: {}", e.getMessage());
            }
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = ObjectHelper.createExceptionIterable(e).iterator().next(); // the root cause comes first
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }
}
