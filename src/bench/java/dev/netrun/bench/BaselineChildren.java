package dev.netrun.bench;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The child programs the baselines run in a second JVM, with no library code: print one line,
 * sit idle, echo bytes, or swallow a stream. Each reads and writes its standard streams directly,
 * as a worker JVM does.
 */
public final class BaselineChildren {

    private BaselineChildren() {
    }

    /**
     * Runs the child program named by the first argument: {@code hello}, {@code idle}, {@code echo}
     * or {@code sink}.
     *
     * @param args the program's name
     * @throws IOException if a standard stream fails
     */
    public static void main(String[] args) throws IOException {
        FileInputStream in = new FileInputStream(FileDescriptor.in);
        FileOutputStream out = new FileOutputStream(FileDescriptor.out);
        switch (args[0]) {
            case "hello" -> System.out.println("hello");
            case "idle" -> {
                System.out.println("ready");
                System.out.flush();
                while (in.read() >= 0) {
                    // Waits until the parent closes standard input.
                }
            }
            case "echo" -> {
                int b;
                while ((b = in.read()) >= 0) {
                    out.write(b);
                }
            }
            case "sink" -> {
                byte[] buffer = new byte[1 << 20];
                long total = 0;
                int read;
                while ((read = in.read(buffer)) >= 0) {
                    total += read;
                }
                out.write(ByteBuffer.allocate(8).putLong(total).array());
            }
            default -> throw new IllegalArgumentException("Unknown child program '" + args[0]
                    + "'; use hello, idle, echo or sink");
        }
    }
}
