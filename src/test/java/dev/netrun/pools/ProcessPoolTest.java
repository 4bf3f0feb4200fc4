package dev.netrun.pools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessPoolTest {

    private static ManagedPool pool;

    @TempDir
    Path temp;

    record Point(int x, int y) implements Serializable {
    }

    @BeforeAll
    static void startPool() {
        pool = new ManagedPool(PoolConfig.process("cpu", 2));
        pool.start();
    }

    @AfterAll
    static void stopPool() {
        pool.stop();
        assertThat(pool.getWorkers()).allSatisfy(worker -> assertThat(worker.getPid()).isEmpty());
    }

    @AfterEach
    void poolStillServes() {
        assertThat(pool.submit(() -> "still serving").join()).isEqualTo("still serving");
    }

    private static long pidOfWorker(int id) {
        return pool.getWorkers().get(id).getPid().orElseThrow();
    }

    @Test
    void startLaunchesOneChildJvmPerWorker() {
        List<Long> pids = pool.getWorkers().stream().map(worker -> worker.getPid().orElseThrow()).toList();

        assertThat(pids).doesNotHaveDuplicates().doesNotContain(ProcessHandle.current().pid());
        List<Long> children = ProcessHandle.current().children().map(ProcessHandle::pid).toList();
        assertThat(children).containsAll(pids);
        assertThat(pool.isProcessPool()).isTrue();
        assertThat(pool.getAvailableWorkers()).isEqualTo(2);
    }

    @Test
    void taskRunsInsideAWorkerJvm() {
        long pid = pool.submit(() -> ProcessHandle.current().pid()).join();

        assertThat(pid).isNotEqualTo(ProcessHandle.current().pid()).isIn(pidOfWorker(0), pidOfWorker(1));
    }

    @Test
    void valuesOfCommonTypesTravelBothWays() {
        byte[] bytes = {1, 2, 3};
        Point point = new Point(3, 4);
        Map<String, List<Integer>> map = Map.of("a", List.of(1, 2));

        assertThat(pool.submit(() -> (Object) null).join()).isNull();
        assertThat(pool.submit(() -> bytes).join()).containsExactly(1, 2, 3);
        assertThat(pool.submit(() -> "héllo " + point.x()).join()).isEqualTo("héllo 3");
        assertThat(pool.submit(() -> Integer.MIN_VALUE).join()).isEqualTo(Integer.MIN_VALUE);
        assertThat(pool.submit(() -> Long.MAX_VALUE).join()).isEqualTo(Long.MAX_VALUE);
        assertThat(pool.submit(() -> false).join()).isFalse();
        assertThat(pool.submit(() -> Math.PI).join()).isEqualTo(Math.PI);
        assertThat(pool.submit(() -> new Point(point.y(), point.x())).join()).isEqualTo(new Point(4, 3));
        assertThat(pool.submit(() -> map).join()).isEqualTo(map);
    }

    @Test
    void taskExceptionKeepsCauseAndFrames() {
        CompletableFuture<Object> future = pool.submit(() -> {
            throw new IllegalStateException("bad record 17", new IOException("disk full"));
        });

        assertThatThrownBy(future::get).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(IllegalStateException.class).hasMessage("bad record 17")
                .hasCauseInstanceOf(IOException.class).satisfies(cause -> {
                    assertThat(cause.getCause()).hasMessage("disk full");
                    assertThat(cause.getStackTrace()).anyMatch(frame -> frame.getClassName().equals(
                            "dev.netrun.pools.process.ChildWorker"));
                    assertThat(cause.getStackTrace()).anyMatch(frame -> frame.getMethodName().contains(
                            "taskExceptionKeepsCauseAndFrames"));
                });
    }

    @Test
    void unserializableTaskFailsOnlyItsOwnFuture() {
        Socket socket = new Socket();
        CompletableFuture<Integer> sibling = pool.submit(() -> 1);

        CompletableFuture<Boolean> future = pool.submit(() -> socket.isClosed());

        assertThatThrownBy(future::join).cause().isInstanceOf(UnserializableValueException.class)
                .hasMessageContaining("Value (task for pool 'cpu') cannot be serialized")
                .hasMessageContaining("java.net.Socket is not serializable, reached through lambda in ProcessPoolTest.captured[0]");
        assertThat(sibling.join()).isEqualTo(1);
    }

    @Test
    void unserializableResultNamesItsClass() {
        long pidBefore = pool.submit(() -> ProcessHandle.current().pid(), pool.getWorkers().get(0)).join();

        CompletableFuture<Socket> future = pool.submit(Socket::new, pool.getWorkers().get(0));

        assertThatThrownBy(future::join).cause().isInstanceOf(UnserializableValueException.class)
                .hasMessageContaining("result of task")
                .hasMessageContaining("java.net.Socket is not serializable (the value itself)");
        assertThat(pool.submit(() -> ProcessHandle.current().pid(), pool.getWorkers().get(0)).join())
                .isEqualTo(pidBefore);
    }

    @Test
    void completionStageIsAwaitedInTheWorker() {
        CompletableFuture<Long> future = pool.submitStage(
                () -> CompletableFuture.supplyAsync(() -> ProcessHandle.current().pid()));

        assertThat(future.join()).isIn(pidOfWorker(0), pidOfWorker(1));
    }

    @Test
    void failedCompletionStageFailsTheFuture() {
        CompletableFuture<Object> future = pool.submitStage(
                () -> CompletableFuture.failedFuture(new IllegalArgumentException("stage failed")));

        assertThatThrownBy(future::join).cause().isInstanceOf(IllegalArgumentException.class).hasMessage("stage failed");
    }

    @Test
    void pinnedTasksRunOnTheirChild() {
        WorkerState second = pool.getWorkers().get(1);

        List<CompletableFuture<Long>> futures = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            futures.add(pool.submit(() -> ProcessHandle.current().pid(), second));
        }

        assertThat(futures.stream().map(CompletableFuture::join).collect(Collectors.toSet()))
                .containsExactly(second.getPid().orElseThrow());
    }

    @Test
    void workerStateCountsTheTaskItsChildRuns() {
        FileLatch latch = new FileLatch(temp, "busy");
        WorkerState first = pool.getWorkers().get(0);
        long completedBefore = first.getCompletedTasks();

        CompletableFuture<Long> busy = pool.submit(() -> {
            latch.await();
            return ProcessHandle.current().pid();
        }, first);

        await().atMost(Duration.ofSeconds(10)).until(latch::entered);
        assertThat(first.getActiveTasks()).isEqualTo(1);
        assertThat(pool.getTotalActiveTasks()).isEqualTo(1);
        assertThat(pool.getAvailableWorkers()).isEqualTo(1);
        assertThat(pool.getLeastBusyWorker().getWorkerId()).isEqualTo(1);
        latch.open();
        assertThat(busy.join()).isEqualTo(first.getPid().orElseThrow());
        await().atMost(Duration.ofSeconds(5)).until(() -> first.getActiveTasks() == 0);
        assertThat(first.getCompletedTasks()).isEqualTo(completedBefore + 1);
    }

    @Test
    void workerContextDescribesTheChild() {
        WorkerState second = pool.getWorkers().get(1);

        String context = pool.submit(() -> WorkerContext.current().getPoolName() + "/"
                + WorkerContext.current().getWorkerId(), second).join();

        assertThat(context).isEqualTo("cpu/1");
    }

    @Test
    void printedOutputIsLogged() {
        WorkerState first = pool.getWorkers().get(0);
        long pid = first.getPid().orElseThrow();
        try (LogCapture logs = new LogCapture()) {
            int sum = pool.submit(() -> {
                int total = 0;
                for (int i = 0; i < 500; i++) {
                    System.out.println("progress line " + i);
                    total += i;
                }
                System.err.println("a warning on stderr");
                System.out.print("no newline at the end");
                System.out.flush();
                return total;
            }, first).join();

            assertThat(sum).isEqualTo(499 * 500 / 2);
            await().atMost(Duration.ofSeconds(5)).until(() -> !logs.linesContaining("a warning on stderr").isEmpty());
            assertThat(logs.linesContaining("INFO dev.netrun.pools.worker.cpu", "[worker 0 pid " + pid + "] progress line 499"))
                    .hasSize(1);
            assertThat(logs.linesContaining("[worker 0 pid " + pid + "] no newline at the end")).hasSize(1);
            assertThat(logs.linesContaining("WARN dev.netrun.pools.worker.cpu", "[worker 0 pid " + pid
                    + "] a warning on stderr")).hasSize(1);
        }
    }

    @Test
    void largeValuesTravelBothWays() {
        byte[] data = new byte[8 * 1024 * 1024];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31);
        }

        byte[] echoed = pool.submit(() -> data).join();

        assertThat(echoed).isEqualTo(data);
    }

    @Test
    void manyTasksAllComplete() {
        List<CompletableFuture<Integer>> futures = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            int value = i;
            futures.add(pool.submit(() -> value * 2));
        }

        for (int i = 0; i < futures.size(); i++) {
            assertThat(futures.get(i).join()).isEqualTo(i * 2);
        }
    }

    @Test
    void unserializableCaptureGetsClearMessage() {
        UncheckedIOException notSerializableField = new UncheckedIOException(new IOException("x"));
        Object holder = new Object();

        CompletableFuture<String> future = pool.submit(() -> holder.toString() + notSerializableField);

        assertThatThrownBy(future::join).cause().isInstanceOf(UnserializableValueException.class)
                .hasMessageContaining("java.lang.Object is not serializable");
    }

    @Test
    void blockingCallbackDoesNotStallItsWorker() {
        WorkerState first = pool.getWorkers().get(0);
        FileLatch latch = new FileLatch(temp, "callback");
        try (LogCapture logs = new LogCapture()) {
            CompletableFuture<String> outer = pool.submit(() -> {
                latch.await();
                return "outer";
            }, first);
            await().atMost(Duration.ofSeconds(10)).until(latch::entered);
            // Runs on the thread that reads worker 0's results, and waits for another result of worker 0.
            CompletableFuture<String> chained = outer.thenApply(value -> value + "+"
                    + pool.submit(() -> "inner", first).join());

            latch.open();

            assertThat(chained.join()).isEqualTo("outer+inner");
            assertThat(logs.linesContaining("WARN", "has blocked the reader of worker 0")).hasSize(1);
        }
    }
}
