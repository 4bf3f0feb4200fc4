package dev.netrun.pools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessNodeLifecycleTest {

    @TempDir
    Path temp;

    private ManagedPool pool;

    private ManagedPool started(String name, int size) {
        pool = new ManagedPool(PoolConfig.process(name, size));
        pool.start();
        return pool;
    }

    @AfterEach
    void stopPool() {
        if (pool != null) {
            pool.stop(Duration.ofSeconds(10));
        }
    }

    /** A hook that writes a file named after the hook and the worker JVM's pid. */
    private NodeHook marker(String hook) {
        String directory = temp.toString();
        return context -> Files.writeString(Paths.get(directory, hook + "-" + ProcessHandle.current().pid()),
                context.getPoolName() + "/" + context.getWorkerId());
    }

    @Test
    void perWorkerHooksRunInsideEachChild() throws IOException {
        started("hooks", 2);
        pool.registerNode(NodeLifecycle.perWorker("model")
                .withStartHook(context -> context.attributes().put("model", "loaded in " + ProcessHandle.current().pid()))
                .withStopHook(marker("stop")));
        WorkerState first = pool.getWorkers().get(0);
        long pid = first.getPid().orElseThrow();

        Object model = pool.submit(() -> WorkerContext.current().attributes().get("model"),
                TaskOptions.forNode("model").withWorker(first)).join();
        Object modelAgain = pool.submit(() -> WorkerContext.current().attributes().get("model"),
                TaskOptions.forNode("model").withWorker(first)).join();

        assertThat(model).isEqualTo("loaded in " + pid);
        assertThat(modelAgain).isEqualTo(model);
        assertThat(first.isNodeInitialized("model")).isTrue();
        assertThat(first.getInitializedNodes()).containsExactly("model");
        assertThat(pool.getWorkers().get(1).isNodeInitialized("model")).isFalse();

        pool.stop();

        assertThat(Files.readString(temp.resolve("stop-" + pid))).isEqualTo("hooks/0");
        try (var files = Files.list(temp)) {
            assertThat(files.map(path -> path.getFileName().toString())).containsExactly("stop-" + pid);
        }
    }

    @Test
    void startHookRunsOncePerChild() {
        started("once", 1);
        pool.registerNode(NodeLifecycle.perWorker("counter")
                .withStartHook(context -> context.attributes().merge("starts", 1, (a, b) -> (Integer) a + (Integer) b)));

        for (int i = 0; i < 5; i++) {
            pool.submit(() -> 1, TaskOptions.forNode("counter")).join();
        }

        assertThat(pool.submit(() -> WorkerContext.current().attributes().get("starts")).join()).isEqualTo(1);
    }

    @Test
    void globalNodeIsRejectedByProcessPool() {
        started("cpu", 1);

        assertThatThrownBy(() -> pool.registerNode(NodeLifecycle.global("index")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Node 'index'")
                .hasMessageContaining("process pool 'cpu' does not support")
                .hasMessageContaining("PoolInitMode.PER_WORKER");
        assertThat(pool.submit(() -> "ok").join()).isEqualTo("ok");
    }

    @Test
    void unserializableHookIsRejectedWhenRegistered() {
        started("cpu", 1);
        Socket socket = new Socket();

        assertThatThrownBy(() -> pool.registerNode(NodeLifecycle.perWorker("db")
                .withStartHook(context -> context.attributes().put("socket", socket))))
                .isInstanceOf(UnserializableValueException.class)
                .hasMessageContaining("start hook of node 'db' for pool 'cpu'")
                .hasMessageContaining("java.net.Socket is not serializable");
        assertThat(pool.submit(() -> "ok").join()).isEqualTo("ok");
    }

    @Test
    void failingStartHookReplacesChild() {
        started("flaky", 1);
        String flag = temp.resolve("failed-once").toString();
        pool.registerNode(NodeLifecycle.perWorker("db").withStartHook(context -> {
            if (!Files.exists(Paths.get(flag))) {
                Files.writeString(Paths.get(flag), "x");
                throw new IllegalStateException("database is down");
            }
        }));
        WorkerState worker = pool.getWorkers().get(0);
        long pidBefore = worker.getPid().orElseThrow();

        CompletableFuture<String> first = pool.submit(() -> "first", TaskOptions.forNode("db"));

        assertThatThrownBy(first::join).cause().isInstanceOf(NodeStartException.class)
                .hasMessageContaining("Start hook of node 'db' failed on worker 0 of pool 'flaky'")
                .hasMessageContaining("database is down")
                .cause().isInstanceOf(IllegalStateException.class);
        assertThat(pool.submit(() -> "second", TaskOptions.forNode("db")).join()).isEqualTo("second");
        await().atMost(Duration.ofSeconds(10)).until(() -> worker.getPid().isPresent());
        assertThat(worker.getPid().getAsLong()).isNotEqualTo(pidBefore);
        assertThat(worker.getReplacements()).isEqualTo(1);
        assertThat(worker.isNodeInitialized("db")).isTrue();
    }

    @Test
    void nodeRegisteredLateStartsOnNextTask() {
        started("late", 1);
        WorkerState worker = pool.getWorkers().get(0);
        pool.submit(() -> 1, TaskOptions.forNode("late-node")).join();
        assertThat(worker.getInitializedNodes()).isEmpty();

        pool.registerNode(NodeLifecycle.perWorker("late-node")
                .withStartHook(context -> context.attributes().put("late", "started")));
        Object seen = pool.submit(() -> WorkerContext.current().attributes().get("late"),
                TaskOptions.forNode("late-node")).join();

        assertThat(seen).isEqualTo("started");
        assertThat(worker.getInitializedNodes()).containsExactly("late-node");
    }
}
