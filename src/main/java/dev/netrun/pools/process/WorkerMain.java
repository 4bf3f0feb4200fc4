package dev.netrun.pools.process;

import dev.netrun.pools.DeserializationLimits;
import java.io.ByteArrayInputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;

/**
 * The entry point of a process pool's worker JVM. The pool starts it with
 * {@code java [options] dev.netrun.pools.process.WorkerMain <arguments>}, where the arguments are,
 * in order: the protocol version, the pool's name, the worker id, the pool JVM's pid, and the four
 * {@link DeserializationLimits} (max depth, max array length, max references, max bytes), and the
 * allowed-classes pattern (empty for none).
 *
 * <p>Standard input carries frames from the pool and standard output frames to it; what the
 * worker's code prints to {@code System.out} is sent as OUTPUT frames, {@code System.err} stays
 * the process's standard error, which the pool logs, and {@code System.in} is empty. The worker exits by itself when the pool's
 * JVM is gone: at the end of standard input, or when a watchdog thread finds that the pool's JVM is
 * no longer alive.
 */
public final class WorkerMain {

    /** Exit status: a task threw a {@link VirtualMachineError}, which leaves the JVM suspect. */
    public static final int EXIT_FATAL_ERROR = 70;
    /** Exit status: the frame stream from the pool was corrupt. */
    public static final int EXIT_PROTOCOL_ERROR = 71;
    /** Exit status: a node's start hook failed; the pool replaces the worker. */
    public static final int EXIT_NODE_START_FAILED = 72;
    /** Exit status: the pool's JVM is gone. */
    public static final int EXIT_PARENT_GONE = 73;
    /** Exit status: the arguments are wrong. */
    public static final int EXIT_USAGE = 64;

    private static final long WATCHDOG_INTERVAL_MILLIS = 250;
    private static final int ARGUMENT_COUNT = 9;

    private WorkerMain() {
    }

    /**
     * Runs the worker until the pool stops it or goes away.
     *
     * @param args see the class comment
     */
    public static void main(String[] args) {
        FrameWriter writer = new FrameWriter(new FileOutputStream(FileDescriptor.out), true);
        System.setOut(new PrintStream(new OutputForwarder(writer), true, StandardCharsets.UTF_8));
        // Tasks get an empty standard input, so that closing System.in cannot close the frame stream.
        System.setIn(new ByteArrayInputStream(new byte[0]));

        if (args.length != ARGUMENT_COUNT || !args[0].equals(Integer.toString(Frame.PROTOCOL_VERSION))) {
            System.err.println("Usage: WorkerMain " + Frame.PROTOCOL_VERSION
                    + " <pool> <worker id> <parent pid> <max depth> <max array length> <max references> <max bytes>"
                    + " <allowed classes>; this class is started by a process pool and not meant to be run by hand");
            Runtime.getRuntime().halt(EXIT_USAGE);
        }
        String pool = args[1];
        int workerId = Integer.parseInt(args[2]);
        parentPid = Long.parseLong(args[3]);
        DeserializationLimits limits = new DeserializationLimits(Integer.parseInt(args[4]), Integer.parseInt(args[5]),
                Long.parseLong(args[6]), Integer.parseInt(args[7]));
        String allowedClasses = args[8].isEmpty() ? null : args[8];

        ValueCodec codec = new ValueCodec(limits, allowedClasses);
        FrameReader reader = new FrameReader(new FileInputStream(FileDescriptor.in),
                limits.maxBytes() + Frame.MAX_OVERHEAD_BYTES, false, Frame.TASK, Frame.NODE, Frame.STOP);
        new ChildWorker(pool, workerId, reader, writer, codec).run();
    }

    /** The pid of the pool's JVM; written once by {@code main} before any other thread starts. */
    private static long parentPid;

    /**
     * Starts a daemon thread that ends this JVM once the pool's JVM is gone, even while a task runs.
     * Called after the handshake, so that looking up processes does not delay it.
     */
    static void watchParent() {
        Thread watchdog = new Thread("netrun-parent-watchdog") {
            @Override
            public void run() {
                Optional<Instant> parentStart = ProcessHandle.of(parentPid).flatMap(handle -> handle.info().startInstant());
                while (true) {
                    Optional<ProcessHandle> parent = ProcessHandle.of(parentPid);
                    if (parent.isEmpty() || !parent.get().isAlive() || !sameStart(parentStart, parent.get())) {
                        System.err.println("Pool JVM " + parentPid + " is gone; worker exits");
                        Runtime.getRuntime().halt(EXIT_PARENT_GONE);
                    }
                    try {
                        Thread.sleep(WATCHDOG_INTERVAL_MILLIS);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        };
        watchdog.setDaemon(true);
        watchdog.start();
    }

    /** Tells a reused pid from the pool's JVM by its start time, where both are known. */
    private static boolean sameStart(Optional<Instant> expected, ProcessHandle process) {
        Optional<Instant> actual = process.info().startInstant();
        return expected.isEmpty() || actual.isEmpty() || expected.equals(actual);
    }
}
