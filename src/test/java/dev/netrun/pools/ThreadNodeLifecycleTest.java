package dev.netrun.pools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ThreadNodeLifecycleTest {

    /** Hook calls recorded as "hook@thread". */
    private final Queue<String> calls = new ConcurrentLinkedQueue<>();
    private final List<ManagedPool> pools = new ArrayList<>();

    private ManagedPool started(String name, int size) {
        ManagedPool pool = new ManagedPool(PoolConfig.thread(name, size));
        pools.add(pool);
        pool.start();
        return pool;
    }

    @AfterEach
    void stopPools() {
        pools.forEach(pool -> pool.stop(Duration.ofSeconds(5)));
    }

    private NodeHook record(String hook) {
        return context -> calls.add(hook + "@" + Thread.currentThread().getName());
    }

    private void runOnEveryWorker(ManagedPool pool, String node) {
        List<CompletableFuture<?>> futures = new ArrayList<>();
        for (WorkerState worker : pool.getWorkers()) {
            for (int i = 0; i < 3; i++) {
                futures.add(pool.submit(() -> Thread.currentThread().getName(),
                        TaskOptions.forNode(node).withWorker(worker)));
            }
        }
        futures.forEach(CompletableFuture::join);
    }

    @Test
    void perWorkerHooksRunOnOwnThread() {
        ManagedPool pool = started("hooks", 2);
        pool.registerNode(NodeLifecycle.perWorker("model").withStartHook(record("start")).withStopHook(record("stop")));

        runOnEveryWorker(pool, "model");

        assertThat(calls).containsExactlyInAnyOrder("start@netrun-hooks-0", "start@netrun-hooks-1");
        assertThat(pool.getWorkers()).allSatisfy(worker -> assertThat(worker.isNodeInitialized("model")).isTrue());
        calls.clear();
        pool.stop();
        assertThat(calls).containsExactlyInAnyOrder("stop@netrun-hooks-0", "stop@netrun-hooks-1");
    }

    @Test
    void startHookRunsOnlyWhereNodeRan() {
        ManagedPool pool = started("hooks", 3);
        pool.registerNode(NodeLifecycle.perWorker("model").withStartHook(record("start")).withStopHook(record("stop")));

        pool.submit(() -> 1, TaskOptions.forNode("model").withWorker(pool.getWorkers().get(2))).join();
        pool.stop();

        assertThat(calls).containsExactly("start@netrun-hooks-2", "stop@netrun-hooks-2");
    }

    @Test
    void globalHooksRunOncePerPool() {
        ManagedPool pool = started("global", 3);
        String caller = Thread.currentThread().getName();
        pool.registerNode(NodeLifecycle.global("index").withStartHook(record("start")).withStopHook(record("stop")));

        runOnEveryWorker(pool, "index");

        assertThat(calls).hasSize(1).allMatch(call -> call.matches("start@netrun-global-\\d"));
        assertThat(pool.isNodeGloballyInitialized("index")).isTrue();
        assertThat(pool.getWorkers()).allSatisfy(worker -> assertThat(worker.isNodeInitialized("index")).isFalse());
        calls.clear();
        pool.stop();
        assertThat(calls).containsExactly("stop@" + caller);
    }

    @Test
    void globalStartHookPrecedesNodeTasks() {
        ManagedPool pool = started("global", 4);
        AtomicInteger started = new AtomicInteger();
        pool.registerNode(NodeLifecycle.global("index").withStartHook(context -> {
            Thread.sleep(50);
            started.incrementAndGet();
        }));

        List<CompletableFuture<Integer>> seen = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            seen.add(pool.submit(started::get, TaskOptions.forNode("index")));
        }

        assertThat(seen).allSatisfy(future -> assertThat(future.join()).isEqualTo(1));
    }

    @Test
    void restartedPoolRunsStartHooksAgain() {
        ManagedPool pool = started("restart", 1);
        pool.registerNode(NodeLifecycle.perWorker("a").withStartHook(record("a")));
        pool.registerNode(NodeLifecycle.global("b").withStartHook(record("b")));
        pool.submit(() -> 1, TaskOptions.forNode("a")).join();
        pool.submit(() -> 1, TaskOptions.forNode("b")).join();
        pool.stop();

        pool.start();
        pool.submit(() -> 1, TaskOptions.forNode("a")).join();
        pool.submit(() -> 1, TaskOptions.forNode("b")).join();

        assertThat(calls).containsExactly("a@netrun-restart-0", "b@netrun-restart-0", "a@netrun-restart-0",
                "b@netrun-restart-0");
    }

    @Test
    void failingStartHookRetriesNextTask() {
        ManagedPool pool = started("flaky", 1);
        AtomicInteger attempts = new AtomicInteger();
        pool.registerNode(NodeLifecycle.perWorker("db").withStartHook(context -> {
            if (attempts.incrementAndGet() == 1) {
                throw new IllegalStateException("database is down");
            }
        }));

        CompletableFuture<String> first = pool.submit(() -> "first", TaskOptions.forNode("db"));

        assertThatThrownBy(first::join).cause().isInstanceOf(NodeStartException.class)
                .hasMessageContaining("Start hook of node 'db' failed on worker 0 of pool 'flaky'")
                .hasMessageContaining("database is down")
                .cause().isInstanceOf(IllegalStateException.class);
        assertThat(pool.getWorkers().get(0).isNodeInitialized("db")).isFalse();
        assertThat(pool.submit(() -> "second", TaskOptions.forNode("db")).join()).isEqualTo("second");
        assertThat(attempts).hasValue(2);
    }

    @Test
    void failingStopHookSparesOthers() {
        ManagedPool pool = started("stops", 1);
        pool.registerNode(NodeLifecycle.perWorker("a").withStopHook(record("stop-a")));
        pool.registerNode(NodeLifecycle.perWorker("b").withStopHook(context -> {
            throw new IllegalStateException("cannot close");
        }));
        pool.submit(() -> 1, TaskOptions.forNode("a")).join();
        pool.submit(() -> 1, TaskOptions.forNode("b")).join();

        pool.stop();

        assertThat(calls).containsExactly("stop-a@netrun-stops-0");
    }

    @Test
    void stopHooksRunNewestNodeFirst() {
        ManagedPool pool = started("order", 1);
        pool.registerNode(NodeLifecycle.perWorker("first").withStopHook(record("first")));
        pool.registerNode(NodeLifecycle.perWorker("second").withStopHook(record("second")));
        pool.submit(() -> 1, TaskOptions.forNode("first")).join();
        pool.submit(() -> 1, TaskOptions.forNode("second")).join();

        pool.stop();

        assertThat(calls).containsExactly("second@netrun-order-0", "first@netrun-order-0");
    }

    @Test
    void hooksSeeTheWorkerContext() {
        ManagedPool pool = started("context", 1);
        pool.registerNode(NodeLifecycle.perWorker("model").withStartHook(
                context -> context.attributes().put("model", "loaded on " + context.getWorkerId())));

        Object model = pool.submit(() -> WorkerContext.current().attributes().get("model"), TaskOptions.forNode("model"))
                .join();

        assertThat(model).isEqualTo("loaded on 0");
    }

    @Test
    void nodeRegisteredTwiceIsRejected() {
        ManagedPool pool = started("twice", 1);
        pool.registerNode(NodeLifecycle.perWorker("model"));

        assertThatThrownBy(() -> pool.registerNode(NodeLifecycle.global("model")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Node 'model' is already registered on pool 'twice'");
    }

    @Test
    void nodeRegisteredLateStartsOnNextTask() {
        ManagedPool pool = started("late", 1);
        pool.submit(() -> 1, TaskOptions.forNode("late-node")).join();
        assertThat(pool.getWorkers().get(0).getInitializedNodes()).isEmpty();

        pool.registerNode(NodeLifecycle.perWorker("late-node").withStartHook(record("start")));
        pool.submit(() -> 1, TaskOptions.forNode("late-node")).join();

        assertThat(calls).containsExactly("start@netrun-late-0");
        assertThat(pool.getWorkers().get(0).getInitializedNodes()).containsExactly("late-node");
    }

    @Test
    void markedGlobalNodeSkipsItsStartHook() {
        ManagedPool pool = started("marked", 1);
        pool.registerNode(NodeLifecycle.global("index").withStartHook(record("start")));

        assertThat(pool.markNodeGloballyInitialized("index")).isTrue();
        assertThat(pool.markNodeGloballyInitialized("index")).isFalse();
        pool.submit(() -> 1, TaskOptions.forNode("index")).join();

        assertThat(calls).isEmpty();
        assertThat(pool.isNodeGloballyInitialized("index")).isTrue();
        assertThat(pool.isNodeGloballyInitialized("other")).isFalse();
    }
}
