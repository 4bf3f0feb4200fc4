package dev.netrun.pools;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The pool's shared queue and one inbox per worker. A worker takes from its inbox first and from
 * the shared queue otherwise, so pinned tasks wait only for their worker and no worker idles while
 * shared work waits.
 *
 * <p>All fields are guarded by {@code lock}. A worker that finds nothing to take parks on its own
 * condition and is recorded as idle. An offer wakes exactly the worker that should take the task:
 * the pinned one, or for a shared task the most recently idle one. So a task wakes at most one
 * thread. Once {@link #close() closed}, offers are rejected and takers drain what is left,
 * then receive {@code null}.
 */
final class TaskQueue {

    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<PoolTask<?>> shared = new ArrayDeque<>();
    private final List<ArrayDeque<PoolTask<?>>> inboxes = new ArrayList<>();
    private final List<Condition> wakeUps = new ArrayList<>();

    /** Workers parked in {@link #take}, most recently parked last. */
    private final int[] idle;
    private int idleCount;
    private final boolean[] parked;

    /** Workers that take no shared tasks for now, such as a process worker with no live child. */
    private final boolean[] sharedPaused;

    private boolean closed = true;

    TaskQueue(int workers) {
        for (int i = 0; i < workers; i++) {
            inboxes.add(new ArrayDeque<>());
            wakeUps.add(lock.newCondition());
        }
        idle = new int[workers];
        parked = new boolean[workers];
        sharedPaused = new boolean[workers];
    }

    /** Accepts offers again, after a restart. */
    void open() {
        lock.lock();
        try {
            closed = false;
        } finally {
            lock.unlock();
        }
    }

    /** Rejects further offers and wakes every parked worker so it can drain and leave. */
    void close() {
        lock.lock();
        try {
            closed = true;
            for (int i = 0; i < idleCount; i++) {
                parked[idle[i]] = false;
                wakeUps.get(idle[i]).signal();
            }
            idleCount = 0;
        } finally {
            lock.unlock();
        }
    }

    /** Queues a task; returns {@code false} if the queue is closed. */
    boolean offer(PoolTask<?> task) {
        lock.lock();
        try {
            if (closed) {
                return false;
            }
            WorkerState pinned = task.pinnedWorker();
            if (pinned != null) {
                inboxes.get(pinned.getWorkerId()).addLast(task);
                wake(pinned.getWorkerId());
            } else {
                shared.addLast(task);
                wakeOneIdle();
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Puts tasks that a worker held but never started back at the front, in their order. */
    void requeueFirst(List<PoolTask<?>> tasks) {
        lock.lock();
        try {
            for (int i = tasks.size() - 1; i >= 0; i--) {
                PoolTask<?> task = tasks.get(i);
                WorkerState pinned = task.pinnedWorker();
                if (pinned != null) {
                    inboxes.get(pinned.getWorkerId()).addFirst(task);
                    wake(pinned.getWorkerId());
                } else {
                    shared.addFirst(task);
                    wakeOneIdle();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes the next task for a worker, waiting as long as it takes. Interrupts are ignored while
     * waiting; {@link #close()} is how a waiting worker is released.
     *
     * @return the task, or {@code null} once the queue is closed and contains nothing for this worker
     */
    PoolTask<?> take(int worker) {
        lock.lock();
        try {
            while (true) {
                PoolTask<?> task = pollLocked(worker);
                if (task != null || closed) {
                    return task;
                }
                park(worker, -1);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes the next task for a worker, waiting at most {@code timeoutNanos}. An interrupt ends
     * the wait early and stays set on the thread.
     *
     * @return the task, or {@code null} if none came in time, the wait was interrupted, or the
     *     queue is closed and empty
     */
    PoolTask<?> take(int worker, long timeoutNanos) {
        long deadline = System.nanoTime() + timeoutNanos;
        lock.lock();
        try {
            while (true) {
                PoolTask<?> task = pollLocked(worker);
                long remaining = deadline - System.nanoTime();
                if (task != null || closed || remaining <= 0) {
                    return task;
                }
                if (!park(worker, remaining)) {
                    return pollLocked(worker);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Takes the next task for a worker without waiting, or returns {@code null}. */
    PoolTask<?> poll(int worker) {
        lock.lock();
        try {
            return pollLocked(worker);
        } finally {
            lock.unlock();
        }
    }

    /** Removes a task that is still queued; returns whether it was. */
    boolean remove(PoolTask<?> task) {
        lock.lock();
        try {
            WorkerState pinned = task.pinnedWorker();
            ArrayDeque<PoolTask<?>> queue = pinned == null ? shared : inboxes.get(pinned.getWorkerId());
            return queue.removeFirstOccurrence(task);
        } finally {
            lock.unlock();
        }
    }

    /** Removes and returns every task waiting in one worker's inbox. */
    List<PoolTask<?>> drainInbox(int worker) {
        lock.lock();
        try {
            List<PoolTask<?>> drained = new ArrayList<>(inboxes.get(worker));
            inboxes.get(worker).clear();
            return drained;
        } finally {
            lock.unlock();
        }
    }

    /** Removes and returns every waiting task: the shared queue and all inboxes. */
    List<PoolTask<?>> drainAll() {
        lock.lock();
        try {
            List<PoolTask<?>> drained = new ArrayList<>(shared);
            shared.clear();
            for (ArrayDeque<PoolTask<?>> inbox : inboxes) {
                drained.addAll(inbox);
                inbox.clear();
            }
            return drained;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops or resumes a worker's share of the shared queue. A paused worker still takes from its
     * inbox.
     */
    void setSharedPaused(int worker, boolean paused) {
        lock.lock();
        try {
            sharedPaused[worker] = paused;
            if (!paused && !shared.isEmpty()) {
                wake(worker);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns whether any task waits that a worker could take: in the shared queue, or in that
     * worker's inbox. A task that skips the queue while none waits overtakes nothing.
     */
    boolean hasWaiting(int worker) {
        lock.lock();
        try {
            return !shared.isEmpty() || !inboxes.get(worker).isEmpty();
        } finally {
            lock.unlock();
        }
    }

    /** Returns the number of tasks waiting in the shared queue and all inboxes. */
    int size() {
        lock.lock();
        try {
            int size = shared.size();
            for (ArrayDeque<PoolTask<?>> inbox : inboxes) {
                size += inbox.size();
            }
            return size;
        } finally {
            lock.unlock();
        }
    }

    private PoolTask<?> pollLocked(int worker) {
        PoolTask<?> task = inboxes.get(worker).pollFirst();
        if (task == null && !sharedPaused[worker]) {
            task = shared.pollFirst();
        }
        return task;
    }

    /**
     * Parks a worker until it is woken, or for at most {@code timeoutNanos} when that is not
     * negative. Returns {@code false} if a timed wait was interrupted.
     */
    private boolean park(int worker, long timeoutNanos) {
        parked[worker] = true;
        idle[idleCount++] = worker;
        try {
            if (timeoutNanos < 0) {
                wakeUps.get(worker).awaitUninterruptibly();
            } else {
                wakeUps.get(worker).await(timeoutNanos, TimeUnit.NANOSECONDS);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            if (parked[worker]) {
                forgetIdle(worker);
            }
        }
    }

    private void wakeOneIdle() {
        for (int i = idleCount - 1; i >= 0; i--) {
            int worker = idle[i];
            if (!sharedPaused[worker]) {
                forgetIdle(worker);
                wakeUps.get(worker).signal();
                return;
            }
        }
    }

    private void wake(int worker) {
        if (parked[worker]) {
            forgetIdle(worker);
            wakeUps.get(worker).signal();
        }
    }

    private void forgetIdle(int worker) {
        parked[worker] = false;
        for (int i = 0; i < idleCount; i++) {
            if (idle[i] == worker) {
                System.arraycopy(idle, i + 1, idle, i, idleCount - i - 1);
                idleCount--;
                return;
            }
        }
    }
}
