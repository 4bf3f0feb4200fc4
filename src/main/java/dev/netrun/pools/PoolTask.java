package dev.netrun.pools;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;

/**
 * One submitted task: what to run, its options, its future, and where it is in its life.
 *
 * <p>States: {@code QUEUED} (in the pool's queue or a worker's inbox) → {@code RUNNING} (a worker
 * thread started it, or a worker JVM holds it) → {@code ENDED}. {@code QUEUED} → {@code ENDED} when
 * it is cancelled or dropped at a forced stop; {@code RUNNING} → {@code QUEUED} when a worker JVM
 * that held it without starting it died. Ending happens exactly once per task, through
 * {@link #finish}, {@link #finishResolved} or {@link #drop}, and tells the pool, which counts the
 * tasks it still owes. The state and the running thread are guarded by this object's monitor, so
 * that an interrupt for this task can never reach the worker's next task.
 */
final class PoolTask<T> {

    private static final int QUEUED = 0;
    private static final int RUNNING = 1;
    private static final int ENDED = 2;

    private final ManagedPool pool;
    private final long id;
    private final SerializableCallable<?> callable;
    private final boolean awaitStage;
    private final String node;
    private final Duration timeout;
    private final WorkerState pinnedWorker;
    private final TaskFuture<T> future;

    /** The serialized callable, for a process pool; written once before the task is queued. */
    private byte[] payload;

    private int state = QUEUED;
    private Thread runner;
    private ScheduledFuture<?> timeoutHandle;

    PoolTask(ManagedPool pool, long id, SerializableCallable<?> callable, boolean awaitStage, String node,
            Duration timeout, WorkerState pinnedWorker) {
        this.pool = pool;
        this.id = id;
        this.callable = callable;
        this.awaitStage = awaitStage;
        this.node = node;
        this.timeout = timeout;
        this.pinnedWorker = pinnedWorker;
        this.future = new TaskFuture<>(this);
    }

    long id() {
        return id;
    }

    String poolName() {
        return pool.getName();
    }

    SerializableCallable<?> callable() {
        return callable;
    }

    boolean awaitsStage() {
        return awaitStage;
    }

    /** The node the task belongs to, or {@code null}. */
    String node() {
        return node;
    }

    /** The time limit, or {@code null} for none. */
    Duration timeout() {
        return timeout;
    }

    /** The worker the task is pinned to, or {@code null}. */
    WorkerState pinnedWorker() {
        return pinnedWorker;
    }

    TaskFuture<T> future() {
        return future;
    }

    byte[] payload() {
        return payload;
    }

    void setPayload(byte[] payload) {
        this.payload = payload;
    }

    /**
     * Marks the task as started by {@code thread}, or by a worker JVM when {@code thread} is null.
     * Returns {@code false}, and ends the task, if its future is already done, which happens when it
     * was cancelled while a worker was taking it.
     */
    boolean start(Thread thread) {
        synchronized (this) {
            if (state == QUEUED && !future.isDone()) {
                state = RUNNING;
                runner = thread;
                return true;
            }
        }
        drop(null);
        return false;
    }

    synchronized boolean isRunning() {
        return state == RUNNING;
    }

    synchronized void setTimeoutHandle(ScheduledFuture<?> handle) {
        if (state == ENDED) {
            handle.cancel(false);
        } else {
            timeoutHandle = handle;
        }
    }

    /** Interrupts the thread running this task, if it still runs this task. */
    synchronized void interruptIfRunning() {
        if (state == RUNNING && runner != null) {
            runner.interrupt();
        }
    }

    /**
     * Ends a task that ran, and completes its future with the value the callable returned or with
     * its failure. Returns {@code false} and does nothing if the task had already ended.
     */
    boolean finish(Object value, Throwable failure) {
        if (!markEnded()) {
            return false;
        }
        if (failure != null) {
            future.completeExceptionally(failure);
        } else {
            completeWith(value);
        }
        pool.taskEnded();
        return true;
    }

    /**
     * Ends a task that ran in a worker JVM, whose result is final: a value from
     * {@code submitStage} was already awaited there.
     */
    boolean finishResolved(Object value, Throwable failure) {
        if (!markEnded()) {
            return false;
        }
        if (failure != null) {
            future.completeExceptionally(failure);
        } else {
            @SuppressWarnings("unchecked")
            T result = (T) value;
            future.complete(result);
        }
        pool.taskEnded();
        return true;
    }

    /**
     * Returns a task that a worker JVM held but never started to the queued state, so it can be
     * queued again. Returns {@code false} if the task must not be queued again: it already ended,
     * or its future is done (it was cancelled), in which case this ends it.
     */
    boolean returnToQueue() {
        synchronized (this) {
            if (state == ENDED) {
                return false;
            }
            if (!future.isDone()) {
                state = QUEUED;
                runner = null;
                if (timeoutHandle != null) {
                    timeoutHandle.cancel(false);
                    timeoutHandle = null;
                }
                return true;
            }
        }
        drop(null);
        return false;
    }

    /**
     * Ends a task that will not run, failing its future with {@code reason} unless that is null.
     * Returns {@code false} and does nothing if the task had already ended.
     */
    boolean drop(Throwable reason) {
        if (!markEnded()) {
            return false;
        }
        if (reason != null) {
            future.completeExceptionally(reason);
        }
        pool.taskEnded();
        return true;
    }

    private synchronized boolean markEnded() {
        if (state == ENDED) {
            return false;
        }
        state = ENDED;
        runner = null;
        if (timeoutHandle != null) {
            timeoutHandle.cancel(false);
            timeoutHandle = null;
        }
        return true;
    }

    /**
     * Completes the future with what the callable returned: the value itself, or for a task
     * submitted with {@code submitStage} the value of the returned stage once it completes.
     */
    @SuppressWarnings("unchecked")
    private void completeWith(Object value) {
        if (!awaitStage) {
            future.complete((T) value);
            return;
        }
        if (value == null) {
            future.completeExceptionally(new NullPointerException(
                    "Task " + id + " of pool '" + poolName() + "' was submitted with submitStage but returned null"));
            return;
        }
        ((CompletionStage<T>) value).whenComplete((result, failure) -> {
            if (failure == null) {
                future.complete(result);
            } else {
                future.completeExceptionally(Futures.unwrap(failure));
            }
        });
    }

    /** Called by the future after a successful {@code cancel}. */
    void onCancelled(boolean mayInterruptIfRunning) {
        pool.cancel(this, mayInterruptIfRunning);
    }

    /** The failure of a task dropped because the pool stopped before it could run. */
    CancellationException droppedAtStop() {
        return new CancellationException("Task " + id + " of pool '" + poolName()
                + "' was dropped because the pool stopped before it could run");
    }

    @Override
    public String toString() {
        return "task " + id + (node == null ? "" : " of node '" + node + "'");
    }
}
