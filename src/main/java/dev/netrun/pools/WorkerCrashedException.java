package dev.netrun.pools;

import java.util.List;
import java.util.OptionalInt;

/**
 * The worker JVM that ran a task died before the task ended: it was killed, called
 * {@code System.exit}, ran out of memory or stack, or the JVM itself crashed. The message names the
 * pool, the worker, the pid, the exit status (and the signal, where there was one) and the last
 * lines the JVM wrote to its standard error. The pool has already started a replacement.
 */
public class WorkerCrashedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The pool's name. */
    private final String poolName;
    /** The worker whose JVM died. */
    private final int workerId;
    /** The process id of the JVM that died. */
    private final long pid;
    /** The exit status as the parent saw it, or -1 if it could not be read. */
    private final int exitStatus;
    /** The number of the signal that ended the JVM, or 0 for none. */
    private final int signal;
    /** The last lines of the JVM's standard error, oldest first. */
    private final String[] stderrTail;

    /**
     * Creates the exception.
     *
     * @param message the full message
     * @param poolName the pool's name
     * @param workerId the worker whose JVM died
     * @param pid the process id of the JVM that died
     * @param exitStatus the exit status as the parent saw it, or -1 if it could not be read
     * @param signal the number of the signal that ended the JVM, or 0 for none
     * @param stderrTail the last lines of the JVM's standard error, oldest first
     */
    public WorkerCrashedException(String message, String poolName, int workerId, long pid, int exitStatus, int signal,
            List<String> stderrTail) {
        super(message);
        this.poolName = poolName;
        this.workerId = workerId;
        this.pid = pid;
        this.exitStatus = exitStatus;
        this.signal = signal;
        this.stderrTail = stderrTail.toArray(new String[0]);
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
     * Returns the worker whose JVM died.
     *
     * @return the worker's id
     */
    public int getWorkerId() {
        return workerId;
    }

    /**
     * Returns the process id of the JVM that died.
     *
     * @return the pid
     */
    public long getPid() {
        return pid;
    }

    /**
     * Returns the exit status as the parent saw it; a JVM ended by signal {@code n} reports
     * {@code 128 + n}.
     *
     * @return the exit status, or -1 if it could not be read
     */
    public int getExitStatus() {
        return exitStatus;
    }

    /**
     * Returns the signal that ended the JVM.
     *
     * @return the signal number, or empty if the JVM exited by itself
     */
    public OptionalInt getSignal() {
        return signal == 0 ? OptionalInt.empty() : OptionalInt.of(signal);
    }

    /**
     * Returns the last lines the JVM wrote to its standard error.
     *
     * @return the lines, oldest first
     */
    public List<String> getStderrTail() {
        return List.of(stderrTail);
    }
}
