package dev.netrun.pools;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One real worker of a pool: a thread of a thread pool, or the slot of a process pool that one
 * child JVM fills at a time. The counts describe what that worker is really running.
 *
 * <pre>{@code
 * for (WorkerState worker : pool.getWorkers()) {
 *     System.out.println(worker.getWorkerId() + ": " + worker.getActiveTasks() + " running");
 * }
 * }</pre>
 *
 * <p>The pool raises the active count when a task starts on the worker and lowers it when the task
 * ends in any way: result, exception, timeout, cancellation or worker crash. In a thread pool the
 * active count covers the task's body only. In a process pool it covers every task sent to the child:
 * the running one, plus tasks already sent ahead to keep a busy child fed. None are sent ahead while
 * the worker's tasks take a quarter of a millisecond or more on average.
 *
 * <p>A process worker keeps its id and this object when its child JVM is replaced; {@link #getPid()}
 * then reports the new child and {@link #getReplacements()} goes up. All methods are thread safe.
 */
public final class WorkerState {

    private final String poolName;
    private final int workerId;
    private final PoolType type;
    private final AtomicInteger activeTasks = new AtomicInteger();
    private final AtomicLong completedTasks = new AtomicLong();
    private final AtomicInteger replacements = new AtomicInteger();
    private volatile long pid = -1;

    /** Nodes in the order they were initialized; guarded by its own monitor. */
    private final Set<String> initializedNodes = new LinkedHashSet<>();

    WorkerState(String poolName, int workerId, PoolType type) {
        this.poolName = poolName;
        this.workerId = workerId;
        this.type = type;
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
     * Returns the name of the pool this worker belongs to.
     *
     * @return the pool's name
     */
    public String getPoolName() {
        return poolName;
    }

    /**
     * Returns whether this is a thread or a process worker.
     *
     * @return the kind of worker
     */
    public PoolType getType() {
        return type;
    }

    /**
     * Returns the number of tasks this worker is running now.
     *
     * @return the active task count, never negative
     */
    public int getActiveTasks() {
        return activeTasks.get();
    }

    /**
     * Returns the number of tasks that ended on this worker since the pool was created, whatever
     * way they ended.
     *
     * @return the completed task count
     */
    public long getCompletedTasks() {
        return completedTasks.get();
    }

    /**
     * Counts one more task as running on this worker. The pool calls this when a task starts;
     * code that runs work on a worker by other means can call it too, paired with
     * {@link #releaseTask()}.
     *
     * @return the active count after the increment
     */
    public int acquireTask() {
        return activeTasks.incrementAndGet();
    }

    /**
     * Counts one running task as ended on this worker.
     *
     * @return the active count after the decrement
     * @throws IllegalStateException if no task is counted as running
     */
    public int releaseTask() {
        while (true) {
            int current = activeTasks.get();
            if (current == 0) {
                throw new IllegalStateException("Worker " + workerId + " of pool '" + poolName
                        + "' has no running task to release; call releaseTask() once per acquireTask()");
            }
            if (activeTasks.compareAndSet(current, current - 1)) {
                completedTasks.incrementAndGet();
                return current - 1;
            }
        }
    }

    /**
     * Records that this worker has run the start hook of a node.
     *
     * @param node the node's name
     * @return {@code true} if the node was not marked before
     */
    public boolean markNodeInitialized(String node) {
        Objects.requireNonNull(node, "node");
        synchronized (initializedNodes) {
            return initializedNodes.add(node);
        }
    }

    /**
     * Returns whether this worker has run the start hook of a node.
     *
     * @param node the node's name
     * @return {@code true} if the node is initialized on this worker
     */
    public boolean isNodeInitialized(String node) {
        synchronized (initializedNodes) {
            return initializedNodes.contains(node);
        }
    }

    /**
     * Returns a snapshot of the nodes this worker has initialized, in the order it initialized them.
     *
     * @return an unmodifiable copy
     */
    public Set<String> getInitializedNodes() {
        synchronized (initializedNodes) {
            return Collections.unmodifiableSet(new LinkedHashSet<>(initializedNodes));
        }
    }

    /**
     * Returns the process id of the child JVM that fills this worker now.
     *
     * @return the pid, or empty for a thread worker and for a process worker with no live child
     */
    public OptionalLong getPid() {
        long current = pid;
        return current < 0 ? OptionalLong.empty() : OptionalLong.of(current);
    }

    /**
     * Returns how many times this worker's child JVM was replaced after it died, timed out, was
     * cancelled, or reached its task limit. Always 0 for a thread worker.
     *
     * @return the replacement count
     */
    public int getReplacements() {
        return replacements.get();
    }

    void setPid(long pid) {
        this.pid = pid;
    }

    void countReplacement() {
        replacements.incrementAndGet();
    }

    void clearInitializedNodes() {
        synchronized (initializedNodes) {
            initializedNodes.clear();
        }
    }

    @Override
    public String toString() {
        String process = "";
        if (type == PoolType.PROCESS) {
            process = ", pid=" + (pid < 0 ? "none" : Long.toString(pid));
        }
        return "WorkerState[pool=" + poolName + ", worker=" + workerId + process + ", active=" + activeTasks.get()
                + ", completed=" + completedTasks.get() + "]";
    }
}
