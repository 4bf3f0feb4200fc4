package dev.netrun.pools;

import java.util.concurrent.CompletableFuture;

/**
 * The future of a submitted task. Cancelling it notifies the pool, which removes a queued task from its
 * queue and, with {@code mayInterruptIfRunning}, stops a running one. Stages derived from it are
 * plain {@link CompletableFuture}s, so cancelling those does not reach the task.
 */
final class TaskFuture<T> extends CompletableFuture<T> {

    private final PoolTask<T> task;

    TaskFuture(PoolTask<T> task) {
        this.task = task;
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        boolean cancelled = super.cancel(mayInterruptIfRunning);
        if (cancelled) {
            task.onCancelled(mayInterruptIfRunning);
        }
        return cancelled;
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return new CompletableFuture<>();
    }

    @Override
    public String toString() {
        return "Task " + task.id() + " of pool '" + task.poolName() + "' " + super.toString();
    }
}
