package dev.netrun.pools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

class ProcessRestartBackoffTest {

    @TempDir
    Path temp;

    private ManagedPool pool;

    @AfterEach
    void stopPool() {
        if (pool != null) {
            pool.stop(Duration.ofSeconds(10));
        }
    }

    private long filesStartingWith(String prefix) throws IOException {
        try (Stream<Path> files = Files.list(temp)) {
            return files.filter(path -> path.getFileName().toString().startsWith(prefix)).count();
        }
    }

    @Test
    void alwaysFailingHookBacksOffThenFails() throws IOException {
        pool = new ManagedPool(PoolConfig.process("doomed", 1));
        pool.start();
        String directory = temp.toString();
        pool.registerNode(NodeLifecycle.perWorker("db").withStartHook(context -> {
            Files.writeString(Paths.get(directory, "attempt-" + ProcessHandle.current().pid()), "x");
            throw new IllegalStateException("connection refused");
        }));

        List<CompletableFuture<String>> futures = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            futures.add(pool.submit(() -> "never", TaskOptions.forNode("db")));
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> futures.stream().allMatch(CompletableFuture::isDone));
        int attempts = ProcessWorker.MAX_START_FAILURES;
        for (CompletableFuture<String> future : futures.subList(0, attempts)) {
            assertThatThrownBy(future::join).cause().isInstanceOf(NodeStartException.class)
                    .hasMessageContaining("connection refused");
        }
        for (CompletableFuture<String> future : futures.subList(attempts, futures.size())) {
            assertThatThrownBy(future::join).cause().isInstanceOf(WorkerStartException.class)
                    .hasMessageContaining("Pool 'doomed' has no worker that can run tasks")
                    .hasMessageContaining("worker 0 failed to start 5 times in a row")
                    .hasMessageContaining("the start hook of node 'db' failed for task")
                    .hasMessageContaining("java.lang.IllegalStateException: connection refused");
        }
        assertThat(filesStartingWith("attempt-")).isEqualTo(attempts);

        // The worker now waits before its next attempt instead of spinning.
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3))
                .until(() -> filesStartingWith("attempt-") == attempts);
        assertThat(pool.getAvailableWorkers()).isZero();
        assertThatThrownBy(() -> pool.submit(() -> "rejected").join()).cause()
                .isInstanceOf(WorkerStartException.class)
                .hasMessageContaining("Pool 'doomed' has no worker that can run tasks");
    }

    @Test
    @DisabledOnOs(OS.WINDOWS)
    void unstartableReplacementFailsPinnedTasks() throws IOException {
        Path marker = temp.resolve("first-starts-done");
        Path script = temp.resolve("java-wrapper.sh");
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        Files.writeString(script, "#!/bin/sh\n"
                + "if [ -e '" + marker + "' ]; then\n"
                + "  exec '" + java + "' -XX:+NoSuchOption \"$@\"\n"
                + "fi\n"
                + "exec '" + java + "' \"$@\"\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        pool = new ManagedPool(PoolConfig.process("broken", 2, ProcessOptions.builder().javaExecutable(script).build()));
        pool.start();
        Files.writeString(marker, "from now on every start fails");
        WorkerState first = pool.getWorkers().get(0);

        ProcessHandle.of(first.getPid().orElseThrow()).orElseThrow().destroyForcibly();
        await().atMost(Duration.ofSeconds(5)).until(() -> first.getPid().isEmpty());
        CompletableFuture<String> pinned = pool.submit(() -> "pinned", first);
        List<CompletableFuture<Integer>> shared = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            int value = i;
            shared.add(pool.submit(() -> value));
        }

        assertThatThrownBy(pinned::join).cause().isInstanceOf(WorkerStartException.class)
                .hasMessageContaining("Worker 0 of pool 'broken' cannot run the tasks pinned to it")
                .hasMessageContaining("failed to start 5 times in a row")
                .hasMessageContaining("Unrecognized VM option 'NoSuchOption'");
        for (int i = 0; i < shared.size(); i++) {
            assertThat(shared.get(i).join()).isEqualTo(i);
        }
        assertThat(pool.getAvailableWorkers()).isEqualTo(1);
        assertThat(pool.submit(() -> "served by worker 1").join()).isEqualTo("served by worker 1");
    }
}
