package dev.netrun.pools;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CrashMessageTest {

    @Test
    void idleCrashNamesOnlyReplacement() {
        assertThat(ProcessWorker.consequences(false, 0)).isEqualTo("a replacement starts.");
    }

    @Test
    void runningCrashFailsTheTask() {
        assertThat(ProcessWorker.consequences(true, 0)).isEqualTo("the task fails, and a replacement starts.");
    }

    @Test
    void crashListsRequeuedTasks() {
        assertThat(ProcessWorker.consequences(true, 2))
                .isEqualTo("the task fails, 2 task(s) sent ahead return to the queue, and a replacement starts.");
        assertThat(ProcessWorker.consequences(false, 1))
                .isEqualTo("1 task(s) sent ahead return to the queue, and a replacement starts.");
    }
}
