package io.werken.bench;

import static io.werken.bench.Bench.log;
import static io.werken.bench.SystemUnderTest.ACTIONS;
import static io.werken.bench.SystemUnderTest.DLX;
import static io.werken.bench.SystemUnderTest.HTTP_PORT;
import static io.werken.bench.SystemUnderTest.JOURNAL;
import static io.werken.bench.SystemUnderTest.RECEIVED;
import static io.werken.bench.SystemUnderTest.WERKEN_ACCEPTED;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code aot/train}: the training run of Werken's AOT cache on a JDK 25 or later (JEP 483, 514 and 515: classes loaded
 * and linked, and method profiles, from one run). Werken is started as ./werken starts it (jvm.options without Java
 * 17's class-data archive) with {@code -XX:AOTCacheOutput=target/werken.aot}, on the bench's ports and queues at the
 * RabbitMQ of {@code --amqp-uri} (127.0.0.1 only), sent {@code --webhooks} webhooks over the bench's workflows (most of
 * them to mi-workflow), its metrics and health asked for, and stopped with SIGTERM as an operator stops it: the JVM
 * writes the cache as it exits. Werken's environment is the caller's (WERKEN_JOURNAL=on trains the journal's code
 * too; off unless set). Run on the JDK of BENCH_WERKEN_JAVA_HOME (aot/train sets it).
 */
public final class AotTraining {

    private AotTraining() {}

    public static void main(String[] args) throws Exception {
        BenchOptions options = BenchOptions.parse(args);
        Path repo = options.repo();
        int webhooks = Integer.parseInt(options.all().getOrDefault("webhooks", "6000"));
        Path output = repo.resolve(options.all().getOrDefault("output", "target/werken.aot"));
        int release = SystemUnderTest.werkenJavaRelease();
        if (release < 25) {
            System.out.println("aot/train: " + SystemUnderTest.werkenJava() + " is Java " + release
                    + ": the AOT cache with method profiles needs a JDK 25 or later (JAVA_HOME or --java-home)");
            System.exit(2);
        }
        Files.createDirectories(options.results());
        Files.deleteIfExists(output);
        Path werkenLog = output.resolveSibling(output.getFileName() + ".log");
        Path dataDir = Files.createTempDirectory("werken-aot-train");
        List<String> jvmOptions = new ArrayList<>(SystemUnderTest.jvmOptionsWithoutArchive(repo));
        jvmOptions.add("-XX:AOTCacheOutput=" + output);
        Map<String, String> env = new LinkedHashMap<>();
        env.put("WERKEN_DATA_DIR", dataDir.toString());
        env.put("WERKEN_QUEUE_JOURNAL", JOURNAL);
        env.put("WERKEN_JOURNAL", System.getenv().getOrDefault("WERKEN_JOURNAL", "off"));
        byte[] small = "{\"user_id\": 123, \"data\": \"some important data\"}".getBytes(StandardCharsets.UTF_8);
        Process werken = null;
        boolean written = false;
        try (Broker broker = new Broker(options.amqpUri())) {
            broker.deleteQueues(RECEIVED, RECEIVED + ".dlq", ACTIONS, JOURNAL);
            log("aot/train: Werken on %s with -XX:AOTCacheOutput=%s, %d webhooks", SystemUnderTest.werkenJava(),
                    repo.relativize(output), webhooks);
            werken = SystemUnderTest.startWerken(
                    repo, options.amqpUri(), werkenLog, repo.resolve("bench/workflows.json"), env, jvmOptions);
            SystemUnderTest.awaitHealthy(werken);
            // Half to mi-workflow, the rest to the templated and ten-action workflows, in rounds of 1,000.
            List<String> rounds = List.of("mi-workflow", "bench-templated", "mi-workflow", "bench-ten-actions");
            try (LoadGenerator generator =
                    new LoadGenerator(HTTP_PORT, options.concurrency(), WERKEN_ACCEPTED)) {
                for (int sent = 0, i = 0; sent < webhooks; sent += 1000, i++) {
                    int count = Math.min(1000, webhooks - sent);
                    LoadGenerator.Result result = generator.run(
                            "/webhook/" + rounds.get(i % rounds.size()), small, count, options.concurrency(), 300);
                    if (result.failed() > 0) {
                        log("aot/train: %d of %d webhooks refused (%s)", result.failed(), count,
                                result.firstFailure());
                    }
                    SystemUnderTest.observe();
                    broker.purge(ACTIONS);
                }
            }
            log("aot/train: stopping Werken (SIGTERM); the JVM writes the cache as it exits");
            werken.destroy();
            if (!werken.waitFor(300, TimeUnit.SECONDS)) {
                werken.destroyForcibly();
            }
            written = Files.isRegularFile(output);
        } finally {
            if (werken != null && werken.isAlive()) {
                werken.destroyForcibly();
            }
            try (Broker broker = new Broker(options.amqpUri())) {
                broker.deleteQueues(RECEIVED, RECEIVED + ".dlq", ACTIONS, JOURNAL);
                broker.deleteExchange(DLX);
            }
            SystemUnderTest.deleteTree(dataDir);
        }
        if (!written) {
            System.out.println("aot/train: no cache was written; see " + repo.relativize(werkenLog));
            System.exit(1);
        }
        log("aot/train: %s, %.0f MB (Werken's log: %s)", repo.relativize(output), Files.size(output) / 1e6,
                repo.relativize(werkenLog));
    }
}
