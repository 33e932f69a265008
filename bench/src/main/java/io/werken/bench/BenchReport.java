package io.werken.bench;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.werken.bench.Bench.Figures;
import io.werken.bench.Bench.Scenario;
import io.werken.bench.Bench.WerkenRun;
/**
 * The bench's report: the tables printed at the end of a run (Werken's figures beside the broker's ceiling, and beside
 * the original design's when it ran) and the same figures as JSON under {@code bench/results}.
 */
final class BenchReport {

    private BenchReport() {
    }

    static String table(List<WerkenRun> runs, List<Scenario> scenarios, OriginalDesign.Run originalRun,
                                double ceiling, long startupMillis, String rabbitVersion, boolean smoke) {
        List<Figures> figures = runs.get(runs.size() - 1).figures();
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "Werken bench%s, %s UTC: %d cores, RabbitMQ %s, Java %s%n%n",
                smoke ? " (SMOKE: too few requests for figures to mean anything)" : "",
                DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC).format(Instant.now()),
                Runtime.getRuntime().availableProcessors(), rabbitVersion, System.getProperty("java.version")));
        s.append(String.format(Locale.ROOT,
                "Broker ceiling (PerfTest: persistent, confirmed, manually acked): %.0f msg/s. "
                + "Werken startup to healthy: %d ms%s.%n", ceiling, startupMillis, runs.size() == 1 ? ""
                        : " (journal off; " + runs.subList(0, runs.size() - 1).stream()
                        .map(r -> String.format(Locale.ROOT, "%s: %d ms", r.system(), r.startupMillis()))
                        .collect(java.util.stream.Collectors.joining(", ")) + ")"));
        if (originalRun != null) {
            s.append(String.format(Locale.ROOT, "Measured before Werken, on the same broker and load: %s, the "
                    + "original design (FastAPI ingestor + pika engine, %s; its 200 is sent once basic_publish "
                    + "returns), ready %d ms after its run.sh.%n", originalRun.original().label(),
                    originalRun.original().confirms() ? "every publish waits for the broker's confirm"
                            : "no publisher confirms", originalRun.readyMillis()));
        }
        s.append('\n');
        s.append("| system | scenario | webhooks (refused) | ingest webhooks/s | p50 ms | p99 ms | max ms "
                 + "| end-to-end actions/s | actions/s ÷ ceiling | broker msg/s ÷ ceiling | CPU ms per webhook "
                 + "| broker CPU ms per webhook | CPU s | broker CPU s | peak RSS MiB | lost |\n");
        s.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        // Scenario by scenario: every Werken that ran it (in the order they ran), then the original.
        for (Scenario scenario : scenarios) {
            for (WerkenRun run : runs) {
                for (Figures f : run.figures()) {
                    if (f.scenario().name().equals(scenario.name())) {
                        row(s, f, ceiling);
                    }
                }
            }
            Figures o = originalOf(originalRun, scenario);
            if (o != null) {
                row(s, o, ceiling);
            }
        }
        if (originalRun != null) {
            s.append('\n');
            for (Figures f : figures) {
                Figures o = originalOf(originalRun, f.scenario());
                if (o != null) {
                    Ratios r = Ratios.of(f, o);
                    s.append(String.format(Locale.ROOT, "Werken ÷ %s, %s: ingest webhooks/s %.2f, end-to-end "
                            + "actions/s %.2f, p99 %.2f, CPU per webhook %.2f, broker CPU per webhook %.2f%n",
                            o.system(), f.scenario().name(), r.ingest(), r.endToEnd(), r.p99(), r.cpu(),
                            r.brokerCpu()));
                }
            }
        }
        return s.toString();
    }

    private static void row(StringBuilder s, Figures f, double ceiling) {
        LoadGenerator.Result load = f.load();
        double webhooksPerSecond = f.endToEndActionsPerSecond() / f.scenario().actions();
        // Each webhook costs the broker 1 + actions publishes (confirmed ones for Werken).
        double brokerMessages = webhooksPerSecond * (1 + f.scenario().actions());
        s.append(String.format(Locale.ROOT,
                "| %s | %s | %d (%d) | %.0f | %.1f | %.1f | %.1f | %.0f | %.2f | %.2f | %.3f | %.3f | %.1f | %.1f "
                + "| %.0f | %d |%n",
                f.system(), f.scenario().name(), load.sent(), load.failed(), load.requestsPerSecond(),
                load.percentileMillis(50), load.percentileMillis(99), load.percentileMillis(100),
                f.endToEndActionsPerSecond(), f.endToEndActionsPerSecond() / ceiling, brokerMessages / ceiling,
                f.cpuMsPerWebhook(), f.brokerCpuMsPerWebhook(), f.cpu(), f.brokerCpu(), f.peakRssMib(), f.lost()));
    }

    /**
     * Issue 24's cold figure beside the steady one: the cold run's row (a fresh Werken after {@code coldWarmup}
     * webhooks), the steady Werken's row for the same scenario (null with {@code --cold-only}), their ratios, and the
     * cold row over the original's (null if it did not run). The JIT column is the CPU of the compiler threads, part
     * of the CPU per webhook.
     */
    static String coldTable(WerkenRun cold, int coldWarmup, Figures steady, int steadyWarmup, Figures original) {
        Figures c = cold.figures().get(0);
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "Cold start (issue 24), %s: a Werken started afresh (journal off), healthy "
                + "%d ms after its JVM was started, measured after %,d webhooks of warm-up; Werken's JVM: %s%n%n",
                c.scenario().name(), cold.startupMillis(), coldWarmup, SystemUnderTest.werkenJvm()));
        s.append("| system | warm-up webhooks | webhooks (refused) | ingest webhooks/s | p50 ms | p99 ms | max ms "
                 + "| CPU ms per webhook | of which JIT ms (share) | lost |\n");
        s.append("|---|---|---|---|---|---|---|---|---|---|\n");
        if (steady != null) {
            coldRow(s, steady, String.format(Locale.ROOT, "%,d and until the JIT is done", steadyWarmup));
        }
        coldRow(s, c, String.format(Locale.ROOT, "%,d", coldWarmup));
        if (steady != null) {
            s.append(String.format(Locale.ROOT, "%nCold ÷ steady: CPU per webhook %.2f, ingest webhooks/s %.2f, p99 %.2f%n",
                    c.cpuMsPerWebhook() / steady.cpuMsPerWebhook(),
                    c.load().requestsPerSecond() / steady.load().requestsPerSecond(),
                    c.load().percentileMillis(99) / steady.load().percentileMillis(99)));
        }
        if (original != null) {
            s.append(String.format(Locale.ROOT, "Cold ÷ %s: CPU per webhook %.2f (%.3f ms against %.3f), ingest "
                    + "webhooks/s %.2f, p99 %.2f%n", original.system(), c.cpuMsPerWebhook() / original.cpuMsPerWebhook(),
                    c.cpuMsPerWebhook(), original.cpuMsPerWebhook(),
                    c.load().requestsPerSecond() / original.load().requestsPerSecond(),
                    c.load().percentileMillis(99) / original.load().percentileMillis(99)));
        }
        return s.toString();
    }

    private static void coldRow(StringBuilder s, Figures f, String warmup) {
        LoadGenerator.Result load = f.load();
        double jit = Bench.jitSeconds(f.cpuByPart());
        s.append(String.format(Locale.ROOT, "| %s | %s | %d (%d) | %.0f | %.1f | %.1f | %.1f | %.3f | %.3f (%.0f%%) | %d |%n",
                f.system(), warmup, load.sent(), load.failed(), load.requestsPerSecond(), load.percentileMillis(50),
                load.percentileMillis(99), load.percentileMillis(100), f.cpuMsPerWebhook(),
                jit * 1000 / load.sent(), 100 * jit / f.cpu(), f.lost()));
    }

    /** The cold run as JSON: its figures, its warm-up, its JIT share and, with the steady run, the ratios to it. */
    static JsonObject coldJson(WerkenRun cold, int coldWarmup, Figures steady) {
        Figures c = cold.figures().get(0);
        double jit = Bench.jitSeconds(c.cpuByPart());
        JsonObject json = json(c)
                .put("warmup_webhooks", coldWarmup)
                .put("startup_to_healthy_ms", cold.startupMillis())
                .put("werken_jvm", SystemUnderTest.werkenJvm())
                .put("jit_cpu_seconds", jit)
                .put("jit_cpu_ms_per_webhook", jit * 1000 / c.load().sent())
                .put("jit_share_of_cpu", jit / c.cpu())
                .put("werken_cpu_seconds_by_thread", new JsonObject(new LinkedHashMap<>(c.cpuByPart())));
        if (steady != null) {
            json.put("over_steady", new JsonObject()
                    .put("cpu_ms_per_webhook", c.cpuMsPerWebhook() / steady.cpuMsPerWebhook())
                    .put("ingest_webhooks_per_second", c.load().requestsPerSecond() / steady.load().requestsPerSecond())
                    .put("p99", c.load().percentileMillis(99) / steady.load().percentileMillis(99)));
        }
        return json;
    }

    /** The original's figures for the same scenario, if it ran it. */
    private static Figures originalOf(OriginalDesign.Run originalRun, Scenario scenario) {
        if (originalRun == null) {
            return null;
        }
        return originalRun.figures().stream().filter(o -> o.scenario().name().equals(scenario.name()))
                .findFirst().orElse(null);
    }

    /** Werken's figure divided by the original's, for one scenario both ran. */
    private record Ratios(double ingest, double endToEnd, double p99, double cpu, double brokerCpu) {

        static Ratios of(Figures werken, Figures original) {
            return new Ratios(
                    werken.load().requestsPerSecond() / original.load().requestsPerSecond(),
                    werken.endToEndActionsPerSecond() / original.endToEndActionsPerSecond(),
                    werken.load().percentileMillis(99) / original.load().percentileMillis(99),
                    werken.cpuMsPerWebhook() / original.cpuMsPerWebhook(),
                    werken.brokerCpuMsPerWebhook() / original.brokerCpuMsPerWebhook());
        }

        JsonObject json(String scenario) {
            return new JsonObject()
                    .put("scenario", scenario)
                    .put("ingest_webhooks_per_second", ingest)
                    .put("end_to_end_actions_per_second", endToEnd)
                    .put("p99", p99)
                    .put("cpu_ms_per_webhook", cpu)
                    .put("broker_cpu_ms_per_webhook", brokerCpu);
        }
    }

    static JsonObject json(List<Figures> figures, OriginalDesign.Run originalRun, double ceiling, long startupMillis,
                                   String rabbitVersion, boolean smoke) {
        JsonArray scenarios = new JsonArray();
        for (Figures f : figures) {
            // Werken's own names for its CPU and memory, as before the original could be measured beside it.
            scenarios.add(json(f)
                    .put("werken_cpu_seconds", f.cpu())
                    .put("werken_peak_rss_mib", f.peakRssMib())
                    .put("werken_cpu_seconds_by_thread", new JsonObject(new LinkedHashMap<>(f.cpuByPart()))));
        }
        JsonObject result = new JsonObject()
                .put("date", Instant.now().toString())
                .put("smoke", smoke)
                .put("cores", Runtime.getRuntime().availableProcessors())
                .put("rabbitmq_version", rabbitVersion)
                .put("java_version", System.getProperty("java.version"))
                .put("broker_ceiling_msg_per_second", ceiling)
                .put("werken_startup_to_healthy_ms", startupMillis)
                .put("scenarios", scenarios);
        if (originalRun != null) {
            JsonArray originals = new JsonArray();
            JsonArray ratios = new JsonArray();
            for (Figures o : originalRun.figures()) {
                originals.add(json(o)
                        .put("cpu_seconds_by_process", new JsonObject(new LinkedHashMap<>(o.cpuByPart()))));
            }
            for (Figures f : figures) {
                Figures o = originalOf(originalRun, f.scenario());
                if (o != null) {
                    ratios.add(Ratios.of(f, o).json(f.scenario().name()));
                }
            }
            result.put("original", new JsonObject()
                            .put("system", originalRun.original().label())
                            .put("dir", originalRun.original().dir().toString())
                            .put("publish_confirms", originalRun.original().confirms())
                            .put("accepted_status", OriginalDesign.ORIGINAL_ACCEPTED)
                            .put("ready_ms", originalRun.readyMillis())
                            .put("scenarios", originals))
                    .put("werken_over_original", ratios);
        }
        return result;
    }

    /** The fields every system's scenario has. */
    private static JsonObject json(Figures f) {
        LoadGenerator.Result load = f.load();
        return new JsonObject()
                .put("system", f.system())
                .put("scenario", f.scenario().name())
                .put("workflow", f.scenario().workflow())
                .put("actions_per_webhook", f.scenario().actions())
                .put("body_bytes", f.scenario().body().length)
                .put("webhooks_sent", load.sent())
                .put("webhooks_accepted", load.accepted())
                .put("webhooks_refused", load.failed())
                .put("ingest_webhooks_per_second", load.requestsPerSecond())
                .put("latency_ms", new JsonObject().put("p50", load.percentileMillis(50))
                        .put("p99", load.percentileMillis(99)).put("max", load.percentileMillis(100)))
                .put("end_to_end_seconds", f.endToEndSeconds())
                .put("end_to_end_actions_per_second", f.endToEndActionsPerSecond())
                .put("actions_expected", f.expectedActions())
                .put("actions_found", f.foundActions())
                .put("lost", f.lost())
                .put("cpu_seconds", f.cpu())
                .put("cpu_ms_per_webhook", f.cpuMsPerWebhook())
                .put("broker_cpu_seconds", f.brokerCpu())
                .put("broker_cpu_ms_per_webhook", f.brokerCpuMsPerWebhook())
                .put("peak_rss_mib", f.peakRssMib());
    }
}
