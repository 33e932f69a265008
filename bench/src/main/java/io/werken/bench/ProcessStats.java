package io.werken.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time and peak resident memory of a Linux process, read from /proc. */
final class ProcessStats {

    /** Clock ticks per second of /proc/[pid]/stat's utime and stime (USER_HZ, 100 on Linux). */
    private static final double TICKS_PER_SECOND = 100.0;

    private ProcessStats() {
    }

    /** User plus system CPU seconds the process has used so far, or NaN if unknown. */
    static double cpuSeconds(long pid) {
        if (pid <= 0) {
            return Double.NaN;
        }
        try {
            return cpuSecondsOf(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /**
     * Bytes the process has caused to be written to storage so far (/proc/[pid]/io's {@code write_bytes}; reading
     * another user's process needs root), or NaN if unknown.
     */
    static double writtenBytes(long pid) {
        if (pid <= 0) {
            return Double.NaN;
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "io"))) {
                if (line.startsWith("write_bytes:")) {
                    return Double.parseDouble(line.substring("write_bytes:".length()).trim());
                }
            }
            return Double.NaN;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /**
     * CPU seconds per kind of thread (the thread name with its digits dropped), busiest first: where the time goes,
     * JIT compilers and GC included, which a sampling profiler does not show.
     */
    static java.util.Map<String, Double> cpuSecondsByThread(long pid) {
        return cpuSecondsByThread(pid, java.util.Map.of());
    }

    /**
     * As {@link #cpuSecondsByThread(long)}, naming the threads found in {@code javaNames} (by OS thread id) by their
     * whole Java name instead of the kernel's first 15 characters, which cut Camel's thread names to
     * {@code Camel (camel-#)}.
     */
    static java.util.Map<String, Double> cpuSecondsByThread(long pid, java.util.Map<Long, String> javaNames) {
        java.util.Map<String, Double> byName = new java.util.TreeMap<>();
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String javaName = javaNames.get(Long.parseLong(task.getFileName().toString()));
                    String name = (javaName != null ? javaName : Files.readString(task.resolve("comm")).trim())
                            .replaceAll("[0-9]+", "#");
                    double seconds = cpuSecondsOf(Files.readString(task.resolve("stat")));
                    byName.merge(name, seconds, Double::sum);
                } catch (IOException | RuntimeException gone) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            return java.util.Map.of();
        }
        java.util.Map<String, Double> sorted = new java.util.LinkedHashMap<>();
        byName.entrySet().stream().sorted(java.util.Map.Entry.<String, Double>comparingByValue().reversed())
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return sorted;
    }

    /**
     * The Java names of a JVM's threads by OS thread id, from {@code jcmd PID Thread.print} (the JDK's own tool, beside
     * {@code java}); empty if that fails. A thread started later is not in it.
     */
    static java.util.Map<Long, String> javaThreadNames(long pid) {
        java.util.Map<Long, String> names = new java.util.HashMap<>();
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        try {
            Process p = new ProcessBuilder(jcmd, Long.toString(pid), "Thread.print").redirectErrorStream(true).start();
            java.util.regex.Pattern line = java.util.regex.Pattern.compile("^\"(.*)\" .*\\bnid=0x([0-9a-fA-F]+)\\b");
            try (var out = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(),
                    java.nio.charset.StandardCharsets.UTF_8))) {
                for (String l = out.readLine(); l != null; l = out.readLine()) {
                    java.util.regex.Matcher m = line.matcher(l);
                    if (m.find()) {
                        names.put(Long.parseLong(m.group(2), 16), m.group(1));
                    }
                }
            }
            p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (IOException | RuntimeException e) {
            return java.util.Map.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return java.util.Map.of();
        }
        return names;
    }

    /** {@code after - before} per thread kind, busiest first, leaving out kinds that used no time. */
    static java.util.Map<String, Double> difference(java.util.Map<String, Double> after, java.util.Map<String, Double> before) {
        java.util.Map<String, Double> sorted = new java.util.LinkedHashMap<>();
        after.entrySet().stream()
                .map(e -> java.util.Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0.0)))
                .filter(e -> e.getValue() > 0)
                .sorted(java.util.Map.Entry.<String, Double>comparingByValue().reversed())
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return sorted;
    }

    /**
     * Whether the process exists and has not exited: a zombie (state Z, exited but not yet reaped by whoever
     * inherited it) counts as gone, which {@code ProcessHandle.isAlive()} does not say for a process that is not
     * this JVM's child.
     */
    static boolean isRunning(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException | RuntimeException gone) {
            return false;
        }
    }

    /** utime + stime of a /proc stat line; the command name (field 2) may hold spaces, the fields after it are fixed. */
    private static double cpuSecondsOf(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
    }

    /** The process's peak resident set size (VmHWM) in MiB, or NaN if unknown. */
    static double peakRssMib(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return Double.NaN;
    }
}
