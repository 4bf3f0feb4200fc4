package dev.netrun.bench;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** What two JVMs and a pipe can do without the library: the figures the pool is measured against. */
final class Baselines {

    private static final int START_RUNS = 10;
    private static final int PING_PONG_WARMUP = 5_000;
    private static final int PING_PONG_ROUNDS = 20_000;
    private static final int PIPE_CHUNK = 1 << 20;
    private static final long PIPE_BYTES = 1L << 30;

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

    /** Round trips of one byte to an echoing JVM over its standard streams: p50 and p99 in ns. */
    static long[] pingPongNanos() throws IOException, InterruptedException {
        Process child = Children.start("echo");
        OutputStream out = child.getOutputStream();
        InputStream in = child.getInputStream();
        Samples samples = new Samples(PING_PONG_ROUNDS);
        try {
            for (int i = 0; i < PING_PONG_WARMUP + PING_PONG_ROUNDS; i++) {
                long started = System.nanoTime();
                out.write(i & 0x7f);
                out.flush();
                if (in.read() < 0) {
                    throw new IOException("Echo child ended early");
                }
                if (i >= PING_PONG_WARMUP) {
                    samples.add(System.nanoTime() - started);
                }
            }
        } finally {
            out.close();
            child.waitFor();
        }
        return new long[] {samples.median(), samples.percentile(0.99)};
    }

    /** Bandwidth in MB/s of large writes through a pipe into a JVM that reads them. */
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
