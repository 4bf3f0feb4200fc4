package dev.netrun.pools;

import java.time.Duration;
import java.util.List;

/**
 * The workers of one pool and how they run tasks: threads of this JVM or child JVMs. The pool owns
 * the lifecycle and the queue; a group starts its workers, lets them take from the queue, and stops
 * them. {@link ManagedPool} serializes calls to {@link #start} and {@link #stop}.
 */
abstract class WorkerGroup {

    final ManagedPool pool;
    final List<WorkerState> workers;
    final TaskQueue queue;

    WorkerGroup(ManagedPool pool, List<WorkerState> workers, TaskQueue queue) {
        this.pool = pool;
        this.workers = workers;
        this.queue = queue;
    }

    /**
     * Starts every worker and returns once all can take tasks. On failure nothing is left running.
     *
     * @throws WorkerStartException if a worker cannot start
     */
    abstract void start();

    /**
     * Lets the workers finish every queued and running task, runs the per-worker stop hooks, and
     * ends the workers. The queue is already closed. If the deadline passes first, waiting tasks are
     * dropped and running ones are interrupted or their worker JVMs killed.
     *
     * @param deadlineNanos the {@link System#nanoTime()} to give up waiting at, or
     *     {@link Long#MAX_VALUE} to wait as long as it takes
     * @return {@code true} if everything ended before the deadline
     */
    abstract boolean stop(long deadlineNanos);

    /**
     * Prepares a task before it is queued, in the submitting thread. An exception thrown here fails
     * the task's future and nothing else.
     *
     * @throws UnserializableValueException if a process pool cannot serialize the task
     */
    void prepare(PoolTask<?> task) {
    }

    /**
     * Hands a prepared task straight to an idle worker, in the submitting thread, instead of
     * queueing it. Returns whether the task was taken.
     */
    boolean tryDeliver(PoolTask<?> task) {
        return false;
    }

    /** Runs after a task was queued, in the submitting thread. */
    void afterOffer(PoolTask<?> task) {
    }

    /** Stops a task that a worker is running, for {@code cancel(true)}. */
    abstract void cancelRunning(PoolTask<?> task);

    /** Checks that this kind of pool can run a node's hooks, before the node is registered. */
    void validate(NodeLifecycle lifecycle) {
    }

    /** Returns the time limit of tasks that set none, or {@code null} for none. */
    Duration defaultTaskTimeout() {
        return null;
    }

    /** Returns whether {@code thread} is one of this group's threads, which must not wait for the pool to stop. */
    abstract boolean isOwnThread(Thread thread);

    /** Returns whether a worker can take tasks now; a process worker whose JVM is down cannot. */
    boolean isLive(WorkerState worker) {
        return true;
    }
}
