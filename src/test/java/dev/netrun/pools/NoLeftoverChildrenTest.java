package dev.netrun.pools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/** Runs after every other test class and checks that none left a child process behind. */
@Order(Integer.MAX_VALUE)
class NoLeftoverChildrenTest {

    @Test
    void noChildProcessOutlivesTheSuite() {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                        .map(process -> process.pid() + " " + process.info().commandLine().orElse("?")))
                .isEmpty());
    }
}
