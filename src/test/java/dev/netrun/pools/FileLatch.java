package dev.netrun.pools;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * A latch that works across JVMs: a task in a worker JVM waits until the test creates a file.
 * The wait inside the task gives up after a minute so that a failed test cannot leave it hanging.
 */
final class FileLatch implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final long GIVE_UP_NANOS = 60_000_000_000L;

    private final String path;
    private final String enteredPath;

    FileLatch(Path directory, String name) {
        this.path = directory.resolve(name + ".open").toString();
        this.enteredPath = directory.resolve(name + ".entered").toString();
    }

    /** Called by the task: records that it started, then waits for {@link #open()}. */
    void await() throws InterruptedException, IOException {
        Files.writeString(Paths.get(enteredPath), Long.toString(ProcessHandle.current().pid()));
        long deadline = System.nanoTime() + GIVE_UP_NANOS;
        while (!Files.exists(Paths.get(path))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Latch " + path + " was never opened");
            }
            Thread.sleep(5);
        }
    }

    boolean entered() {
        return Files.exists(Paths.get(enteredPath));
    }

    void open() {
        try {
            Files.writeString(Paths.get(path), "open");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
