package dev.netrun.pools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.lang.reflect.Field;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessFaultTest {

    @TempDir
    Path temp;

    private ManagedPool pool;

    private ManagedPool started(String name, int size, ProcessOptions.Builder options) {
        pool = new ManagedPool(PoolConfig.process(name, size, options
                .jvmArguments("-XX:ErrorFile=" + temp.resolve("hs_err_%p.log"), "-XX:-CreateCoredumpOnCrash")
                .build()));
        pool.start();
        return pool;
    }

    private ManagedPool started(String name, int size) {
        return started(name, size, ProcessOptions.builder());
    }

    @AfterEach
    void stopPool() {
        if (pool != null) {
            pool.stop(Duration.ofSeconds(10));
        }
    }

    private static long pid(WorkerState worker) {
        return worker.getPid().orElseThrow();
    }

    /** Waits until every worker has a live JVM again and the pool serves a task. */
    private void assertBackToFullSize() {
        await().atMost(Duration.ofSeconds(20)).until(() -> pool.getAvailableWorkers() == pool.getSize());
        assertThat(pool.getWorkers()).allSatisfy(worker -> assertThat(worker.getPid()).isPresent());
        assertThat(pool.getTotalActiveTasks()).isZero();
        assertThat(pool.submit(() -> "served").join()).isEqualTo("served");
    }

    /** Submits a task pinned to worker 0 that waits on a latch, and waits until it runs. */
    private CompletableFuture<String> blockWorkerZero(FileLatch latch) {
        CompletableFuture<String> blocked = pool.submit(() -> {
            latch.await();
            return "released";
        }, pool.getWorkers().get(0));
        await().atMost(Duration.ofSeconds(10)).until(latch::entered);
        return blocked;
    }

    @Test
    void killedWorkerFailsOnlyItsTask() {
        started("faults", 2);
        WorkerState first = pool.getWorkers().get(0);
        long victim = pid(first);
        FileLatch latch = new FileLatch(temp, "victim");
        try (LogCapture logs = new LogCapture()) {
            CompletableFuture<String> doomed = blockWorkerZero(latch);
            List<CompletableFuture<Long>> pinnedAfter = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                pinnedAfter.add(pool.submit(() -> ProcessHandle.current().pid(), first));
            }
            List<CompletableFuture<Integer>> shared = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                int value = i;
                shared.add(pool.submit(() -> value));
            }

            ProcessHandle.of(victim).orElseThrow().destroyForcibly();

            assertThatThrownBy(doomed::join).cause().isInstanceOf(WorkerCrashedException.class)
                    .hasMessageContaining("Worker 0 (pid " + victim + ") of pool 'faults' died while running task")
                    .hasMessageContaining("exit status 137 (signal 9, SIGKILL)")
                    .satisfies(e -> {
                        WorkerCrashedException crash = (WorkerCrashedException) e;
                        assertThat(crash.getPid()).isEqualTo(victim);
                        assertThat(crash.getWorkerId()).isZero();
                        assertThat(crash.getExitStatus()).isEqualTo(137);
                        assertThat(crash.getSignal()).hasValue(9);
                    });
            for (int i = 0; i < shared.size(); i++) {
                assertThat(shared.get(i).join()).isEqualTo(i);
            }
            for (CompletableFuture<Long> pinned : pinnedAfter) {
                assertThat(pinned.join()).isNotEqualTo(victim).isEqualTo(pid(first));
            }
            assertBackToFullSize();
            assertThat(first.getReplacements()).isEqualTo(1);
            assertThat(logs.linesContaining("ERROR", "Worker 0 (pid " + victim + ") of pool 'faults' died while running task"))
                    .hasSize(1);
        }
    }

    @Test
    void systemExitReportsExitStatus() {
        started("exits", 2);
        long victim = pid(pool.getWorkers().get(0));
        CompletableFuture<Integer> other = pool.submit(() -> 7, pool.getWorkers().get(1));

        CompletableFuture<Object> exiting = pool.submit(() -> {
            System.err.println("giving up on purpose");
            System.exit(42);
            return null;
        }, pool.getWorkers().get(0));

        assertThatThrownBy(exiting::join).cause().isInstanceOf(WorkerCrashedException.class)
                .hasMessageContaining("Worker 0 (pid " + victim + ") of pool 'exits' died while running task")
                .hasMessageContaining("exit status 42")
                .hasMessageContaining("giving up on purpose");
        assertThat(other.join()).isEqualTo(7);
        assertBackToFullSize();
    }

    @Test
    void exitThreeIsNotOutOfMemory() {
        started("exit-three", 1);

        CompletableFuture<Object> exiting = pool.submit(() -> {
            System.exit(3);
            return null;
        });

        assertThatThrownBy(exiting::join).cause().isInstanceOf(WorkerCrashedException.class)
                .hasMessageContaining("exit status 3.")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("out of memory"));
        assertBackToFullSize();
    }

    @Test
    void resultBeyondPoolHeapFailsAlone() {
        started("big-result", 1);
        long heap = Runtime.getRuntime().maxMemory();
        int size = (int) Math.min(Integer.MAX_VALUE - 64, heap + (64L << 20));

        CompletableFuture<byte[]> huge = pool.submit(() -> new byte[size]);

        assertThatThrownBy(huge::join).cause().isInstanceOf(OutOfMemoryError.class)
                .hasMessageContaining("was skipped: its " + (size + 17) + " bytes do not fit in the free heap of this JVM");
        assertBackToFullSize();
    }

    @Test
    void rawStdoutWritesNeverCorruptSilently() {
        started("raw-output", 1);

        for (int round = 0; round < 5; round++) {
            CompletableFuture<byte[]> result = pool.submit(() -> {
                Thread noise = new Thread(() -> {
                    // Not closed: closing it would close file descriptor 1 itself.
                    java.io.FileOutputStream raw = new java.io.FileOutputStream(java.io.FileDescriptor.out);
                    try {
                        for (int i = 0; i < 20_000; i++) {
                            raw.write("native says hi\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
                        }
                    } catch (java.io.IOException e) {
                        // The worker is being replaced; the test only cares about the result.
                    }
                });
                noise.start();
                byte[] data = new byte[20 << 20];
                java.util.Arrays.fill(data, (byte) 7);
                return data;
            });
            try {
                assertThat(result.join()).hasSize(20 << 20).containsOnly((byte) 7);
            } catch (java.util.concurrent.CompletionException e) {
                assertThat(e.getCause()).isInstanceOf(WorkerCrashedException.class)
                        .hasMessageContaining("arrived corrupted");
            }
            assertBackToFullSize();
        }
    }

    @Test
    void outOfMemoryEndsTheWorker() {
        started("memory", 2, ProcessOptions.builder().jvmArguments("-Xmx48m"));

        CompletableFuture<Integer> hog = pool.submit(() -> {
            List<long[]> chunks = new ArrayList<>();
            while (true) {
                chunks.add(new long[1 << 20]);
                if (chunks.size() < 0) {
                    return chunks.size();
                }
            }
        }, pool.getWorkers().get(0));

        assertThatThrownBy(hog::join).cause().isInstanceOf(WorkerCrashedException.class)
                .hasMessageContaining("of pool 'memory' died while running task")
                .hasMessageContaining("exit status 3 (out of memory)")
                .hasMessageContaining("OutOfMemoryError");
        assertBackToFullSize();
    }

    static int recurse(int depth) {
        return recurse(depth + 1) + 1;
    }

    @Test
    void stackOverflowEndsTheWorker() {
        started("stack", 2);

        CompletableFuture<Integer> deep = pool.submit(() -> recurse(0), pool.getWorkers().get(0));

        assertThatThrownBy(deep::join).cause().isInstanceOf(WorkerCrashedException.class)
                .hasMessageContaining("of pool 'stack' died while running task")
                .hasMessageContaining("exit status 70 (a task threw a VirtualMachineError)")
                .hasMessageContaining("exits because task")
                .hasMessageContaining("threw java.lang.StackOverflowError");
        assertBackToFullSize();
    }

    @Test
    void jvmCrashReportsCrashLog() {
        started("crash", 2);
        long victim = pid(pool.getWorkers().get(0));

        CompletableFuture<Object> crash = pool.submit(() -> {
            Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
            Field field = unsafeClass.getDeclaredField("theUnsafe");
            field.setAccessible(true);
            Object unsafe = field.get(null);
            return unsafeClass.getMethod("getByte", long.class).invoke(unsafe, 0L);
        }, pool.getWorkers().get(0));

        assertThatThrownBy(crash::join).cause().isInstanceOf(WorkerCrashedException.class)
                .hasMessageContaining("Worker 0 (pid " + victim + ") of pool 'crash' died while running task")
                .hasMessageContaining("exit status 1")
                .hasMessageContaining("(stdout) #  SIGSEGV")
                .hasMessageContaining("Problematic frame");
        assertBackToFullSize();
    }

    @Test
    void timeoutEndsTheWorker() {
        started("timeouts", 2);
        WorkerState first = pool.getWorkers().get(0);
        long victim = pid(first);
        try (LogCapture logs = new LogCapture()) {
            CompletableFuture<Integer> other = pool.submit(() -> {
                Thread.sleep(200);
                return 1;
            }, pool.getWorkers().get(1));

            CompletableFuture<String> slow = pool.submit(() -> {
                Thread.sleep(60_000);
                return "late";
            }, TaskOptions.defaults().withWorker(first).withTimeout(Duration.ofMillis(300)));

            assertThatThrownBy(slow::join).cause().isInstanceOf(TaskTimeoutException.class)
                    .hasMessageContaining("on worker 0 of pool 'timeouts' timed out after its limit of 300 ms")
                    .hasMessageContaining("its worker JVM (pid " + victim + ") was killed")
                    .satisfies(e -> assertThat(((TaskTimeoutException) e).getTimeout()).isEqualTo(Duration.ofMillis(300)));
            assertThat(other.join()).isEqualTo(1);
            assertBackToFullSize();
            assertThat(pid(first)).isNotEqualTo(victim);
            assertThat(logs.linesContaining("WARN", "on worker 0 (pid " + victim + ") of pool 'timeouts' timed out"))
                    .hasSize(1);
            assertThat(logs.linesContaining("ERROR", "(pid " + victim + ")")).isEmpty();
        }
    }

    @Test
    void defaultTimeoutComesFromProcessOptions() {
        started("default-timeout", 1, ProcessOptions.builder().taskTimeout(Duration.ofMillis(500)));

        CompletableFuture<String> slow = pool.submit(() -> {
            Thread.sleep(60_000);
            return "late";
        });

        assertThatThrownBy(slow::join).cause().isInstanceOf(TaskTimeoutException.class)
                .hasMessageContaining("timed out after its limit of 500 ms");
        assertBackToFullSize();
    }

    @Test
    void cancelRunningTaskEndsItsWorker() {
        started("cancels", 2);
        WorkerState first = pool.getWorkers().get(0);
        long victim = pid(first);
        FileLatch latch = new FileLatch(temp, "cancel");
        CompletableFuture<String> running = blockWorkerZero(latch);
        CompletableFuture<Long> queuedBehind = pool.submit(() -> ProcessHandle.current().pid(), first);

        assertThat(running.cancel(true)).isTrue();

        assertThat(running).isCancelled();
        assertThat(queuedBehind.join()).isNotEqualTo(victim);
        assertBackToFullSize();
        assertThat(first.getReplacements()).isEqualTo(1);
    }

    @Test
    void cancelQueuedTaskOnlyRemovesIt() {
        started("cancels", 1);
        WorkerState only = pool.getWorkers().get(0);
        long pidBefore = pid(only);
        FileLatch latch = new FileLatch(temp, "queued");
        CompletableFuture<String> running = blockWorkerZero(latch);
        CompletableFuture<String> queued = pool.submit(() -> "should not run");
        assertThat(pool.getQueuedTasks()).isEqualTo(1);

        assertThat(queued.cancel(true)).isTrue();

        assertThat(pool.getQueuedTasks()).isZero();
        latch.open();
        assertThat(running.join()).isEqualTo("released");
        assertThat(pid(only)).isEqualTo(pidBefore);
        assertThat(only.getReplacements()).isZero();
        assertThatThrownBy(queued::join).isInstanceOf(CancellationException.class);
        assertBackToFullSize();
    }

    /** Runs enough tiny tasks that the workers start sending tasks ahead. */
    private void warmUpWithTinyTasks() {
        List<CompletableFuture<Integer>> futures = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            int value = i;
            futures.add(pool.submit(() -> value));
        }
        futures.forEach(CompletableFuture::join);
    }

    @Test
    void cancelledSentAheadTaskReplacesJvm() {
        started("ahead", 1);
        warmUpWithTinyTasks();
        WorkerState only = pool.getWorkers().get(0);
        FileLatch latch = new FileLatch(temp, "ahead");
        CompletableFuture<String> running = blockWorkerZero(latch);
        CompletableFuture<String> endless = pool.submit(() -> {
            Thread.sleep(Long.MAX_VALUE);
            return "never";
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> pool.getQueuedTasks() == 0 && only.getActiveTasks() == 2);

        assertThat(endless.cancel(true)).isTrue();
        latch.open();

        assertThat(running.join()).isEqualTo("released");
        await().atMost(Duration.ofSeconds(20)).until(() -> only.getReplacements() == 1);
        assertBackToFullSize();
    }

    @Test
    void slowBurstAfterFastTasksIsShared() {
        started("share", 2);
        warmUpWithTinyTasks();

        List<CompletableFuture<Long>> slow = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            slow.add(pool.submit(() -> {
                Thread.sleep(200);
                return ProcessHandle.current().pid();
            }));
        }

        java.util.Map<Long, Long> tasksPerPid = slow.stream().map(CompletableFuture::join)
                .collect(java.util.stream.Collectors.groupingBy(pid -> pid, java.util.stream.Collectors.counting()));
        assertThat(tasksPerPid).hasSize(2);
        assertThat(tasksPerPid.values()).allSatisfy(count -> assertThat(count).isGreaterThanOrEqualTo(3));
    }

    @Test
    void taskLimitRecyclesWorker() {
        started("recycle", 1, ProcessOptions.builder().maxTasksPerWorker(3));
        WorkerState only = pool.getWorkers().get(0);

        List<Long> pids = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            pids.add(pool.submit(() -> ProcessHandle.current().pid()).join());
        }

        assertThat(pids.subList(0, 3)).containsOnly(pids.get(0));
        assertThat(pids.subList(3, 6)).containsOnly(pids.get(3));
        assertThat(pids.subList(6, 9)).containsOnly(pids.get(6));
        assertThat(pids.stream().distinct()).hasSize(4);
        assertThat(only.getReplacements()).isEqualTo(3);
        await().atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.of(pids.get(0)).filter(ProcessHandle::isAlive).isEmpty());
        assertBackToFullSize();
    }

    @Test
    void recyclingManyConcurrentTasksLosesNone() {
        started("recycle", 2, ProcessOptions.builder().maxTasksPerWorker(25));
        List<CompletableFuture<Integer>> futures = new ArrayList<>();

        for (int i = 0; i < 400; i++) {
            int value = i;
            futures.add(pool.submit(() -> value));
        }

        for (int i = 0; i < futures.size(); i++) {
            assertThat(futures.get(i).join()).isEqualTo(i);
        }
        assertThat(pool.getWorkers().stream().mapToInt(WorkerState::getReplacements).sum()).isGreaterThanOrEqualTo(14);
        assertBackToFullSize();
    }
}
