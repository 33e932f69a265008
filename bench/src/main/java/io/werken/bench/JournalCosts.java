package io.werken.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * What the journal costs, from one bench run: for each journal scenario, Werken with the journal on PostgreSQL and on
 * H2 against Werken with it off (the mean of the run before and the run after them), with the targets.
 */
final class JournalCosts {

    /** The targets: Werken CPU per webhook, broker CPU per webhook, and the catch-up after the load. */
    static final double WERKEN_CPU_TARGET = 0.15;
    static final double BROKER_CPU_TARGET = 0.25;
    static final double CAUGHT_UP_TARGET_MS = 2000;

    /** The figures compared: one measured row, or the mean of the two with the journal off. */
    private record Row(String label, double werkenCpu, double brokerCpu, double databaseCpu, double ingest, double p99,
                       double endToEnd, double lastActionAfterLoadMs, Bench.Journaled journal,
                       Map<String, Double> cpuByThread, int webhooks) {

        static Row of(String label, Bench.Figures f) {
            int n = f.load().sent();
            Map<String, Double> byThread = new LinkedHashMap<>();
            f.cpuByPart().forEach((thread, seconds) -> byThread.put(thread, seconds * 1000 / n));
            return new Row(label, f.cpuMsPerWebhook(), f.brokerCpuMsPerWebhook(),
                    f.journal() == null ? Double.NaN : f.journal().databaseCpuMsPerWebhook(n),
                    f.load().requestsPerSecond(), f.load().percentileMillis(99), f.endToEndActionsPerSecond(),
                    f.endToEndSeconds() * 1000 - (f.load().lastEndNanos() - f.load().firstStartNanos()) / 1e6,
                    f.journal(), byThread, n);
        }

        static Row mean(String label, List<Row> rows) {
            Map<String, Double> byThread = new HashMap<>();
            for (Row r : rows) {
                r.cpuByThread().forEach((thread, ms) -> byThread.merge(thread, ms / rows.size(), Double::sum));
            }
            return new Row(label, avg(rows, Row::werkenCpu), avg(rows, Row::brokerCpu), Double.NaN,
                    avg(rows, Row::ingest), avg(rows, Row::p99), avg(rows, Row::endToEnd),
                    avg(rows, Row::lastActionAfterLoadMs), null, byThread, rows.get(0).webhooks());
        }

        private static double avg(List<Row> rows, ToDoubleFunction<Row> value) {
            return rows.stream().mapToDouble(value).average().orElse(Double.NaN);
        }
    }

    private JournalCosts() {
    }

