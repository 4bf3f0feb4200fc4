package dev.netrun.pools;

import dev.netrun.pools.process.ValueCodec;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;

/**
 * One submitted task: what to run, its options, its future, and where it is in its life.
 *
 * <p>States: {@code QUEUED} (in the pool's queue or a worker's inbox) → {@code RUNNING} (a worker
 * thread started it, or it was sent to a worker JVM) → {@code ENDED}. {@code QUEUED} → {@code ENDED} when
 * it is cancelled or dropped at a forced stop; {@code RUNNING} → {@code QUEUED} when a worker JVM
 * that held it without starting it died. Ending happens exactly once per task, through
 * {@link #finish}, {@link #finishResolved} or {@link #drop}, and tells the pool, which counts the
 * tasks it still owes.
 *
 * <p>The state changes by compare-and-set. An interrupt for a running task passes through
 * {@code INTERRUPTING} to {@code INTERRUPTED}, both still running; ending waits while a task is
 * {@code INTERRUPTING}, so the interrupt has landed before the worker clears it, and can never
 * reach the worker's next task (the scheme {@link java.util.concurrent.FutureTask} uses).
 */
final class PoolTask<T> {

    private static final int QUEUED = 0;
    private static final int RUNNING = 1;
    private static final int INTERRUPTING = 2;
    private static final int INTERRUPTED = 3;
    private static final int ENDED = 4;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(PoolTask.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ManagedPool pool;
    private final long id;
    private final SerializableCallable<?> callable;
    private final boolean awaitStage;
    private final String node;
    private final Duration timeout;
    private final WorkerState pinnedWorker;
    private final TaskFuture<T> future;

    /** The serialized callable, for a process pool. */
    private ValueCodec.Encoded payload;
    private long payloadLength;

    private volatile int state = QUEUED;
    /** The thread running the task in a thread pool; written before the state becomes RUNNING. */
    private volatile Thread runner;
    private volatile ScheduledFuture<?> timeoutHandle;
    /** Whether the future was cancelled with {@code mayInterruptIfRunning}. */
    private volatile boolean cancelledWithInterrupt;

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

    /** Returns the node the task belongs to, or {@code null}. */
    String node() {
        return node;
    }

    /** Returns the time limit, or {@code null} for none. */
    Duration timeout() {
        return timeout;
    }

    /** Returns the worker the task is pinned to, or {@code null}. */
    WorkerState pinnedWorker() {
        return pinnedWorker;
    }

    TaskFuture<T> future() {
        return future;
    }

    ValueCodec.Encoded payload() {
        return payload;
    }

    long payloadLength() {
        return payloadLength;
    }

    void setPayload(ValueCodec.Encoded payload) {
        this.payload = payload;
        this.payloadLength = payload.length();
    }

    /**
     * Marks the task as started by {@code thread}, or by a worker JVM when {@code thread} is null.
     * Returns {@code false}, and ends the task, if its future is already done, which happens when it
     * was cancelled while a worker was taking it.
     */
    boolean start(Thread thread) {
        runner = thread;
        if (!future.isDone() && STATE.compareAndSet(this, QUEUED, RUNNING)) {
            return true;
        }
        drop(null);
        return false;
    }

    boolean isRunning() {
        int current = state;
        return current == RUNNING || current == INTERRUPTING || current == INTERRUPTED;
    }

    void setTimeoutHandle(ScheduledFuture<?> handle) {
        timeoutHandle = handle;
        if (state == ENDED || state == QUEUED) {
            handle.cancel(false);
        }
    }

    /** Interrupts the thread running this task, if it still runs this task. */
    void interruptIfRunning() {
        if (!STATE.compareAndSet(this, RUNNING, INTERRUPTING)) {
            return;
        }
        try {
            Thread thread = runner;
            if (thread != null) {
                thread.interrupt();
            }
        } finally {
            state = INTERRUPTED;
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
        if (state == ENDED) {
            return false;
        }
        if (!future.isDone() && STATE.compareAndSet(this, RUNNING, QUEUED)) {
            cancelTimeout();
            return true;
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

    /** Moves the task to ENDED once; waits out an interrupt in flight. Returns whether this call ended it. */
    private boolean markEnded() {
        while (true) {
            int current = state;
            if (current == ENDED) {
                return false;
            }
            if (current == INTERRUPTING) {
                Thread.onSpinWait();
                continue;
            }
            if (STATE.compareAndSet(this, current, ENDED)) {
                runner = null;
                cancelTimeout();
                return true;
            }
        }
    }

    private void cancelTimeout() {
        ScheduledFuture<?> handle = timeoutHandle;
        if (handle != null) {
            timeoutHandle = null;
            handle.cancel(false);
        }
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
        cancelledWithInterrupt = mayInterruptIfRunning;
        pool.cancel(this, mayInterruptIfRunning);
    }

    boolean isCancelledWithInterrupt() {
        return cancelledWithInterrupt;
    }

    /** Creates the failure of a task dropped because the pool stopped before it could run. */
    CancellationException droppedAtStop() {
        return new CancellationException("Task " + id + " of pool '" + poolName()
                + "' was dropped because the pool stopped before it could run");
    }

    @Override
    public String toString() {
        return "task " + id + (node == null ? "" : " of node '" + node + "'");
    }
}
