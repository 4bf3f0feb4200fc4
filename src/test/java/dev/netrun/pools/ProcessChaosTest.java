package dev.netrun.pools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ProcessChaosTest {

    private static final int SUBMITTERS = 8;
    private static final int TASKS = 4_000;
    private static final int WORKERS = 3;

    @Test
    void everyTaskCompletesWhileWorkersAreKilled() throws Exception {
        ManagedPool pool = new ManagedPool(PoolConfig.process("chaos", WORKERS));
        pool.start();
        ExecutorService submitters = Executors.newFixedThreadPool(SUBMITTERS);
        ScheduledExecutorService killer = Executors.newSingleThreadScheduledExecutor();
        AtomicInteger kills = new AtomicInteger();
        ConcurrentLinkedQueue<CompletableFuture<Integer>> futures = new ConcurrentLinkedQueue<>();
        try {
            killer.scheduleAtFixedRate(() -> {
                List<WorkerState> workers = pool.getWorkers();
                WorkerState victim = workers.get(ThreadLocalRandom.current().nextInt(workers.size()));
                victim.getPid().ifPresent(pid -> ProcessHandle.of(pid).ifPresent(process -> {
                    if (process.destroyForcibly()) {
                        kills.incrementAndGet();
                    }
                }));
            }, 150, 150, TimeUnit.MILLISECONDS);

            for (int s = 0; s < SUBMITTERS; s++) {
                int submitter = s;
                submitters.execute(() -> {
                    for (int i = submitter; i < TASKS; i += SUBMITTERS) {
                        int value = i;
                        futures.add(pool.submit(() -> {
                            Thread.sleep(2);
                            return value;
                        }));
                    }
                });
            }
            submitters.shutdown();
            assertThat(submitters.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            await().atMost(Duration.ofSeconds(50)).until(() -> futures.stream().allMatch(CompletableFuture::isDone));
        } finally {
            killer.shutdownNow();
            submitters.shutdownNow();
        }

        int successes = 0;
        int crashes = 0;
        for (CompletableFuture<Integer> future : futures) {
            try {
                future.join();
                successes++;
            } catch (CompletionException e) {
                assertThat(e.getCause()).isInstanceOf(WorkerCrashedException.class);
                crashes++;
            }
        }
        assertThat(futures).hasSize(TASKS);
        assertThat(successes + crashes).isEqualTo(TASKS);
        assertThat(kills.get()).isGreaterThan(5);
        assertThat(crashes).isPositive().isLessThanOrEqualTo(kills.get());

        await().atMost(Duration.ofSeconds(20)).until(() -> pool.getAvailableWorkers() == WORKERS);
        assertThat(pool.getWorkers()).allSatisfy(worker -> assertThat(worker.getActiveTasks()).isZero());
        List<Long> pids = pool.getWorkers().stream().map(worker -> worker.getPid().orElseThrow()).toList();
        assertThat(pool.submit(() -> "after the chaos").join()).isEqualTo("after the chaos");

        pool.stop();
        assertThat(pids).allSatisfy(pid -> assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty());
    }
}
