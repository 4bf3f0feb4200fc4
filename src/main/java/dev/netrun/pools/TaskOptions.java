package dev.netrun.pools;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Per-task settings for {@link ManagedPool#submit(SerializableCallable, TaskOptions)}: the node the
 * task belongs to, its time limit, and the worker it is pinned to. Immutable.
 *
 * <pre>{@code
 * pool.submit(() -> score(batch), TaskOptions.forNode("score").withTimeout(Duration.ofSeconds(30)));
 * }</pre>
 */
public final class TaskOptions {

    private static final TaskOptions DEFAULTS = new TaskOptions(null, null, null);

    private final String node;
    private final Duration timeout;
    private final WorkerState worker;

    private TaskOptions(String node, Duration timeout, WorkerState worker) {
        this.node = node;
        this.timeout = timeout;
        this.worker = worker;
    }

    /**
     * Returns options with no node, the pool's default time limit, and no pinned worker.
     *
     * @return the default options
     */
    public static TaskOptions defaults() {
        return DEFAULTS;
    }

    /**
     * Returns default options for a task of a node.
     *
     * @param node the node's name
     * @return the options
     * @throws IllegalArgumentException if the name is blank
     */
    public static TaskOptions forNode(String node) {
        return DEFAULTS.withNode(node);
    }

    /**
     * Returns a copy for a task of a node. Before the task runs, the worker runs the node's start
     * hook if the node is registered and not yet initialized there.
     *
     * @param node the node's name
     * @return the new options
     * @throws IllegalArgumentException if the name is blank
     */
    public TaskOptions withNode(String node) {
        Objects.requireNonNull(node, "node");
        if (node.isBlank()) {
            throw new IllegalArgumentException("Node name must not be blank, got '" + node + "'");
        }
        return new TaskOptions(node, timeout, worker);
    }

    /**
     * Returns a copy with a time limit, counted from the moment the task starts on a worker. A
     * thread pool interrupts a task that runs longer; a process pool ends and replaces its worker
     * JVM. Either way the future fails with {@link TaskTimeoutException}.
     *
     * @param timeout a positive duration
     * @return the new options
     * @throws IllegalArgumentException if the duration is zero or negative
     */
    public TaskOptions withTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("Task timeout must be positive, got " + timeout);
        }
        return new TaskOptions(node, timeout, worker);
    }

    /**
     * Returns a copy pinned to one worker: the task waits in that worker's inbox and runs there
     * only.
     *
     * @param worker a worker of the pool the task is submitted to
     * @return the new options
     */
    public TaskOptions withWorker(WorkerState worker) {
        return new TaskOptions(node, timeout, Objects.requireNonNull(worker, "worker"));
    }

    /**
     * Returns the node the task belongs to.
     *
     * @return the node's name, or empty
     */
    public Optional<String> getNode() {
        return Optional.ofNullable(node);
    }

    /**
     * Returns the task's own time limit.
     *
     * @return the limit, or empty to use the pool's default
     */
    public Optional<Duration> getTimeout() {
        return Optional.ofNullable(timeout);
    }

    /**
     * Returns the worker the task is pinned to.
     *
     * @return the worker, or empty when any worker may run the task
     */
    public Optional<WorkerState> getWorker() {
        return Optional.ofNullable(worker);
    }

    @Override
    public String toString() {
        return "TaskOptions[node=" + (node == null ? "none" : node)
                + ", timeout=" + (timeout == null ? "default" : timeout)
                + ", worker=" + (worker == null ? "any" : Integer.toString(worker.getWorkerId())) + "]";
    }
}
