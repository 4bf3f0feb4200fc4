package dev.netrun.bench;

import dev.netrun.pools.ManagedPool;
import dev.netrun.pools.PoolConfig;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Throughput of no-op tasks through a thread pool of two workers, against a
 * {@link ThreadPoolExecutor} of two threads. Each invocation submits {@value #BATCH} tasks and
 * waits for all of them, so the score is tasks per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ThreadPoolThroughput {

    static final int BATCH = 1_000;
    private static final Callable<Boolean> NO_OP = () -> Boolean.TRUE;

    private ManagedPool pool;
    private ThreadPoolExecutor executor;
    @SuppressWarnings({"unchecked", "rawtypes"})
    private final CompletableFuture<Boolean>[] poolFutures = new CompletableFuture[BATCH];
    @SuppressWarnings({"unchecked", "rawtypes"})
    private final Future<Boolean>[] executorFutures = new Future[BATCH];

    /** Starts both pools. */
    @Setup(Level.Trial)
    public void start() {
        pool = new ManagedPool(PoolConfig.thread("bench", 2));
        pool.start();
        executor = new ThreadPoolExecutor(2, 2, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
    }

    /** Stops both pools. */
    @TearDown(Level.Trial)
    public void stop() {
        pool.stop();
        executor.shutdownNow();
    }

    /**
     * Submits a batch to the managed pool and waits for it.
     *
     * @return a value for the benchmark to consume
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public Object managedPool() {
        for (int i = 0; i < BATCH; i++) {
            poolFutures[i] = pool.submit(() -> Boolean.TRUE);
        }
        Object last = null;
        for (CompletableFuture<Boolean> future : poolFutures) {
            last = future.join();
        }
        return last;
    }

    /**
     * Submits a batch to the executor and waits for it.
     *
     * @return a value for the benchmark to consume
     * @throws Exception if a task fails
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public Object threadPoolExecutor() throws InterruptedException, ExecutionException {
        for (int i = 0; i < BATCH; i++) {
            executorFutures[i] = executor.submit(NO_OP);
        }
        Object last = null;
        for (Future<Boolean> future : executorFutures) {
            last = future.get();
        }
        return last;
    }
}
