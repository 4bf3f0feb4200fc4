package dev.netrun.bench;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.SynchronousQueue;

/** Baseline figures of two JVMs and a pipe without the library, which the pool is measured against. */
final class Baselines {

    private static final int START_RUNS = 10;
    private static final int PIPE_CHUNK = 1 << 20;
    private static final long PIPE_BYTES = 256L << 20;

    private Baselines() {
    }

    /** Median time in ns from starting a bare JVM to reading the line it prints. */
    static long bareStartNanos() throws IOException, InterruptedException {
        Samples samples = new Samples(START_RUNS);
        Children.start("hello").waitFor();
        for (int i = 0; i < START_RUNS; i++) {
            long started = System.nanoTime();
            Process child = Children.start("hello");
            Children.readLine(child);
            samples.add(System.nanoTime() - started);
            child.waitFor();
        }
        return samples.median();
    }

    /** Resident memory in KiB of an idle bare JVM with default options. */
    static long idleResidentKib() throws IOException, InterruptedException {
        Process child = Children.start("idle");
        try {
            Children.readLine(child);
            Thread.sleep(500);
            return Children.residentKib(child.pid());
        } finally {
            child.getOutputStream().close();
            child.waitFor();
        }
    }

    /**
     * A JVM that echoes single bytes over its standard streams, for round-trip samples. With a
     * reader thread, replies are read by a second thread of this JVM and handed to the caller, the
     * least that any pool with a reader thread has to do.
     */
    static final class PingPong implements AutoCloseable {
        private final Process child;
        private final OutputStream out;
        private final InputStream in;
        private final SynchronousQueue<Integer> replies;

        PingPong(boolean readerThread) throws IOException {
            child = Children.start("echo");
            out = child.getOutputStream();
            in = child.getInputStream();
            replies = readerThread ? new SynchronousQueue<>() : null;
            if (readerThread) {
                Thread reader = new Thread(() -> {
                    try {
                        for (int b = in.read(); b >= 0; b = in.read()) {
                            replies.put(b);
                        }
                    } catch (IOException | InterruptedException e) {
                        // The child ended; the caller notices when no reply comes.
                    }
                }, "ping-pong-reader");
                reader.setDaemon(true);
                reader.start();
            }
        }

        /** Runs {@code rounds} one-byte round trips, adding their times to {@code samples} if given. */
        void run(int rounds, Samples samples) throws IOException, InterruptedException {
            for (int i = 0; i < rounds; i++) {
                long started = System.nanoTime();
                out.write(i & 0x7f);
                out.flush();
                int reply = replies == null ? in.read() : replies.take();
                if (reply < 0) {
                    throw new IOException("Echo child ended early");
                }
                if (samples != null) {
                    samples.add(System.nanoTime() - started);
                }
            }
        }

        @Override
        public void close() throws IOException {
            out.close();
            try {
                child.waitFor();
            } catch (InterruptedException e) {
                child.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Bandwidth in MB/s of 256 MiB of 1 MiB writes through a pipe into a JVM that reads them. */
    static double pipeMegabytesPerSecond() throws IOException, InterruptedException {
        Process child = Children.start("sink");
        byte[] chunk = new byte[PIPE_CHUNK];
        long started = System.nanoTime();
        try (OutputStream out = child.getOutputStream()) {
            for (long sent = 0; sent < PIPE_BYTES; sent += chunk.length) {
                out.write(chunk);
            }
        }
        long received = new DataInputStream(child.getInputStream()).readLong();
        double seconds = (System.nanoTime() - started) / 1e9;
        child.waitFor();
        if (received != PIPE_BYTES) {
            throw new IOException("Sink child counted " + received + " bytes, expected " + PIPE_BYTES);
        }
        return received / 1e6 / seconds;
    }
}
