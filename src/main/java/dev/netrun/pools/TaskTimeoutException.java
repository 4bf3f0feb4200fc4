package dev.netrun.pools;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * A task ran longer than its time limit. A thread pool interrupted the task; a process pool ended
 * the worker JVM that ran it and started a replacement.
 */
public class TaskTimeoutException extends TimeoutException {

    private static final long serialVersionUID = 1L;

    /** The pool's name. */
    private final String poolName;
    /** The worker that ran the task. */
    private final int workerId;
    /** The time limit the task exceeded. */
    private final Duration timeout;

    /**
     * Creates the exception.
     *
     * @param poolName the pool's name
     * @param workerId the worker that ran the task
     * @param taskId the task's id within its pool
     * @param timeout the task's time limit
     * @param detail what the pool did about it, such as "its worker JVM (pid 4711) was killed"
     */
    public TaskTimeoutException(String poolName, int workerId, long taskId, Duration timeout, String detail) {
        super("Task " + taskId + " on worker " + workerId + " of pool '" + poolName + "' timed out after its limit of "
                + Durations.format(timeout) + "; " + detail);
        this.poolName = poolName;
        this.workerId = workerId;
        this.timeout = timeout;
    }

    /**
     * Returns the pool's name.
     *
     * @return the pool's name
     */
    public String getPoolName() {
        return poolName;
    }

    /**
     * Returns the worker that ran the task.
     *
     * @return the worker's id
     */
    public int getWorkerId() {
        return workerId;
    }

    /**
     * Returns the time limit the task exceeded.
     *
     * @return the limit
     */
    public Duration getTimeout() {
        return timeout;
    }
}
