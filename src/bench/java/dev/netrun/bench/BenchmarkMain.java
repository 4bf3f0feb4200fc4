package dev.netrun.bench;

import dev.netrun.pools.ManagedPool;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.time.LocalDate;
import java.util.Collection;
import java.util.Locale;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs every benchmark of the library and its baselines in one process, on one machine, and prints
 * one Markdown table. Run it with {@code mvn -q -Pbenchmarks test-compile exec:exec@benchmarks}.
 * Arguments name the sections to run ({@code thread}, {@code process}, {@code runner}); none runs
 * them all. The baselines always run.
 */
public final class BenchmarkMain {

    private BenchmarkMain() {
    }

    /**
     * Runs the benchmarks.
     *
     * @param args the sections to run, or none for all
     * @throws Exception if a benchmark fails
     */
    public static void main(String[] args) throws Exception {
        java.util.Set<String> sections = args.length == 0 ? java.util.Set.of("thread", "process", "runner")
                : java.util.Set.of(args);
        Results results = new Results();

        System.out.println("Baselines");
        long bareStart = Baselines.bareStartNanos();
        long bareResident = Baselines.idleResidentKib();
        System.out.printf(Locale.ROOT, "  bare JVM start %.1f ms, idle RSS %d KiB%n", bareStart / 1e6, bareResident);

        if (sections.contains("thread")) {
            System.out.println("Thread pool (JMH)");
            double[] threadPool = threadPoolThroughput();
            results.add("Thread pool, 2 workers: no-op tasks", threadPool[0], "tasks/s", "ThreadPoolExecutor, 2 threads",
                    threadPool[1], Results.Goal.RATIO_AT_LEAST, 0.9);
        }
        if (sections.contains("process")) {
            processPool(results, bareStart, bareResident);
        }
        if (sections.contains("runner")) {
            runner(results);
        }

        System.out.println();
        System.out.println(environment());
        System.out.println();
        results.print();
    }

    private static void processPool(Results results, long bareStart, long bareResident) throws Exception {
        System.out.println("Process pool");
        for (int size : new int[] {2, 4}) {
            long start = ProcessPoolBench.startToFirstResultNanos(size);
            results.add("Process pool of " + size + ": start() to first result", start / 1e6, "ms",
                    "bare JVM start", bareStart / 1e6, size == 2 ? Results.Goal.RATIO_AT_MOST : Results.Goal.NONE, 3);
        }
        try (ManagedPool pool = ProcessPoolBench.started(2)) {
            results.add("Process pool, 2 workers: idle worker resident memory", ProcessPoolBench.idleWorkerResidentKib(pool)
                    / 1024.0, "MiB", "idle bare JVM", bareResident / 1024.0, Results.Goal.RATIO_AT_MOST, 1.5);
            results.add("Process pool, 2 workers: " + ProcessPoolBench.TINY_TASKS + " tiny tasks submitted at once",
                    ProcessPoolBench.tinyTasksPerSecond(pool), "tasks/s", null, 0, Results.Goal.VALUE_AT_LEAST, 100_000);
            long[] roundTrip = ProcessPoolBench.sequentialRoundTripNanos(pool);
            results.add("Process pool, 2 workers: sequential round trip p50", roundTrip[0] / 1e3, "µs",
                    "JVM ping-pong p50", roundTrip[2] / 1e3, Results.Goal.RATIO_AT_MOST, 2);
            results.add("Process pool, 2 workers: sequential round trip p99", roundTrip[1] / 1e3, "µs",
                    "JVM ping-pong p99", roundTrip[3] / 1e3, Results.Goal.NONE, 0);
            results.add("Process pool, 2 workers: sequential round trip p50", roundTrip[0] / 1e3, "µs",
                    "JVM ping-pong through a reader thread p50", roundTrip[4] / 1e3, Results.Goal.NONE, 0);
            double[] small = ProcessPoolBench.roundTripMegabytesPerSecond(pool, 1 << 20, 50, 15);
            results.add("Process pool, 2 workers: 1 MiB byte[] round trip", small[0], "MB/s", "raw pipe", small[1],
                    Results.Goal.NONE, 0);
            double[] large = ProcessPoolBench.roundTripMegabytesPerSecond(pool, 64 << 20, 2, 7);
            results.add("Process pool, 2 workers: 64 MiB byte[] round trip", large[0], "MB/s", "raw pipe", large[1],
                    Results.Goal.RATIO_AT_LEAST, 0.5);
        }

    }

    private static void runner(Results results) throws InterruptedException {
        System.out.println("Runner");
        long[] wake = RunnerBench.wakeUpNanos();
        results.add("Runner: wakeUp() to next step p50", wake[0] / 1e3, "µs", null, 0, Results.Goal.VALUE_AT_MOST, 100);
        results.add("Runner: wakeUp() to next step p99", wake[1] / 1e3, "µs", null, 0, Results.Goal.NONE, 0);
        results.add("Runner: CPU while blocked, net without a listener", RunnerBench.blockedCpuPercent(), "% of a core",
                null, 0, Results.Goal.VALUE_AT_MOST, 1);
    }

    private static double[] threadPoolThroughput() throws Exception {
        Options options = new OptionsBuilder()
                .include(ThreadPoolThroughput.class.getName())
                .forks(2)
                .warmupIterations(3)
                .warmupTime(TimeValue.seconds(2))
                .measurementIterations(5)
                .measurementTime(TimeValue.seconds(2))
                .jvmArgs("-Xmx1g")
                .build();
        Collection<RunResult> runs = new Runner(options).run();
        double pool = 0;
        double executor = 0;
        for (RunResult run : runs) {
            double score = run.getPrimaryResult().getScore();
            if (run.getParams().getBenchmark().endsWith("managedPool")) {
                pool = score;
            } else {
                executor = score;
            }
        }
        if (pool == 0 || executor == 0) {
            throw new IllegalStateException("A JMH run of ThreadPoolThroughput produced no score; see its output above");
        }
        return new double[] {pool, executor};
    }

    private static String environment() throws java.io.IOException {
        String cpu = Files.readAllLines(Paths.get("/proc/cpuinfo")).stream()
                .filter(line -> line.startsWith("model name")).findFirst()
                .map(line -> line.substring(line.indexOf(':') + 1).trim()).orElse("unknown CPU");
        return String.format(Locale.ROOT, "Machine: %s, %d cores, %d MiB of memory for this JVM; %s %s (%s); %s; %s",
                cpu, Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20,
                System.getProperty("java.vm.name"), System.getProperty("java.version"), System.getProperty("java.vendor"),
                System.getProperty("os.name") + " " + System.getProperty("os.version"), LocalDate.now());
    }
}
