package dev.netrun.runner;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives a {@link Net} from one daemon thread named {@value #THREAD_NAME}: it runs steps while they
 * do work and sleeps while the net is blocked, without spinning.
 *
 * <pre>{@code
 * BackgroundNetRunner runner = new BackgroundNetRunner(net);
 * runner.start();
 * runner.waitUntilBlocked(Duration.ofSeconds(5)); // the net has nothing left to do
 * runner.stop();
 * }</pre>
 *
 * <h2>Lifecycle</h2>
 * <ul>
 *   <li>{@code IDLE} → {@code RUNNING} by {@link #start()}, which starts the thread.
 *   <li>While {@code RUNNING} the thread calls {@code runStep(true)}. A step that does work clears
 *       the blocked state; a step that does none sets it ({@link #poll()} turns true and
 *       {@link #waitUntilBlocked} returns) and the thread sleeps until {@link #wakeUp()} or the
 *       net's new-work listener is called, or a back-off elapses. The back-off grows from
 *       {@value #MIN_BACKOFF_MILLIS} ms to {@value #MAX_BACKOFF_MILLIS} ms for nets without a
 *       listener, and is {@value #SIGNALLED_BACKOFF_MILLIS} ms for nets with one.
 *   <li>{@code RUNNING} → {@code IDLE} when {@link #stop()} or {@link #pause()} is called, when the
 *       net's state is {@code PAUSED} or {@code STOPPED}, or when a step throws. The thread ends
 *       and the runner counts as blocked. A thrown exception is logged and kept for
 *       {@link #getException()}.
 *   <li>{@code IDLE} → {@code RUNNING} again by {@link #start()}, which clears the kept exception.
 * </ul>
 *
 * <p>All methods are thread safe. {@code thread} and {@code exception} are guarded by {@code lock};
 * {@code blocked} and {@code stopRequested} are written under it and read without it.
 */
public final class BackgroundNetRunner {

    /** The name of the runner's thread. */
    public static final String THREAD_NAME = "netrun-background";

    static final long MIN_BACKOFF_MILLIS = 1;
    static final long MAX_BACKOFF_MILLIS = 50;
    static final long SIGNALLED_BACKOFF_MILLIS = 1_000;

    private static final Logger log = LoggerFactory.getLogger(BackgroundNetRunner.class);

    private final Net net;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition blockedChanged = lock.newCondition();
    private final AtomicBoolean wakeRequested = new AtomicBoolean();

    private Thread thread;
    private Throwable exception;
    private volatile boolean stopRequested;
    private volatile boolean blocked;

    /**
     * Creates a runner for a net; nothing runs until {@link #start()}.
     *
     * @param net the net to drive
     */
    public BackgroundNetRunner(Net net) {
        this.net = Objects.requireNonNull(net, "net");
    }

    /**
     * Starts the runner's thread.
     *
     * @throws IllegalStateException if the runner is already running
     */
    public void start() {
        lock.lock();
        try {
            if (thread != null && thread.isAlive()) {
                throw new IllegalStateException("Runner thread '" + THREAD_NAME
                        + "' is already running; call stop() before starting it again");
            }
            exception = null;
            stopRequested = false;
            blocked = false;
            wakeRequested.set(false);
            thread = new Thread(this::runLoop, THREAD_NAME);
            thread.setDaemon(true);
            thread.start();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until the net is blocked (a step did no work) or the runner has ended.
     *
     * @param timeout how long to wait at most
     * @return {@code true} if the runner is blocked, {@code false} if the time ran out first
     * @throws InterruptedException if the waiting thread is interrupted
     */
    public boolean waitUntilBlocked(Duration timeout) throws InterruptedException {
        long remaining = Objects.requireNonNull(timeout, "timeout").toNanos();
        lock.lock();
        try {
            while (!blocked) {
                if (remaining <= 0) {
                    return false;
                }
                remaining = blockedChanged.awaitNanos(remaining);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns whether the net is blocked: its last step did no work, or the runner has ended.
     * Cleared as soon as a step does work again.
     *
     * @return {@code true} if blocked
     */
    public boolean poll() {
        return blocked;
    }

    /**
     * Pauses the net and waits for the runner's thread to end. Blocks until the current step
     * returns; an interrupt stops the wait and stays set, and the thread still ends after its step.
     */
    public void pause() {
        net.pause();
        endLoop();
    }

    /**
     * Stops the runner's thread and waits for it to end; the net itself is left as it is. Blocks
     * until the current step returns; an interrupt stops the wait and stays set, and the thread
     * still ends after its step.
     */
    public void stop() {
        lock.lock();
        try {
            stopRequested = true;
        } finally {
            lock.unlock();
        }
        endLoop();
    }

    private void endLoop() {
        Thread current;
        lock.lock();
        try {
            current = thread;
        } finally {
            lock.unlock();
        }
        if (current == null || current == Thread.currentThread()) {
            return;
        }
        wakeUp();
        try {
            current.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Returns the exception that the last step threw, which ended the loop.
     *
     * @return the exception, or empty if no step failed since the last start
     */
    public Optional<Throwable> getException() {
        lock.lock();
        try {
            return Optional.ofNullable(exception);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns whether the runner's thread is alive.
     *
     * @return {@code true} while the loop runs
     */
    public boolean isRunning() {
        lock.lock();
        try {
            return thread != null && thread.isAlive();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Wakes the runner so that it runs a step now, for example after new packets were injected.
     * Never blocks.
     */
    public void wakeUp() {
        wakeRequested.set(true);
        Thread current = thread;
        if (current != null) {
            LockSupport.unpark(current);
        }
    }

    private void runLoop() {
        boolean signalled = net.setNewWorkListener(this::wakeUp);
        long backoffMillis = MIN_BACKOFF_MILLIS;
        try {
            while (!stopRequested) {
                NetState state = net.getState();
                if (state != NetState.RUNNING) {
                    log.debug("Runner ends: the net is {}", state);
                    break;
                }

                wakeRequested.set(false);
                if (net.runStep(true)) {
                    setBlocked(false);
                    backoffMillis = MIN_BACKOFF_MILLIS;
                    continue;
                }

                setBlocked(true);
                long sleepMillis = signalled ? SIGNALLED_BACKOFF_MILLIS : backoffMillis;
                if (!wakeRequested.get()) {
                    LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(sleepMillis));
                }
                backoffMillis = Math.min(backoffMillis * 2, MAX_BACKOFF_MILLIS);
            }
        } catch (Throwable e) {
            log.error("Net step failed; the runner has stopped", e);
            lock.lock();
            try {
                exception = e;
            } finally {
                lock.unlock();
            }
        } finally {
            net.setNewWorkListener(null);
            setBlocked(true);
        }
    }

    private void setBlocked(boolean value) {
        if (blocked == value) {
            return;
        }
        lock.lock();
        try {
            blocked = value;
            blockedChanged.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
