package dev.netrun.bench;

import dev.netrun.pools.ManagedPool;
import dev.netrun.pools.PoolConfig;
import dev.netrun.pools.WorkerState;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;

/** Measurements of a process pool with default options. */
final class ProcessPoolBench {

    static final int TINY_TASKS = 50_000;
    private static final int TINY_ROUNDS = 5;
    private static final int TINY_WARMUP_ROUNDS = 5;
    private static final int ROUND_TRIP_WARMUP = 5_000;
    private static final int ROUND_TRIPS = 20_000;
    private static final int START_RUNS = 5;

    private ProcessPoolBench() {
    }

    static ManagedPool started(int size) {
        ManagedPool pool = new ManagedPool(PoolConfig.process("bench", size));
        pool.start();
        return pool;
    }

    /** Median time in ns from {@code start()} of a new pool to the result of its first task. */
    static long startToFirstResultNanos(int size) {
        Samples samples = new Samples(START_RUNS);
        for (int run = -1; run < START_RUNS; run++) {
            long started = System.nanoTime();
            ManagedPool pool = new ManagedPool(PoolConfig.process("start", size));
            pool.start();
            pool.submit(() -> 1).join();
            long elapsed = System.nanoTime() - started;
            pool.stop();
            if (run >= 0) {
                samples.add(elapsed);
            }
        }
        return samples.median();
    }

    /** Median throughput in tasks/s of {@value #TINY_TASKS} tiny tasks submitted at once. */
    static double tinyTasksPerSecond(ManagedPool pool) {
        Samples samples = new Samples(TINY_ROUNDS);
        @SuppressWarnings({"unchecked", "rawtypes"})
        CompletableFuture<Integer>[] futures = new CompletableFuture[TINY_TASKS];
        for (int round = -TINY_WARMUP_ROUNDS; round < TINY_ROUNDS; round++) {
            long started = System.nanoTime();
            for (int i = 0; i < TINY_TASKS; i++) {
                int value = i;
                futures[i] = pool.submit(() -> value + 1);
            }
            CompletableFuture.allOf(futures).join();
            if (round >= 0) {
                samples.add(System.nanoTime() - started);
            }
        }
        return TINY_TASKS / (samples.median() / 1e9);
    }

    /**
     * Submit, wait, repeat, interleaved in blocks with one-byte round trips between two bare JVMs,
     * directly and through a reader thread, so that all three see the same state of the machine.
     * Returns p50 and p99 in ns of the pool, of the direct ping-pong, and of the one through a
     * reader thread.
     */
    static long[] sequentialRoundTripNanos(ManagedPool pool) throws Exception {
        int blocks = 10;
        int perBlock = ROUND_TRIPS / blocks;
        Samples poolSamples = new Samples(ROUND_TRIPS);
        Samples directSamples = new Samples(ROUND_TRIPS);
        Samples handOffSamples = new Samples(ROUND_TRIPS);
        try (Baselines.PingPong direct = new Baselines.PingPong(false);
                Baselines.PingPong handOff = new Baselines.PingPong(true)) {
            direct.run(ROUND_TRIP_WARMUP, null);
            handOff.run(ROUND_TRIP_WARMUP, null);
            for (int i = 0; i < ROUND_TRIP_WARMUP; i++) {
                pool.submit(() -> 1).join();
            }
            for (int block = 0; block < blocks; block++) {
                direct.run(perBlock, directSamples);
                handOff.run(perBlock, handOffSamples);
                for (int i = 0; i < perBlock; i++) {
                    long started = System.nanoTime();
                    pool.submit(() -> 1).join();
                    poolSamples.add(System.nanoTime() - started);
                }
            }
        }
        return new long[] {poolSamples.median(), poolSamples.percentile(0.99), directSamples.median(),
            directSamples.percentile(0.99), handOffSamples.median(), handOffSamples.percentile(0.99)};
    }

    /**
     * Median rate in MB/s at which a {@code byte[]} of {@code size} bytes travels to a worker inside
     * a task and back as its result, after {@code warmups} unmeasured runs; the bytes of both
     * directions count. Each measured run alternates with a raw pipe run, so that both run under the
     * same load on the machine. The second element is the raw pipe's median in MB/s.
     */
    static double[] roundTripMegabytesPerSecond(ManagedPool pool, int size, int warmups, int runs) throws Exception {
        byte[] data = new byte[size];
        for (int i = 0; i < size; i++) {
            data[i] = (byte) i;
        }
        Samples samples = new Samples(runs);
        double[] pipe = new double[runs];
        for (int run = -warmups; run < runs; run++) {
            long started = System.nanoTime();
            byte[] echoed = pool.submit(() -> data).join();
            long elapsed = System.nanoTime() - started;
            if (echoed.length != size) {
                throw new IllegalStateException("Echoed " + echoed.length + " bytes instead of " + size);
            }
            if (run >= 0) {
                samples.add(elapsed);
                pipe[run] = Baselines.pipeMegabytesPerSecond();
            }
        }
        java.util.Arrays.sort(pipe);
        return new double[] {2.0 * size / 1e6 / (samples.median() / 1e9), pipe[runs / 2]};
    }

    /** Mean resident memory in KiB of the pool's idle worker JVMs. */
    static long idleWorkerResidentKib(ManagedPool pool) throws IOException, InterruptedException {
        Thread.sleep(500);
        long total = 0;
        for (WorkerState worker : pool.getWorkers()) {
            total += Children.residentKib(worker.getPid().orElseThrow());
        }
        return total / pool.getSize();
    }
}
