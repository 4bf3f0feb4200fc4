package dev.netrun.pools;

import dev.netrun.pools.process.CorruptFrameException;
import dev.netrun.pools.process.Frame;
import dev.netrun.pools.process.FrameBuffer;
import dev.netrun.pools.process.FrameReader;
import dev.netrun.pools.process.FrameWriter;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One worker JVM and the two threads that read from it: {@code netrun-<pool>-<id>-reader} reads
 * its frames and hands them to the {@link ProcessWorker}, and {@code netrun-<pool>-<id>-stderr}
 * logs its standard error and keeps the last lines. When the frame stream ends, the reader waits
 * for the JVM to exit and reports the exit status. Writes go through a {@link FrameWriter}, which
 * serializes them.
 *
 * <p>The reader completes task futures itself, so callbacks registered on them run on it. A
 * callback that blocks would stall this worker's results, or deadlock if it waits for one of them,
 * so {@link #handOverIfStalled} gives reading to a new thread when a completion takes longer than
 * {@value #STALLED_COMPLETION_MILLIS} ms. Exactly one thread, {@code readerOwner}, reads at a time:
 * a replaced reader stops once its callback returns.
 */
final class ChildProcess {

    private static final Logger log = LoggerFactory.getLogger(ChildProcess.class);
    private static final long EXIT_WAIT_MILLIS = 5_000;
    private static final long STDERR_DRAIN_MILLIS = 2_000;
    /** Long enough that a garbage collection pause does not count as a blocking callback. */
    static final long STALLED_COMPLETION_MILLIS = 500;

    private final ProcessWorker worker;
    private final Process process;
    private final long pid;
    private final String label;
    private final Logger output;
    private final FrameWriter writer;
    private final FrameReader reader;
    private final StderrTail stderr = new StderrTail();
    private final long launchedNanos = System.nanoTime();
    private final String poolName;
    private final int workerId;
    private final Thread stderrThread;
    /** The thread that reads frames now. */
    private volatile Thread readerOwner;
    private int readerGeneration = 1;
    /** When the reader started completing a task future, or 0 while it is not completing one. */
    private volatile long completingSince;

    /**
     * The reason the pool ended this JVM, or {@code null} if it did not. It is written once, under
     * the worker's lock, before the JVM is killed or asked to stop.
     */
    private volatile Termination termination;
    /** The task whose timeout or cancellation ended this JVM, or -1. */
    private volatile long terminatedTaskId = -1;

    /** The reasons the pool ends a worker JVM. */
    enum Termination {
        /** The running task exceeded its time limit. */
        TIMEOUT,
        /** The running task was cancelled with interruption. */
        CANCELLED,
        /** The JVM did not complete its handshake in time. */
        STARTUP_TIMEOUT,
        /** The pool asked the JVM to stop after its task limit or at pool stop. */
        STOP_REQUESTED,
        /** The pool's stop ran out of time and killed the JVM. */
        POOL_STOPPED,
        /** The pool killed the JVM because another worker failed to start. */
        START_ABORTED,
        /** A frame from the JVM failed its checksum, so nothing more it sends can be trusted. */
        CORRUPT_OUTPUT
    }

    ChildProcess(ProcessWorker worker, Process process, String poolName, int workerId, int maxPayloadBytes) {
        this.worker = worker;
        this.process = process;
        this.pid = process.pid();
        this.label = "worker " + workerId + " pid " + pid;
        this.output = LoggerFactory.getLogger("dev.netrun.pools.worker." + poolName);
        // Only the worker's output needs checksums: native code in it may write to the same stream.
        this.writer = new FrameWriter(process.getOutputStream(), false);
        this.reader = new FrameReader(process.getInputStream(), maxPayloadBytes, true, Frame.HELLO, Frame.RESULT,
                Frame.RESULT_BYTES, Frame.OUTPUT, Frame.STOPPED);
        this.poolName = poolName;
        this.workerId = workerId;
        this.readerOwner = newReader("netrun-" + poolName + "-" + workerId + "-reader");
        this.stderrThread = new Thread(() -> withDiagnosticContext(poolName, workerId, this::readStderr),
                "netrun-" + poolName + "-" + workerId + "-stderr");
        stderrThread.setDaemon(true);
    }

    private Thread newReader(String name) {
        Thread reader = new Thread(() -> withDiagnosticContext(poolName, workerId, this::readFrames), name);
        reader.setDaemon(true);
        return reader;
    }

    void startThreads() {
        stderrThread.start();
        readerOwner.start();
    }

    boolean isReader(Thread thread) {
        return readerOwner == thread;
    }

    /** Runs a task's completion on the reader thread, marked so that a stall can be noticed. */
    void complete(Runnable completion) {
        completingSince = System.nanoTime();
        try {
            completion.run();
        } finally {
            // A reader that was replaced while its callback blocked must not clear its successor's mark.
            synchronized (this) {
                if (readerOwner == Thread.currentThread()) {
                    completingSince = 0;
                }
            }
        }
    }

    /**
     * Gives reading to a new thread if the reader has been completing one task future for longer
     * than {@value #STALLED_COMPLETION_MILLIS} ms, because a callback on that future blocks.
     * Called periodically by the pool's supervisor thread.
     */
    synchronized void handOverIfStalled() {
        long since = completingSince;
        if (since == 0 || System.nanoTime() - since < TimeUnit.MILLISECONDS.toNanos(STALLED_COMPLETION_MILLIS)) {
            return;
        }
        Thread stalled = readerOwner;
        readerGeneration++;
        Thread next = newReader("netrun-" + poolName + "-" + workerId + "-reader-" + readerGeneration);
        completingSince = 0;
        readerOwner = next;
        log.warn("A callback on a task future of pool '{}' has blocked the reader of worker {} (pid {}) for more "
                + "than {} ms; reading goes on in thread {}. Use the *Async methods of CompletableFuture for "
                + "callbacks that block", poolName, workerId, pid, STALLED_COMPLETION_MILLIS, next.getName());
        log.debug("Stalled reader thread {} is at {}", stalled.getName(), (Object) stalled.getStackTrace());
        next.start();
    }

    long pid() {
        return pid;
    }

    FrameWriter writer() {
        return writer;
    }

    StderrTail stderr() {
        return stderr;
    }

    long launchedNanos() {
        return launchedNanos;
    }

    Termination termination() {
        return termination;
    }

    long terminatedTaskId() {
        return terminatedTaskId;
    }

    /** Ends the JVM at once, remembering why, unless an earlier reason is already recorded. */
    void kill(Termination reason) {
        kill(reason, -1);
    }

    /** Ends the JVM at once because of one task, remembering why, unless a reason is already recorded. */
    synchronized void kill(Termination reason, long taskId) {
        if (termination == null) {
            termination = reason;
            terminatedTaskId = taskId;
        }
        process.destroyForcibly();
    }

    /** Asks the JVM to run its stop hooks and exit; a JVM that is already gone is left alone. */
    void requestStop() {
        synchronized (this) {
            if (termination == null) {
                termination = Termination.STOP_REQUESTED;
            }
        }
        try {
            writer.append(Frame.STOP, new FrameBuffer(16));
            writer.flush();
        } catch (IOException e) {
            log.debug("Could not send STOP to {}: {}", label, e.toString());
        }
    }

    /** Waits for the JVM to exit, killing it if it takes longer than {@code timeoutMillis}. */
    void awaitExit(long timeoutMillis) {
        try {
            if (!process.waitFor(timeoutMillis, TimeUnit.MILLISECONDS)) {
                log.warn("Worker JVM ({}) did not exit within {} ms of being asked to stop; killing it", label,
                        timeoutMillis);
                process.destroyForcibly();
                process.waitFor();
            }
            // Bounded: a reader can be stuck in a callback that never returns.
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(timeoutMillis, EXIT_WAIT_MILLIS));
            for (Thread reader = readerOwner; reader.isAlive() && reader == readerOwner; reader = readerOwner) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    log.warn("The reader of worker JVM ({}) did not finish; a callback on one of its task futures may "
                            + "block it", label);
                    return;
                }
                TimeUnit.NANOSECONDS.timedJoin(reader, remaining);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    private void withDiagnosticContext(String poolName, int workerId, Runnable body) {
        MDC.put("netrun.pool", poolName);
        MDC.put("netrun.worker", Integer.toString(workerId));
        MDC.put("netrun.pid", Long.toString(pid));
        try {
            body.run();
        } finally {
            MDC.clear();
        }
    }

    private void readFrames() {
        Thread self = Thread.currentThread();
        try {
            Frame frame;
            while (readerOwner == self && (frame = reader.read()) != null) {
                switch (frame.type()) {
                    case Frame.OUTPUT:
                        output.info("[{}] {}", label, new String(frame.payload(), StandardCharsets.UTF_8));
                        break;
                    case Frame.STRAY:
                        // Text written to file descriptor 1 by the JVM itself, such as a crash report.
                        String text = new String(frame.payload(), StandardCharsets.UTF_8);
                        stderr.add("(stdout) " + text);
                        output.warn("[{}] (stdout) {}", label, text);
                        break;
                    default:
                        worker.onFrame(this, frame);
                        break;
                }
            }
        } catch (CorruptFrameException e) {
            // Logged with the task it belongs to when the exit is handled.
            log.debug("Worker JVM ({}): {}", label, e.getMessage());
            kill(Termination.CORRUPT_OUTPUT);
        } catch (IOException | RuntimeException | Error e) {
            // Any failure here, even an Error, must end in onExit, which settles the tasks in flight.
            if (process.isAlive() && termination == null) {
                log.error("Reading frames from worker JVM ({}) failed; killing it", label, e);
            }
            process.destroyForcibly();
        }
        if (readerOwner == self) {
            worker.onExit(this, awaitExitStatus());
        }
    }

    /** Waits for the process to end after its output closed, and for its standard error to drain. */
    private int awaitExitStatus() {
        try {
            if (!process.waitFor(EXIT_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                log.warn("Worker JVM ({}) closed its output but kept running; killing it", label);
                process.destroyForcibly();
                process.waitFor();
            }
            stderrThread.join(STDERR_DRAIN_MILLIS);
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            return -1;
        }
    }

    private void readStderr() {
        try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                stderr.add(line);
                output.warn("[{}] {}", label, line);
            }
        } catch (IOException e) {
            log.debug("Standard error of worker JVM ({}) closed: {}", label, e.toString());
        }
    }

    @Override
    public String toString() {
        return label;
    }
}
