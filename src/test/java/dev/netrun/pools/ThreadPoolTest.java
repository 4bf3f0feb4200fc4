package dev.netrun.pools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ThreadPoolTest {

    private final List<ManagedPool> pools = new ArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);

    private ManagedPool started(String name, int size) {
        ManagedPool pool = new ManagedPool(PoolConfig.thread(name, size));
        pools.add(pool);
        pool.start();
        return pool;
    }

    @AfterEach
    void stopPools() {
        release.countDown();
        for (ManagedPool pool : pools) {
            pool.stop(Duration.ofSeconds(5));
        }
    }

    private SerializableCallable<String> blockUntilReleased() {
        return () -> {
            release.await();
            return Thread.currentThread().getName();
        };
    }

    @Test
    void submitReturnsResult() {
        ManagedPool pool = started("io", 2);

        assertThat(pool.submit(() -> 6 * 7).join()).isEqualTo(42);
    }

    @Test
    void taskExceptionFailsItsFuture() {
        ManagedPool pool = started("io", 1);

        CompletableFuture<Object> future = pool.submit(() -> {
            throw new IllegalStateException("broken input");
        });

        assertThatThrownBy(future::get).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(IllegalStateException.class).hasMessage("broken input");
        assertThat(pool.submit(() -> "next").join()).isEqualTo("next");
    }

    @Test
    void submitStageCompletesWithTheStageResult() {
        ManagedPool pool = started("io", 1);
        CompletableFuture<String> stage = new CompletableFuture<>();

        CompletableFuture<String> future = pool.submitStage(() -> stage);

        await().atMost(Duration.ofSeconds(5)).until(() -> pool.getTotalActiveTasks() == 0);
        assertThat(future).isNotDone();
        stage.complete("done");
        assertThat(future.join()).isEqualTo("done");
    }

    @Test
    void submitStageFailsWithTheStageFailure() {
        ManagedPool pool = started("io", 1);

        CompletableFuture<String> future = pool.submitStage(
                () -> CompletableFuture.failedFuture(new IllegalArgumentException("bad stage")));

        assertThatThrownBy(future::get).cause().isInstanceOf(IllegalArgumentException.class).hasMessage("bad stage");
    }

    @Test
    void submitBeforeStartIsRejected() {
        ManagedPool pool = new ManagedPool(PoolConfig.thread("io", 1));

        assertThatThrownBy(() -> pool.submit(() -> 1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Pool 'io' is not started");
    }

    @Test
    void submitAfterStopIsRejected() {
        ManagedPool pool = started("io", 1);
        pool.stop();

        assertThatThrownBy(() -> pool.submit(() -> 1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Pool 'io' is not started");
        assertThat(pool.isStarted()).isFalse();
    }

    @Test
    void startIsIdempotent() {
        ManagedPool pool = started("idem", 2);
        pool.start();

        assertThat(pool.isStarted()).isTrue();
        assertThat(workerThreads("idem")).hasSize(2);
    }

    @Test
    void stopBeforeStartDoesNothing() {
        ManagedPool pool = new ManagedPool(PoolConfig.thread("idle", 1));

        pool.stop();

        assertThat(pool.isStarted()).isFalse();
    }

    @Test
    void workerThreadsAreNamedAfterPoolAndWorker() {
        ManagedPool pool = started("named", 2);

        String thread = pool.submit(() -> Thread.currentThread().getName()).join();

        assertThat(thread).isIn("netrun-named-0", "netrun-named-1");
        assertThat(workerThreads("named")).containsExactlyInAnyOrder("netrun-named-0", "netrun-named-1");
    }

    @Test
    void stopWaitsForQueuedAndRunningTasks() throws Exception {
        ManagedPool pool = started("io", 1);
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch proceed = new CountDownLatch(1);
        CompletableFuture<String> running = pool.submit(() -> {
            entered.countDown();
            proceed.await();
            return "first";
        });
        CompletableFuture<String> queued = pool.submit(() -> "second");
        entered.await();

        CompletableFuture<Void> stopping = CompletableFuture.runAsync(pool::stop);
        await().atMost(Duration.ofSeconds(5)).until(() -> !pool.isStarted());
        assertThat(stopping).isNotDone();
        proceed.countDown();
        stopping.get(5, TimeUnit.SECONDS);

        assertThat(running).isCompletedWithValue("first");
        assertThat(queued).isCompletedWithValue("second");
        assertThat(workerThreads("io")).isEmpty();
    }

    @Test
    void stoppedPoolCanStartAgain() {
        ManagedPool pool = started("again", 2);
        pool.stop();

        pool.start();

        assertThat(pool.isStarted()).isTrue();
        assertThat(pool.submit(() -> "back").join()).isEqualTo("back");
        assertThat(workerThreads("again")).hasSize(2);
    }

    @Test
    void expiredGracePeriodDropsAndInterrupts() {
        ManagedPool pool = started("grace", 1);
        AtomicBoolean interrupted = new AtomicBoolean();
        CountDownLatch entered = new CountDownLatch(1);
        CompletableFuture<String> running = pool.submit(() -> {
            entered.countDown();
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                interrupted.set(true);
                throw e;
            }
            return "never";
        });
        CompletableFuture<Integer> queued = pool.submit(() -> 2);
        await().atMost(Duration.ofSeconds(5)).until(() -> entered.getCount() == 0);

        boolean graceful = pool.stop(Duration.ofMillis(100));

        assertThat(graceful).isFalse();
        assertThat(interrupted).isTrue();
        assertThatThrownBy(running::join).hasCauseInstanceOf(InterruptedException.class);
        // The failure itself: join() wraps a CancellationException in a new one on newer JDKs.
        assertThat(queued.handle((value, failure) -> failure).join()).isInstanceOf(CancellationException.class)
                .hasMessageContaining("dropped because the pool stopped");
    }

    @Test
    void pinnedTasksRunOnTheirWorker() {
        ManagedPool pool = started("pin", 3);
        WorkerState second = pool.getWorkers().get(1);

        List<CompletableFuture<String>> futures = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            futures.add(pool.submit(() -> Thread.currentThread().getName() + "/" + WorkerContext.current().getWorkerId(),
                    second));
        }

        for (CompletableFuture<String> future : futures) {
            assertThat(future.join()).isEqualTo("netrun-pin-1/1");
        }
    }

    @Test
    void pinnedTaskWaitsForItsBusyWorker() throws Exception {
        ManagedPool pool = started("pin", 2);
        WorkerState first = pool.getWorkers().get(0);
        CompletableFuture<String> blocker = pool.submit(blockUntilReleased(), first);
        await().atMost(Duration.ofSeconds(5)).until(() -> first.getActiveTasks() == 1);

        CompletableFuture<String> pinned = pool.submit(() -> Thread.currentThread().getName(), first);
        CompletableFuture<String> shared = pool.submit(() -> Thread.currentThread().getName());

        assertThat(shared.get(5, TimeUnit.SECONDS)).isEqualTo("netrun-pin-1");
        assertThat(pinned).isNotDone();
        release.countDown();
        assertThat(pinned.get(5, TimeUnit.SECONDS)).isEqualTo("netrun-pin-0");
        assertThat(blocker.join()).isEqualTo("netrun-pin-0");
    }

    @Test
    void taskPinnedToAnotherPoolsWorkerIsRejected() {
        ManagedPool pool = started("mine", 1);
        ManagedPool other = started("other", 1);

        assertThatThrownBy(() -> pool.submit(() -> 1, other.getWorkers().get(0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Worker 0 of pool 'other' does not belong to pool 'mine'");
    }

    @Test
    void workerStateCountsRunningTasks() {
        ManagedPool pool = started("count", 3);

        pool.submit(blockUntilReleased());
        pool.submit(blockUntilReleased());
        await().atMost(Duration.ofSeconds(5)).until(() -> pool.getTotalActiveTasks() == 2);

        assertThat(pool.getAvailableWorkers()).isEqualTo(1);
        assertThat(pool.getLeastBusyWorker().getActiveTasks()).isZero();
        assertThat(pool.getWorkers()).extracting(WorkerState::getActiveTasks).containsOnly(0, 1);
        release.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> pool.getTotalActiveTasks() == 0);
        assertThat(pool.getAvailableWorkers()).isEqualTo(3);
        assertThat(pool.getWorkers()).extracting(WorkerState::getCompletedTasks).containsOnly(0L, 1L);
    }

    @Test
    void timeoutInterruptsTask() {
        ManagedPool pool = started("slow", 1);
        AtomicBoolean interrupted = new AtomicBoolean();

        CompletableFuture<String> future = pool.submit(() -> {
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                interrupted.set(true);
            }
            return "late";
        }, TaskOptions.defaults().withTimeout(Duration.ofMillis(100)));

        assertThatThrownBy(future::get).cause().isInstanceOf(TaskTimeoutException.class)
                .hasMessageContaining("pool 'slow'")
                .hasMessageContaining("timed out after its limit of 100 ms");
        await().atMost(Duration.ofSeconds(5)).untilTrue(interrupted);
        await().atMost(Duration.ofSeconds(5)).until(() -> pool.getTotalActiveTasks() == 0);
        assertThat(pool.submit(() -> Thread.currentThread().isInterrupted()).join()).isFalse();
    }

    @Test
    void cancelRunningTaskInterruptsIt() {
        ManagedPool pool = started("cancel", 1);
        AtomicBoolean interrupted = new AtomicBoolean();
        CountDownLatch entered = new CountDownLatch(1);
        CompletableFuture<String> future = pool.submit(() -> {
            entered.countDown();
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                interrupted.set(true);
            }
            return "late";
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> entered.getCount() == 0);

        assertThat(future.cancel(true)).isTrue();

        await().atMost(Duration.ofSeconds(5)).untilTrue(interrupted);
        await().atMost(Duration.ofSeconds(5)).until(() -> pool.getTotalActiveTasks() == 0);
        assertThat(future).isCancelled();
    }

    @Test
    void cancelQueuedTaskRemovesItFromTheQueue() {
        ManagedPool pool = started("cancel", 1);
        pool.submit(blockUntilReleased());
        await().atMost(Duration.ofSeconds(5)).until(() -> pool.getTotalActiveTasks() == 1);
        AtomicBoolean ran = new AtomicBoolean();
        CompletableFuture<Boolean> queued = pool.submit(() -> ran.getAndSet(true));
        assertThat(pool.getQueuedTasks()).isEqualTo(1);

        queued.cancel(false);

        assertThat(pool.getQueuedTasks()).isZero();
        release.countDown();
        assertThat(pool.submit(() -> "after").join()).isEqualTo("after");
        assertThat(ran).isFalse();
    }

    @Test
    void stopFromOwnTaskIsRejected() {
        ManagedPool pool = started("self", 1);

        CompletableFuture<Object> stopping = pool.submit(() -> {
            pool.stop();
            return "stopped";
        });

        assertThatThrownBy(stopping::join).cause().isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("stop() was called on thread 'netrun-self-0' of pool 'self'")
                .hasMessageContaining("call it from another thread");
        assertThat(pool.isStarted()).isTrue();
        assertThat(pool.submit(() -> "still serving").join()).isEqualTo("still serving");
    }

    @Test
    void workerContextIsUnavailableOutsideWorkers() {
        assertThatThrownBy(WorkerContext::current).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("only inside a task or hook");
    }

    @Test
    void contextAttributesOutliveTasks() {
        ManagedPool pool = started("ctx", 1);

        pool.submit(() -> WorkerContext.current().attributes().put("seen", "yes")).join();

        assertThat(pool.submit(() -> WorkerContext.current().attributes().get("seen")).join()).isEqualTo("yes");
        assertThat(pool.submit(() -> WorkerContext.current().getPoolName()).join()).isEqualTo("ctx");
    }

    @Test
    void manyTasksAllComplete() {
        ManagedPool pool = started("many", 2);
        AtomicInteger sum = new AtomicInteger();
        List<CompletableFuture<Integer>> futures = new ArrayList<>();

        for (int i = 1; i <= 10_000; i++) {
            int value = i;
            futures.add(pool.submit(() -> sum.addAndGet(value)));
        }

        CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0])).join();
        assertThat(sum.get()).isEqualTo(10_000 * 10_001 / 2);
        assertThat(pool.getWorkers()).extracting(WorkerState::getCompletedTasks)
                .satisfies(counts -> assertThat(counts.stream().mapToLong(Long::longValue).sum()).isEqualTo(10_000));
    }

    static List<String> workerThreads(String pool) {
        List<String> names = new ArrayList<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().matches("netrun-" + pool + "-\\d+") && thread.isAlive()) {
                names.add(thread.getName());
            }
        }
        return names;
    }
}
