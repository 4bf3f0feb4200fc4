package dev.netrun.examples;

import dev.netrun.pools.ManagedPool;
import dev.netrun.pools.PoolConfig;
import dev.netrun.pools.PoolManager;
import dev.netrun.pools.WorkerState;
import dev.netrun.runner.BackgroundNetRunner;
import dev.netrun.runner.Net;
import dev.netrun.runner.NetState;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * An example net with four nodes. A source lists files. A stat node checks each file and reads its
 * size on the "io" thread pool. A digest node computes each file's SHA-256, line and word counts on
 * the "digest" process pool. A sink prints each result and a summary. A {@link BackgroundNetRunner}
 * drives the net, and {@link PoolManager} owns the pools.
 *
 * <p>Run it with {@code mvn -q test-compile exec:exec@example}, or pass a directory with
 * {@code -Dexample.dir=/some/path}.
 */
public final class FileDigestPipeline {

    /** A file that could not be read, and why. */
    record Skipped(String path, String reason) {
    }

    /** What a run produced. */
    record Summary(Map<String, FileDigest> digests, List<Skipped> skipped, long bytes, Duration elapsed,
            Map<String, List<String>> workerReport) {
    }

    private final PoolManager pools;
    private final PrintStream out;

    FileDigestPipeline(PoolManager pools, PrintStream out) {
        this.pools = pools;
        this.out = out;
    }

    /**
     * Declares the example's pools: the light stat work runs on two threads, the digest work on two
     * worker JVMs, so that a file that breaks the digest code cannot take the net down.
     */
    static PoolManager defaultPools() {
        return PoolManager.of(PoolConfig.thread("io", 2), PoolConfig.process("digest", 2));
    }

    public static void main(String[] args) throws Exception {
        Path root = Paths.get(args.length > 0 ? args[0] : ".").toAbsolutePath().normalize();
        if (!Files.isDirectory(root)) {
            System.err.println("Not a directory: " + root + "; pass the directory to read as the first argument");
            System.exit(2);
        }
        try (PoolManager pools = defaultPools()) {
            pools.start();
            FileDigestPipeline pipeline = new FileDigestPipeline(pools, System.out);
            pipeline.printSummary(pipeline.run(listFiles(root, System.out)));
        }
    }

