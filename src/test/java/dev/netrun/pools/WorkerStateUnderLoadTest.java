package dev.netrun.pools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WorkerStateUnderLoadTest {

    private static final int WORKERS = 4;
    private static final int SUBMITTERS = 8;
    private static final int TASKS_PER_SUBMITTER = 250;

    /**
     * Tasks enter their body, count themselves, and wait for a permit. Each sample is taken once
     * every released task has left its body and the waiting ones have entered theirs. At that point
     * the active counts must add up to the tasks counted inside bodies. Then a few tasks are let go,
     * and a third of all tasks end by throwing.
     */
    @Test
    void activeCountsMatchTasksInsideTheirBodies() throws Exception {
        ManagedPool pool = new ManagedPool(PoolConfig.thread("load", WORKERS));
        pool.start();
        ExecutorService submitters = Executors.newFixedThreadPool(SUBMITTERS);
        try {
            AtomicInteger insideBodies = new AtomicInteger();
            AtomicInteger exitedBodies = new AtomicInteger();
            Semaphore permits = new Semaphore(0);
            ConcurrentLinkedQueue<CompletableFuture<Integer>> futures = new ConcurrentLinkedQueue<>();
            int total = SUBMITTERS * TASKS_PER_SUBMITTER;

            for (int s = 0; s < SUBMITTERS; s++) {
                submitters.execute(() -> {
                    for (int i = 0; i < TASKS_PER_SUBMITTER; i++) {
                        int index = i;
                        futures.add(pool.submit(() -> {
                            insideBodies.incrementAndGet();
                            try {
                                permits.acquire();
                            } finally {
                                insideBodies.decrementAndGet();
                                exitedBodies.incrementAndGet();
                            }
                            if (index % 3 == 0) {
                                throw new IllegalStateException("task " + index + " fails on purpose");
                            }
                            return index;
                        }));
                    }
                });
            }

            int samples = 0;
            int released = 0;
            while (released < total) {
                int expectedInside = Math.min(WORKERS, total - released);
                int expectedExited = released;
                await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).atMost(Duration.ofSeconds(10))
                        .until(() -> exitedBodies.get() == expectedExited && insideBodies.get() == expectedInside
                                && pool.getTotalActiveTasks() == expectedInside);
                assertThat(sumOfActiveCounts(pool)).isEqualTo(insideBodies.get());
                assertThat(pool.getAvailableWorkers()).isEqualTo(WORKERS - expectedInside);
                samples++;

                int batch = Math.min(expectedInside, 1 + ThreadLocalRandom.current().nextInt(WORKERS));
                released += batch;
                permits.release(batch);
            }

            submitters.shutdown();
            assertThat(submitters.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
            assertThat(futures).hasSize(total);
            await().atMost(Duration.ofSeconds(10)).until(() -> futures.stream().allMatch(CompletableFuture::isDone));
            long failingPerSubmitter = (TASKS_PER_SUBMITTER + 2) / 3;
            assertThat(futures.stream().filter(CompletableFuture::isCompletedExceptionally).count())
                    .isEqualTo(SUBMITTERS * failingPerSubmitter);
            assertThat(futures.stream().filter(f -> !f.isCompletedExceptionally()).mapToInt(CompletableFuture::join))
                    .allMatch(index -> index % 3 != 0);
            assertThat(pool.getWorkers()).extracting(WorkerState::getActiveTasks).containsOnly(0);
            assertThat(pool.getWorkers().stream().mapToLong(WorkerState::getCompletedTasks).sum()).isEqualTo(total);
            assertThat(samples).isGreaterThan(total / WORKERS - 1);
        } finally {
            submitters.shutdownNow();
            pool.stop(Duration.ofSeconds(5));
        }
    }

    private static int sumOfActiveCounts(ManagedPool pool) {
        List<Integer> counts = new ArrayList<>();
        for (WorkerState worker : pool.getWorkers()) {
            counts.add(worker.getActiveTasks());
        }
        return counts.stream().mapToInt(Integer::intValue).sum();
    }
}
