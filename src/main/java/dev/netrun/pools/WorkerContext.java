package dev.netrun.pools;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a running task or lifecycle hook can see of the worker it runs on: the pool's name, the
 * worker's id, and a per-worker attribute map where hooks keep resources for later tasks.
 *
 * <pre>{@code
 * NodeHook load = context -> context.attributes().put("model", Model.load());
 * pool.submit(() -> ((Model) WorkerContext.current().attributes().get("model")).predict(x),
 *         TaskOptions.forNode("predict"));
 * }</pre>
 *
 * <p>Inside a thread pool the context belongs to the worker thread, inside a process pool to the
 * child JVM; either way it lives until the pool stops, and a restarted pool starts with empty maps.
 * A replaced process worker also starts with an empty map. The attribute map is thread safe.
 */
public final class WorkerContext {

    private static final ThreadLocal<WorkerContext> CURRENT = new ThreadLocal<>();

    private final String poolName;
    private final int workerId;
    private final Map<String, Object> attributes = new ConcurrentHashMap<>();

    /**
     * Creates a context, for example to run a hook or task in a unit test with {@link #call}.
     *
     * @param poolName the pool's name
     * @param workerId the worker's id within its pool, from 0
     * @throws IllegalArgumentException if {@code workerId} is negative
     */
    public WorkerContext(String poolName, int workerId) {
        this.poolName = Objects.requireNonNull(poolName, "poolName");
        if (workerId < 0) {
            throw new IllegalArgumentException("Worker id must be at least 0, got " + workerId);
        }
        this.workerId = workerId;
    }

    /**
     * Returns the context of the worker that runs the calling code.
     *
     * @return the context of the calling task or hook
     * @throws IllegalStateException if the caller does not run on a pool worker
     */
    public static WorkerContext current() {
        WorkerContext context = CURRENT.get();
        if (context == null) {
            throw new IllegalStateException("No worker context on thread '" + Thread.currentThread().getName()
                    + "': WorkerContext.current() works only inside a task or hook that runs on a pool worker");
        }
        return context;
    }

    /**
     * Returns the name of the pool the worker belongs to.
     *
     * @return the pool's name
     */
    public String getPoolName() {
        return poolName;
    }

    /**
     * Returns the worker's id within its pool, from 0 to the pool size minus 1.
     *
     * @return the worker's id
     */
    public int getWorkerId() {
        return workerId;
    }

    /**
     * Returns the worker's attribute map, which is thread safe and lives as long as the worker.
     *
     * @return the live, mutable attribute map
     */
    public Map<String, Object> attributes() {
        return attributes;
    }

    /**
     * Runs an action with this context as {@link #current()} on the calling thread, and restores
     * the previous context afterwards.
     *
     * @param action the action to run
     * @param <T> the action's result type
     * @return what the action returned
     * @throws Exception what the action threw
     */
    public <T> T call(Callable<T> action) throws Exception {
        WorkerContext previous = CURRENT.get();
        CURRENT.set(this);
        try {
            return action.call();
        } finally {
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        }
    }

    /**
     * Runs a hook with this context as {@link #current()} on the calling thread.
     *
     * @param hook the hook to run
     * @throws Exception what the hook threw
     */
    public void run(NodeHook hook) throws Exception {
        call(() -> {
            hook.run(this);
            return null;
        });
    }

    @Override
    public String toString() {
        return "WorkerContext[pool=" + poolName + ", worker=" + workerId + "]";
    }
}