    /** The Markdown table and the comparison lines. */
    static String table(List<Bench.WerkenRun> runs, List<Bench.Scenario> scenarios, boolean smoke) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "What the journal costs%s: Werken with the journal on against Werken "
                + "with it off (WERKEN_JOURNAL=off) in the same run%n%n",
                smoke ? " (SMOKE: too few requests for figures to mean anything)" : ""));
        s.append("| journal | scenario | Werken CPU ms per webhook (JIT) | broker CPU ms per webhook | database CPU ms "
                 + "per webhook | ingest webhooks/s | p99 ms | end-to-end actions/s | last action, ms after the load "
                 + "| journal caught up, ms after the load | events journaled / accepted | journal bytes per event |\n");
        s.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|\n");
        List<String> lines = new ArrayList<>();
        StringBuilder rounds = new StringBuilder();
        for (Bench.Scenario scenario : scenarios) {
            List<Row> off = new ArrayList<>();
            List<Row> on = new ArrayList<>();
            // Every run with the journal off or on PostgreSQL, in the order they ran (--journal-rounds).
            List<Row> sequence = new ArrayList<>();
            List<Boolean> sequenceOn = new ArrayList<>();
            for (Bench.WerkenRun run : runs) {
                Bench.Figures f = figuresOf(run, scenario);
                if (f == null) {
                    continue;
                }
                boolean laterRound = run.system().contains(", round ");
                if (run.journal() != Bench.JournalKind.H2) {
                    sequence.add(Row.of(run.system(), f));
                    sequenceOn.add(run.journal() == Bench.JournalKind.POSTGRESQL);
                }
                if (laterRound) {
                    continue;
                }
                if (run.journal() == Bench.JournalKind.OFF) {
                    off.add(Row.of(run.before() ? "off, before" : "off, after", f));
                } else {
                    on.add(Row.of(run.journal().label, f));
                }
            }
            rounds.append(rounds(sequence, sequenceOn, scenario));
            if (off.isEmpty()) {
                continue;
            }
            Row reference = off.size() == 1 ? off.get(0) : Row.mean("off, mean of the two", off);
            for (Row r : off) {
                row(s, r, scenario);
            }
            if (off.size() > 1) {
                row(s, reference, scenario);
            }
            for (Row r : on) {
                row(s, r, scenario);
                lines.add(comparison(r, reference, scenario, off.size() > 1));
            }
            if (off.size() == 2) {
                lines.add(String.format(Locale.ROOT, "Journal off, after ÷ before (the run's noise), %s: Werken CPU "
                        + "per webhook %s, broker CPU per webhook %s, ingest webhooks/s %.2f, p99 %.2f, end-to-end "
                        + "actions/s %.2f", scenario.name(), percent(off.get(1).werkenCpu(), off.get(0).werkenCpu()),
                        percent(off.get(1).brokerCpu(), off.get(0).brokerCpu()),
                        off.get(1).ingest() / off.get(0).ingest(), off.get(1).p99() / off.get(0).p99(),
                        off.get(1).endToEnd() / off.get(0).endToEnd()));
            }
        }
        s.append('\n');
        lines.forEach(line -> s.append(line).append('\n'));
        s.append(rounds);
        return s.toString();
    }

    /**
     * With more than one run on PostgreSQL ({@code --journal-rounds}): each against the mean of the runs with the
     * journal off just before and just after it, the median of those, and the noise (each run with it off against the
     * one before it). Empty otherwise.
     */
    private static String rounds(List<Row> sequence, List<Boolean> on, Bench.Scenario scenario) {
        List<double[]> ratios = new ArrayList<>();
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "%nThe journal on PostgreSQL in rounds, %s: each run with it on against the "
                + "mean of the runs with it off just before and after it%n%n", scenario.name()));
        s.append("| round | Werken CPU ms per webhook, on / off | broker CPU ms per webhook, on / off | database CPU ms "
                 + "per webhook | ingest, on ÷ off | p99 ms, on / off | caught up, ms after the load |\n");
        s.append("|---|---|---|---:|---:|---|---:|\n");
        for (int i = 1; i + 1 < sequence.size(); i++) {
            if (!on.get(i) || on.get(i - 1) || on.get(i + 1)) {
                continue;
            }
            Row r = sequence.get(i);
            Row off = Row.mean("off", List.of(sequence.get(i - 1), sequence.get(i + 1)));
            double[] ratio = {r.werkenCpu() / off.werkenCpu() - 1, r.brokerCpu() / off.brokerCpu() - 1,
                r.ingest() / off.ingest(), r.p99() / off.p99(), r.journal().caughtUpAfterLoadMs()};
            ratios.add(ratio);
            s.append(String.format(Locale.ROOT, "| %d | %.3f / %.3f: %s | %.3f / %.3f: %s | %.3f | %.2f | %.1f / %.1f "
                    + "| %.0f |%n", ratios.size(), r.werkenCpu(), off.werkenCpu(), percent(r.werkenCpu(),
                    off.werkenCpu()), r.brokerCpu(), off.brokerCpu(), percent(r.brokerCpu(), off.brokerCpu()),
                    r.databaseCpu(), ratio[2], r.p99(), off.p99(), ratio[4]));
        }
        if (ratios.size() < 2) {
            return "";
        }
        List<double[]> noise = new ArrayList<>();
        Row previousOff = null;
        for (int i = 0; i < sequence.size(); i++) {
            if (on.get(i)) {
                continue;
            }
            Row r = sequence.get(i);
            if (previousOff != null) {
                noise.add(new double[] {r.werkenCpu() / previousOff.werkenCpu() - 1, r.ingest() / previousOff.ingest(),
                    r.p99() / previousOff.p99()});
            }
            previousOff = r;
        }
        double werken = median(ratios, 0);
        double broker = median(ratios, 1);
        s.append(String.format(Locale.ROOT, "%nJournal on PostgreSQL ÷ off, median of %d rounds, %s: Werken CPU per "
                + "webhook %+.1f%% (target at most +%.0f%%: %s), broker CPU per webhook %+.1f%% (at most +%.0f%%: %s), "
                + "ingest webhooks/s %.2f, p99 %.2f, caught up %.0f ms after the load (the slowest round: %.0f ms). "
                + "The noise, each run with the journal off against the one before it (%d pairs): Werken CPU %s, "
                + "ingest %s, p99 %s%n", ratios.size(), scenario.name(), werken * 100, WERKEN_CPU_TARGET * 100,
                werken <= WERKEN_CPU_TARGET ? "met" : "missed", broker * 100, BROKER_CPU_TARGET * 100,
                broker <= BROKER_CPU_TARGET ? "met" : "missed", median(ratios, 2), median(ratios, 3),
                median(ratios, 4), ratios.stream().mapToDouble(r -> r[4]).max().orElse(Double.NaN), noise.size(),
                range(noise, 0, true), range(noise, 1, false), range(noise, 2, false)));
        return s.toString();
    }

    private static double median(List<double[]> rows, int column) {
        double[] values = rows.stream().mapToDouble(r -> r[column]).sorted().toArray();
        int n = values.length;
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }

    private static String range(List<double[]> rows, int column, boolean percent) {
        double min = rows.stream().mapToDouble(r -> r[column]).min().orElse(Double.NaN);
        double max = rows.stream().mapToDouble(r -> r[column]).max().orElse(Double.NaN);
        return percent ? String.format(Locale.ROOT, "%+.1f%% to %+.1f%%", min * 100, max * 100)
                : String.format(Locale.ROOT, "%.2f to %.2f", min, max);
    }

    private static void row(StringBuilder s, Row r, Bench.Scenario scenario) {
        Bench.Journaled j = r.journal();
        s.append(String.format(Locale.ROOT, "| %s | %s | %.3f (%.3f) | %.3f | %s | %.0f | %.1f | %.0f | %.0f | %s | %s "
                + "| %s |%n", r.label(), scenario.name(), r.werkenCpu(), jit(r), r.brokerCpu(),
                Double.isNaN(r.databaseCpu()) ? "" : j != null && j.store().startsWith("H2") ? "(in Werken's)"
                        : String.format(Locale.ROOT, "%.3f", r.databaseCpu()),
                r.ingest(), r.p99(), r.endToEnd(), r.lastActionAfterLoadMs(),
                j == null ? "" : String.format(Locale.ROOT, "%.0f", j.caughtUpAfterLoadMs()),
                j == null ? "" : j.found() + " / " + j.expected(),
                j == null || j.sizeBytes() < 0 || j.eventsStored() == 0 ? ""
                        : String.format(Locale.ROOT, "%.0f", (double) j.sizeBytes() / j.eventsStored())));
    }

    private static String comparison(Row on, Row off, Bench.Scenario scenario, boolean mean) {
        Bench.Journaled j = on.journal();
        double werken = on.werkenCpu() / off.werkenCpu() - 1;
        double broker = on.brokerCpu() / off.brokerCpu() - 1;
        double onWithoutJit = on.werkenCpu() - jit(on);
        double offWithoutJit = off.werkenCpu() - jit(off);
        return String.format(Locale.ROOT, "Journal %s ÷ off%s, %s: Werken CPU per webhook %s (%.3f against %.3f ms; "
                + "target at most +%.0f%%: %s; without the JIT's compiler threads %s, %.3f against %.3f ms), broker CPU "
                + "per webhook %s (%.3f against %.3f ms; at most +%.0f%%: %s), "
                + "ingest webhooks/s %.2f, p99 %.2f (%.1f against %.1f ms), end-to-end actions/s %.2f; caught up %.0f ms "
                + "after the load's last answer (at most %.0f ms: %s), %.0f ms after the last action. Werken's CPU by "
                + "thread, ms per webhook against off: %s",
                on.label(), mean ? " (mean of the two runs)" : "", scenario.name(), percent(on.werkenCpu(),
                        off.werkenCpu()), on.werkenCpu(), off.werkenCpu(), WERKEN_CPU_TARGET * 100,
                werken <= WERKEN_CPU_TARGET ? "met" : "missed", percent(onWithoutJit, offWithoutJit), onWithoutJit,
                offWithoutJit,
                percent(on.brokerCpu(), off.brokerCpu()), on.brokerCpu(), off.brokerCpu(), BROKER_CPU_TARGET * 100,
                broker <= BROKER_CPU_TARGET ? "met" : "missed",
                on.ingest() / off.ingest(), on.p99() / off.p99(), on.p99(), off.p99(), on.endToEnd() / off.endToEnd(),
                j.caughtUpAfterLoadMs(), CAUGHT_UP_TARGET_MS,
                j.caughtUpAfterLoadMs() <= CAUGHT_UP_TARGET_MS && j.missing() == 0 ? "met" : "missed",
                j.caughtUpAfterActionsMs(), threadDifferences(on, off));
    }

    /** What the JIT's compiler threads took of a row's Werken CPU per webhook (ms). */
    private static double jit(Row row) {
        return row.cpuByThread().entrySet().stream().filter(e -> e.getKey().contains("CompilerThre"))
                .mapToDouble(Map.Entry::getValue).sum();
    }

    /** The thread kinds whose CPU per webhook moved most between off and on, largest first. */
    private static String threadDifferences(Row on, Row off) {
        Map<String, Double> difference = new HashMap<>();
        on.cpuByThread().forEach((thread, ms) -> difference.merge(thread, ms, Double::sum));
        off.cpuByThread().forEach((thread, ms) -> difference.merge(thread, -ms, Double::sum));
        return difference.entrySet().stream()
                .sorted((a, b) -> Double.compare(Math.abs(b.getValue()), Math.abs(a.getValue())))
                .limit(6)
                .map(e -> String.format(Locale.ROOT, "%s %+.3f (%.3f)", e.getKey(), e.getValue(),
                        on.cpuByThread().getOrDefault(e.getKey(), 0.0)))
                .collect(Collectors.joining(", "));
    }

    private static String percent(double value, double reference) {
        return String.format(Locale.ROOT, "%+.1f%%", (value / reference - 1) * 100);
    }

    private static Bench.Figures figuresOf(Bench.WerkenRun run, Bench.Scenario scenario) {
        return run.figures().stream().filter(f -> f.scenario().name().equals(scenario.name())).findFirst()
                .orElse(null);
    }

    /** The same as JSON: every Werken run's journal scenarios, and the comparisons. */
    static JsonObject json(List<Bench.WerkenRun> runs, List<Bench.Scenario> scenarios) {
        JsonArray rows = new JsonArray();
        for (Bench.Scenario scenario : scenarios) {
            for (Bench.WerkenRun run : runs) {
                Bench.Figures f = figuresOf(run, scenario);
                if (f == null) {
                    continue;
                }
                JsonObject row = new JsonObject()
                        .put("system", run.system())
                        .put("journal", run.journal().name().toLowerCase(Locale.ROOT))
                        .put("before", run.before())
                        .put("scenario", scenario.name())
                        .put("startup_ms", run.startupMillis())
                        .put("webhooks_sent", f.load().sent())
                        .put("webhooks_accepted", f.load().accepted())
                        .put("ingest_webhooks_per_second", f.load().requestsPerSecond())
                        .put("p99_ms", f.load().percentileMillis(99))
                        .put("end_to_end_actions_per_second", f.endToEndActionsPerSecond())
                        .put("last_action_ms_after_load", Row.of("", f).lastActionAfterLoadMs())
                        .put("cpu_ms_per_webhook", f.cpuMsPerWebhook())
                        .put("broker_cpu_ms_per_webhook", f.brokerCpuMsPerWebhook())
                        .put("cpu_ms_per_webhook_by_thread", new JsonObject(new LinkedHashMap<>(
                                Row.of("", f).cpuByThread())));
                Bench.Journaled j = f.journal();
                if (j != null) {
                    row.put("store", j.store())
                            .put("events_expected", j.expected())
                            .put("events_found", j.found())
                            .put("ids_checked", j.idsChecked())
                            .put("ids_found", j.idsFound())
                            .put("caught_up_ms_after_load", j.caughtUpAfterLoadMs())
                            .put("caught_up_ms_after_last_action", j.caughtUpAfterActionsMs())
                            .put("database_cpu_ms_per_webhook", j.databaseCpuMsPerWebhook(f.load().sent()))
                            .put("database_cpu_seconds_by_part", new JsonObject(new LinkedHashMap<>(
                                    j.databaseCpuByPart())))
                            .put("size_bytes", j.sizeBytes())
                            .put("events_stored", j.eventsStored());
                }
                rows.add(row);
            }
        }
        return new JsonObject().put("targets", new JsonObject()
                        .put("werken_cpu_per_webhook_at_most", 1 + WERKEN_CPU_TARGET)
                        .put("broker_cpu_per_webhook_at_most", 1 + BROKER_CPU_TARGET)
                        .put("caught_up_ms_at_most", CAUGHT_UP_TARGET_MS))
                .put("runs", rows);
    }
}
