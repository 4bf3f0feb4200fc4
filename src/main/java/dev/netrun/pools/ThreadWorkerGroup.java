package dev.netrun.pools;

import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker threads of a thread pool: one thread named {@code netrun-<pool>-<id>} per worker,
 * created at each start, and a timer thread for task time limits, created when the first task with
 * a limit starts. Fields are written under the pool's lifecycle lock; {@code timer} is created under
 * this object's monitor.
 */
final class ThreadWorkerGroup extends WorkerGroup {

    private static final Logger log = LoggerFactory.getLogger(ThreadWorkerGroup.class);

    /** How long a forced stop waits for interrupted tasks to return before it gives up on them. */
    private static final long INTERRUPT_GRACE_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final NodeRegistry nodes;
    private Thread[] threads = new Thread[0];
    private ThreadWorker[] runners = new ThreadWorker[0];
    private ScheduledThreadPoolExecutor timer;

    ThreadWorkerGroup(ManagedPool pool, List<WorkerState> workers, TaskQueue queue, NodeRegistry nodes) {
        super(pool, workers, queue);
        this.nodes = nodes;
    }

    @Override
    void start() {
        threads = new Thread[workers.size()];
        runners = new ThreadWorker[workers.size()];
        for (WorkerState worker : workers) {
            int id = worker.getWorkerId();
            runners[id] = new ThreadWorker(pool, worker, queue, nodes, this);
            threads[id] = new Thread(runners[id], "netrun-" + pool.getName() + "-" + id);
        }
        for (Thread thread : threads) {
            thread.start();
        }
    }

    @Override
    boolean stop(long deadlineNanos) {
        boolean graceful = joinAll(deadlineNanos);
        boolean interrupted = Thread.interrupted();
        if (!graceful) {
            List<PoolTask<?>> dropped = queue.drainAll();
            for (PoolTask<?> task : dropped) {
                task.drop(task.droppedAtStop());
            }
            log.warn("Pool '{}' did not finish its tasks in its grace period; dropping queued tasks ({}) and interrupting running ones",
                    pool.getName(), dropped.size());
            for (Thread thread : threads) {
                thread.interrupt();
            }
            if (!joinAll(System.nanoTime() + INTERRUPT_GRACE_NANOS)) {
                log.error("Pool '{}' has worker threads that ignore interrupts; they keep running after stop",
                        pool.getName());
            }
        }
        if (interrupted || Thread.interrupted()) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            if (timer != null) {
                timer.shutdownNow();
                timer = null;
            }
        }
        return graceful;
    }

    /**
     * Waits for every worker thread to end, until the deadline. Returns {@code false} if one is
     * still alive, or if the wait was interrupted, in which case the interrupt stays set.
     */
    private boolean joinAll(long deadlineNanos) {
        for (Thread thread : threads) {
            try {
                if (deadlineNanos == Long.MAX_VALUE) {
                    thread.join();
                } else {
                    long remaining = deadlineNanos - System.nanoTime();
                    if (remaining > 0) {
                        TimeUnit.NANOSECONDS.timedJoin(thread, remaining);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            if (thread.isAlive()) {
                return false;
            }
        }
        return true;
    }

    @Override
    boolean isOwnThread(Thread thread) {
        for (Thread worker : threads) {
            if (worker == thread) {
                return true;
            }
        }
        return false;
    }

    @Override
    void cancelRunning(PoolTask<?> task) {
        if (task.isRunning()) {
            log.warn("Task {} of pool '{}' was cancelled while running; interrupting its worker thread", task.id(),
                    pool.getName());
            task.interruptIfRunning();
        }
    }

    /** Returns the timer for task time limits, creating it on first use. */
    synchronized ScheduledExecutorService timer() {
        if (timer == null) {
            timer = new ScheduledThreadPoolExecutor(1, runnable -> {
                Thread thread = new Thread(runnable, "netrun-" + pool.getName() + "-timer");
                thread.setDaemon(true);
                return thread;
            });
            timer.setRemoveOnCancelPolicy(true);
        }
        return timer;
    }
}
