package io.werken.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.rabbitmq.client.AMQP;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.werken.bench.Bench.Figures;
import io.werken.bench.Bench.Refused;
import io.werken.bench.Bench.Scenario;
import io.werken.bench.Bench.Target;

import static io.werken.bench.Bench.log;
/**
 * The original design, measured beside Werken with {@code --original[=DIR]}: the FastAPI ingestor and pika engine of
 * {@code ../shared/peers/original-python}, started with its {@code run.sh} on the same broker, loaded as Werken is
 * with the scenarios whose workflow it has, then stopped and its queues deleted.
 */
final class OriginalDesign {

    /** The original design: its ingestor's port here, its answer for a webhook it took, and its fixed queue names. */
    static final int ORIGINAL_PORT = 18001;
    static final int ORIGINAL_ACCEPTED = 200;
    static final String ORIGINAL_RECEIVED = "received_webhooks";
    static final String ORIGINAL_ACTIONS = "required_actions";
    private static final List<String> PYTHON_MODULES = List.of("fastapi", "uvicorn", "pika");
    private static final String PYTHON_PACKAGES = "python3-fastapi python3-uvicorn python3-pika";

    /** How one system is measured under one scenario: {@link Bench}'s measurement, the same for both systems. */
    interface Measurement {
        Figures measure(Target target, Scenario scenario, LoadGenerator generator, Broker broker,
                              long brokerPid) throws Exception;
    }

    /** What the original's part of a run gave: one row per scenario it has, and its time from run.sh to ready. */
    record Run(OriginalDesign original, List<Figures> figures, long readyMillis) {
    }

    private final Path dir;
    private final boolean confirms;
    private final String amqpUri;
    private final int concurrency;
    private final Path repo;
    private final Path results;

    /** {@code dir}: where run.sh lives; {@code confirms}: whether its publishes wait for the broker's confirms. */
    OriginalDesign(Path dir, boolean confirms, String amqpUri, int concurrency, Path repo) {
        this.dir = dir;
        this.confirms = confirms;
        this.amqpUri = amqpUri;
        this.concurrency = concurrency;
        this.repo = repo;
        this.results = repo.resolve("bench/results");
    }

    Path dir() {
        return dir;
    }

    boolean confirms() {
        return confirms;
    }

    String label() {
        return confirms ? "original (publisher confirms)" : "original (no confirms)";
    }

    /** The scenarios the original can run: those whose workflow its workflows.json has, with as many actions. */
    List<Scenario> scenarios(List<Scenario> scenarios) throws Exception {
        Path file = dir.resolve("workflows.json");
        if (!Files.isRegularFile(file) || !Files.isRegularFile(dir.resolve("run.sh"))) {
            throw new Refused("--original: no run.sh and workflows.json in " + dir);
        }
        JsonObject workflows = new JsonObject(Files.readString(file));
        List<Scenario> eligible = new ArrayList<>();
        for (Scenario scenario : scenarios) {
            JsonObject workflow = workflows.getJsonObject(scenario.workflow());
            if (workflow != null && workflow.getJsonArray("actions", new JsonArray()).size() == scenario.actions()) {
                eligible.add(scenario);
            }
        }
        return eligible;
    }