    /** Lists the regular files under a directory, reporting and skipping what cannot be listed. */
    static List<Path> listFiles(Path root, PrintStream out) throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(root)) {
            walk.filter(path -> Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)).sorted().forEach(files::add);
        } catch (UncheckedIOException e) {
            out.println("skipped part of " + root + ": " + e.getCause());
        }
        return files;
    }

    /** Runs the net over the given files and returns what it found. Blocks until every file is done. */
    Summary run(List<Path> files) throws InterruptedException {
        DigestNet net = new DigestNet(files, pools.getPool("io"), pools.getPool("digest"), out);
        BackgroundNetRunner runner = new BackgroundNetRunner(net);
        long started = System.nanoTime();
        runner.start();
        try {
            net.finished.join();
        } finally {
            runner.stop();
        }
        if (runner.getException().isPresent()) {
            throw new IllegalStateException("The net failed", runner.getException().get());
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
        long bytes = net.digests.values().stream().mapToLong(FileDigest::bytes).sum();
        return new Summary(net.digests, net.skipped, bytes, elapsed, workerReport());
    }

    private Map<String, List<String>> workerReport() {
        Map<String, List<String>> report = new LinkedHashMap<>();
        for (ManagedPool pool : pools.getPools(pools.getPoolNames())) {
            List<String> lines = new ArrayList<>();
            for (WorkerState worker : pool.getWorkers()) {
                String pid = worker.getPid().isPresent() ? " (pid " + worker.getPid().getAsLong() + ")" : "";
                lines.add("worker " + worker.getWorkerId() + pid + ": " + worker.getCompletedTasks() + " tasks");
            }
            report.put(pool.getName() + " (" + pool.getType().name().toLowerCase(java.util.Locale.ROOT) + ", "
                    + pool.getSize() + " workers)", lines);
        }
        return report;
    }

    void printSummary(Summary summary) {
        out.println();
        out.printf("files:   %d digested, %d skipped%n", summary.digests().size(), summary.skipped().size());
        out.printf("bytes:   %,d%n", summary.bytes());
        out.printf("elapsed: %d ms%n", summary.elapsed().toMillis());
        for (Map.Entry<String, List<String>> pool : summary.workerReport().entrySet()) {
            out.println("pool " + pool.getKey() + ":");
            pool.getValue().forEach(line -> out.println("  " + line));
        }
    }

    /**
     * The net: each file is one epoch that starts at the source, passes the stat node on the io
     * pool and the digest node on the digest pool, and ends at the sink. At most
     * {@code maxInFlight} files are between source and sink at a time. Completed tasks are handed to
     * the runner's thread through {@code completions}, and the listener wakes it up.
     */
    private static final class DigestNet implements Net {

        private final Queue<Path> source;
        private final int total;
        private final ManagedPool io;
        private final ManagedPool digest;
        private final PrintStream out;
        private final int maxInFlight;
        private final Queue<Runnable> completions = new ConcurrentLinkedQueue<>();
        private final AtomicReference<Runnable> newWork = new AtomicReference<>();
        private final Map<String, FileDigest> digests = new LinkedHashMap<>();
        private final List<Skipped> skipped = new ArrayList<>();
        private final CompletableFuture<Void> finished = new CompletableFuture<>();
        private int inFlight;
        private volatile NetState state = NetState.RUNNING;

        DigestNet(List<Path> files, ManagedPool io, ManagedPool digest, PrintStream out) {
            this.source = new ArrayDeque<>(files);
            this.total = files.size();
            this.io = io;
            this.digest = digest;
            this.out = out;
            this.maxInFlight = 2 * (io.getSize() + digest.getSize());
            if (files.isEmpty()) {
                finish();
            }
        }

        @Override
        public NetState getState() {
            return state;
        }

        @Override
        public boolean runStep(boolean startEpochs) {
            boolean didWork = false;
            Runnable completion;
            while ((completion = completions.poll()) != null) {
                completion.run();
                didWork = true;
            }
            while (startEpochs && inFlight < maxInFlight && !source.isEmpty()) {
                submit(source.poll());
                didWork = true;
            }
            if (source.isEmpty() && inFlight == 0 && state == NetState.RUNNING) {
                finish();
            }
            return didWork;
        }

        /** Runs the source node: starts a file's epoch at the stat node. */
        private void submit(Path file) {
            inFlight++;
            String path = file.toString();
            io.submit(() -> readableSize(path)).whenComplete((size, failure) ->
                    deliver(() -> afterStat(path, failure)));
        }

        private static long readableSize(String path) throws IOException {
            Path file = Paths.get(path);
            long size = Files.size(file);
            if (!Files.isReadable(file)) {
                throw new java.nio.file.AccessDeniedException(path, null, "not readable");
            }
            return size;
        }

        /** Takes the stat node's output: a readable file goes on to the digest node. */
        private void afterStat(String path, Throwable failure) {
            if (failure != null) {
                sink(path, null, failure);
                return;
            }
            digest.submit(() -> FileDigest.of(Paths.get(path))).whenComplete((result, digestFailure) ->
                    deliver(() -> sink(path, result, digestFailure)));
        }

        /** Hands work from a pool's completion to the runner's thread and wakes it. */
        private void deliver(Runnable work) {
            completions.add(work);
            Runnable listener = newWork.get();
            if (listener != null) {
                listener.run();
            }
        }

        /** Runs the sink node: records one file's result and prints it as progress. */
        private void sink(String path, FileDigest digest, Throwable failure) {
            inFlight--;
            int done = digests.size() + skipped.size() + 1;
            String progress = String.format("[%" + Integer.toString(total).length() + "d/%d]", done, total);
            if (failure == null) {
                digests.put(path, digest);
                out.printf("%s %s %8d lines %8d words  %s%n", progress, digest.sha256(), digest.lines(), digest.words(),
                        path);
            } else {
                Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
                skipped.add(new Skipped(path, cause.toString()));
                out.printf("%s skipped %s: %s%n", progress, path, cause);
            }
        }

        private void finish() {
            state = NetState.STOPPED;
            finished.complete(null);
        }

        @Override
        public List<String> getStartableEpochs() {
            return source.stream().limit(Math.max(0, maxInFlight - inFlight)).map(Path::toString)
                    .sorted(Comparator.naturalOrder()).toList();
        }

        @Override
        public void pause() {
            state = NetState.PAUSED;
        }

        @Override
        public boolean setNewWorkListener(Runnable listener) {
            newWork.set(listener);
            return true;
        }
    }
}
