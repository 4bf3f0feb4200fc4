package dev.netrun.pools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OrphanTest {

    @Test
    void workersEndWhenTheirParentIsKilled() throws Exception {
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        Process parent = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                OrphanParent.class.getName()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        List<Long> workers;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8))) {
            String line = out.readLine();
            assertThat(line).startsWith("pids ");
            workers = Arrays.stream(line.substring("pids ".length()).split(" ")).map(Long::valueOf).toList();
        } catch (RuntimeException | java.io.IOException e) {
            parent.destroyForcibly();
            throw e;
        }
        assertThat(workers).hasSize(2).allSatisfy(pid -> assertThat(ProcessHandle.of(pid)).isPresent());

        parent.destroyForcibly();
        parent.waitFor();

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(workers)
                .allSatisfy(pid -> assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEqualTo(Optional.empty())));
    }
}