    /**
     * Refuses, before anything runs, if the original could not be started or measured: its Python modules missing,
     * its port taken, or its fixed queues in use (see {@link #claimOriginalQueues}).
     */
    void checkCanRun() throws Exception {
        String python = pythonOfOriginal();
        String probe = "import importlib.util, sys\n"
                       + "missing = [m for m in sys.argv[1:] if importlib.util.find_spec(m) is None]\n"
                       + "print(' '.join(missing))\n"
                       + "sys.exit(1 if missing else 0)\n";
        List<String> command = new ArrayList<>(List.of(python, "-c", probe));
        command.addAll(PYTHON_MODULES);
        String missing;
        int exit;
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            missing = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            exit = p.waitFor();
        } catch (java.io.IOException e) {
            missing = "python itself";
            exit = -1;
        }
        if (exit != 0) {
            throw new Refused(String.format(Locale.ROOT, "--original needs %s in %s, which lacks %s: "
                    + "sudo apt-get install -y %s", String.join(", ", PYTHON_MODULES), python,
                    missing.isEmpty() ? "them" : missing, PYTHON_PACKAGES));
        }
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", ORIGINAL_PORT), 500);
            throw new Refused("--original: port " + ORIGINAL_PORT + " on 127.0.0.1 is already in use");
        } catch (java.io.IOException free) {
            // nothing listens there: the original's ingestor can have it
        }
        try (Broker broker = new Broker(amqpUri)) {
            String busy = originalQueuesInUse(broker);
            if (busy != null) {
                throw new Refused(busy);
            }
        }
    }

    /** The interpreter run.sh will use: $PYTHON as it passes on to run.sh, else Debian's. */
    private static String pythonOfOriginal() {
        String python = System.getenv("PYTHON");
        return python == null || python.isBlank() ? "/usr/bin/python3" : python;
    }

    /** Why the original's queues are not the bench's to take (they hold messages or have consumers), or null. */
    private static String originalQueuesInUse(Broker broker) throws Exception {
        List<String> inUse = new ArrayList<>();
        for (String queue : List.of(ORIGINAL_RECEIVED, ORIGINAL_ACTIONS)) {
            AMQP.Queue.DeclareOk q = broker.inspect(queue);
            if (q != null && (q.getMessageCount() > 0 || q.getConsumerCount() > 0)) {
                inUse.add(String.format(Locale.ROOT, "%s has %d messages and %d consumers", queue,
                        q.getMessageCount(), q.getConsumerCount()));
            }
        }
        return inUse.isEmpty() ? null : "refusing --original: its fixed queues are in use on this broker ("
                + String.join("; ", inUse) + "), maybe by a Werken or an original of someone else's; "
                + "the bench leaves them alone. Run it when they are idle, or without --original";
    }

    /**
     * Deletes the original's queues, so that it declares them afresh (without arguments another declarer may have
     * given them), but only if they are idle: the broker deletes each only if it has no messages and no consumers.
     */
    private static void claimOriginalQueues(Broker broker) throws Exception {
        String busy = originalQueuesInUse(broker);
        if (busy != null) {
            throw new Refused(busy);
        }
        for (String queue : List.of(ORIGINAL_RECEIVED, ORIGINAL_ACTIONS)) {
            if (!broker.deleteIfIdle(queue)) {
                throw new Refused("refusing --original: " + queue + " got messages or consumers just now; "
                                  + "the bench leaves it alone");
            }
        }
    }

    /**
     * Starts the original with its run.sh, measures each scenario it has, then stops both of its processes and
     * deletes its queues, whatever happened.
     */
    Run measure(List<Scenario> scenarios, long brokerPid, String stamp, Measurement measurement) throws Exception {
        Path runDir = results.resolve("original-" + stamp);
        Files.createDirectories(runDir);
        Path pidFile = runDir.resolve("pids");
        List<Figures> figures = new ArrayList<>();
        boolean queuesClaimed = false;
        long readyMillis;
        try (Broker broker = new Broker(amqpUri)) {
            claimOriginalQueues(broker);
            queuesClaimed = true;
            long spawned = System.nanoTime();
            startOriginal(runDir, pidFile);
            long[] pids = readPids(pidFile);
            awaitOriginalReady(broker, pids, runDir);
            readyMillis = (System.nanoTime() - spawned) / 1_000_000;
            log("%s ready %d ms after run.sh was started (ingestor pid %d answering on %d, engine pid %d consuming)",
                label(), readyMillis, pids[0], ORIGINAL_PORT, pids[1]);

            Map<String, Long> processes = new LinkedHashMap<>();
            processes.put("ingestor", pids[0]);
            processes.put("engine", pids[1]);
            Target target = new Target(label(), processes, ORIGINAL_ACTIONS, false, null);
            try (LoadGenerator generator = new LoadGenerator(ORIGINAL_PORT, concurrency, ORIGINAL_ACCEPTED)) {
                for (Scenario scenario : scenarios) {
                    figures.add(measurement.measure(target, scenario, generator, broker, brokerPid));
                }
            }
        } finally {
            if (Files.exists(pidFile)) {
                stopOriginal(readPids(pidFile));
            }
            if (queuesClaimed) {
                try (Broker broker = new Broker(amqpUri)) {
                    broker.deleteQueues(ORIGINAL_RECEIVED, ORIGINAL_ACTIONS);
                }
            }
        }
        return new Run(this, figures, readyMillis);
    }

    private void startOriginal(Path runDir, Path pidFile) throws Exception {
        URI uri = URI.create(amqpUri);
        // The original's own directory runs it; the run's directory takes its log and pids.
        ProcessBuilder builder = new ProcessBuilder("bash", dir.resolve("run.sh").toString())
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(runDir.resolve("run.log").toFile());
        Map<String, String> env = builder.environment();
        env.put("INGEST_PORT", Integer.toString(ORIGINAL_PORT));
        env.put("INGEST_HOST", "127.0.0.1");
        env.put("PUBLISH_CONFIRMS", confirms ? "1" : "0");
        env.put("RABBITMQ_HOST", uri.getHost());
        env.put("RABBITMQ_PORT", Integer.toString(uri.getPort() == -1 ? 5672 : uri.getPort()));
        env.put("LOG_DIR", runDir.toString());
        env.put("PID_FILE", pidFile.toString());
        // Its directory is shared and not the bench's to write: no __pycache__ there.
        env.put("PYTHONDONTWRITEBYTECODE", "1");
        Process runSh = builder.start();
        if (!runSh.waitFor(30, TimeUnit.SECONDS) || runSh.exitValue() != 0 || !Files.exists(pidFile)) {
            runSh.destroyForcibly();
            throw new IllegalStateException("the original's run.sh failed (see " + repo.relativize(runDir) + "/run.log)");
        }
    }

    private static long[] readPids(Path pidFile) throws java.io.IOException {
        String[] pids = Files.readString(pidFile).trim().split("\\s+");
        return new long[] {Long.parseLong(pids[0]), Long.parseLong(pids[1])};
    }

    /** Waits until the ingestor answers HTTP on its port and the engine consumes received_webhooks. */
    private void awaitOriginalReady(Broker broker, long[] pids, Path runDir) throws Exception {
        // HTTP/1.1: no h2c upgrade offer for an h11 server to ponder.
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest probe = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ORIGINAL_PORT + "/"))
                .timeout(Duration.ofSeconds(2)).build();
        boolean answers = false;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            for (int i = 0; i < pids.length; i++) {
                if (!ProcessStats.isRunning(pids[i])) {
                    String name = i == 0 ? "ingestor" : "engine";
                    throw new IllegalStateException("the original's " + name + " (pid " + pids[i] + ") exited; see "
                                                    + repo.relativize(runDir) + "/" + name + ".log");
                }
            }
            if (!answers) {
                try {
                    http.send(probe, HttpResponse.BodyHandlers.discarding());
                    answers = true; // any status: it is an HTTP server on that port
                } catch (java.io.IOException notYet) {
                    // not listening yet
                }
            }
            AMQP.Queue.DeclareOk received = broker.inspect(ORIGINAL_RECEIVED);
            if (answers && received != null && received.getConsumerCount() >= 1) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
        throw new IllegalStateException("the original was not ready within 60 s (ingestor answering: " + answers
                                        + "); see " + repo.relativize(runDir));
    }

    /** SIGTERM to both processes, SIGKILL to any still running 5 s later. */
    private static void stopOriginal(long[] pids) throws InterruptedException {
        for (long pid : pids) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
        }
        if (!awaitGone(pids, 5)) {
            for (long pid : pids) {
                if (ProcessStats.isRunning(pid)) {
                    log("the original's pid %d did not stop on SIGTERM within 5 s: SIGKILL", pid);
                    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
            if (!awaitGone(pids, 5)) {
                log("the original's processes %s are still running after SIGKILL", java.util.Arrays.toString(pids));
            }
        }
    }

    private static boolean awaitGone(long[] pids, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (java.util.Arrays.stream(pids).anyMatch(ProcessStats::isRunning)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
        return true;
    }
}
