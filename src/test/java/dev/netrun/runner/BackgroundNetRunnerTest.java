package dev.netrun.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BackgroundNetRunnerTest {

    /** A net that does one unit of work per pending item, and nothing when none is pending. */
    static class CountingNet implements Net {
        final AtomicInteger pending = new AtomicInteger();
        final AtomicInteger steps = new AtomicInteger();
        final AtomicInteger workDone = new AtomicInteger();
        final AtomicReference<Runnable> listener = new AtomicReference<>();
        volatile NetState state = NetState.RUNNING;
        volatile boolean signals;
        volatile RuntimeException failure;

        @Override
        public NetState getState() {
            return state;
        }

        @Override
        public boolean runStep(boolean startEpochs) {
            steps.incrementAndGet();
            if (failure != null) {
                throw failure;
            }
            if (pending.get() > 0) {
                pending.decrementAndGet();
                workDone.incrementAndGet();
                return true;
            }
            return false;
        }

        @Override
        public List<String> getStartableEpochs() {
            return List.of("epoch-1");
        }

        @Override
        public void pause() {
            state = NetState.PAUSED;
        }

        @Override
        public boolean setNewWorkListener(Runnable listener) {
            this.listener.set(listener);
            return signals;
        }

        void addWork(int items) {
            pending.addAndGet(items);
            Runnable current = listener.get();
            if (signals && current != null) {
                current.run();
            }
        }
    }

    private final CountingNet net = new CountingNet();
    private final BackgroundNetRunner runner = new BackgroundNetRunner(net);

    @AfterEach
    void stopRunner() {
        runner.stop();
        assertThat(runner.isRunning()).isFalse();
    }

    @Test
    void runsStepsUntilBlocked() throws Exception {
        net.pending.set(5);

        runner.start();

        assertThat(runner.waitUntilBlocked(Duration.ofSeconds(5))).isTrue();
        assertThat(runner.poll()).isTrue();
        assertThat(net.workDone).hasValue(5);
        assertThat(runner.isRunning()).isTrue();
    }

    @Test
    void threadIsANamedDaemon() {
        runner.start();

        Thread thread = findThread(BackgroundNetRunner.THREAD_NAME);
        assertThat(thread).isNotNull();
        assertThat(thread.isDaemon()).isTrue();
    }

    @Test
    void secondStartWhileRunningIsRejected() {
        runner.start();

        assertThatThrownBy(runner::start).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'netrun-background' is already running");
    }

    @Test
    void wakeUpRunsStepAndClearsPoll() throws Exception {
        runner.start();
        assertThat(runner.waitUntilBlocked(Duration.ofSeconds(5))).isTrue();

        net.pending.set(Integer.MAX_VALUE);
        runner.wakeUp();

        await().atMost(Duration.ofSeconds(5)).until(() -> !runner.poll());
        assertThat(net.workDone.get()).isPositive();
    }

    @Test
    void netListenerWakesTheRunner() throws Exception {
        net.signals = true;
        runner.start();
        assertThat(runner.waitUntilBlocked(Duration.ofSeconds(5))).isTrue();
        int stepsWhileBlocked = net.steps.get();

        net.addWork(3);

        await().atMost(Duration.ofMillis(500)).until(() -> net.workDone.get() == 3);
        assertThat(net.steps.get()).isGreaterThan(stepsWhileBlocked);
    }

    @Test
    void waitUntilBlockedTimesOut() throws Exception {
        net.pending.set(Integer.MAX_VALUE);
        runner.start();

        assertThat(runner.waitUntilBlocked(Duration.ofMillis(50))).isFalse();
        assertThat(runner.poll()).isFalse();
    }

    @Test
    void blockedRunnerUsesAlmostNoCpu() throws Exception {
        runner.start();
        assertThat(runner.waitUntilBlocked(Duration.ofSeconds(5))).isTrue();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long threadId = findThread(BackgroundNetRunner.THREAD_NAME).getId();
        long cpuBefore = threads.getThreadCpuTime(threadId);
        long stepsBefore = net.steps.get();

        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(runner::poll);

        long cpuMillis = (threads.getThreadCpuTime(threadId) - cpuBefore) / 1_000_000;
        assertThat(net.getStartableEpochs()).isNotEmpty();
        assertThat(cpuMillis).as("CPU time of the blocked runner over one second, in ms").isLessThan(20);
        assertThat(net.steps.get() - stepsBefore).as("steps over one second").isLessThan(200);
    }

    @Test
    void listenerIsRemovedWhenTheLoopEnds() {
        runner.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> net.listener.get() != null);

        runner.stop();

        assertThat(net.listener.get()).isNull();
    }

    @Test
    void pauseEndsTheLoop() {
        runner.start();

        runner.pause();

        assertThat(net.getState()).isEqualTo(NetState.PAUSED);
        assertThat(runner.isRunning()).isFalse();
        assertThat(runner.poll()).isTrue();
    }

    @Test
    void stoppedNetEndsTheLoop() {
        runner.start();

        net.state = NetState.STOPPED;
        runner.wakeUp();

        await().atMost(Duration.ofSeconds(5)).until(() -> !runner.isRunning());
    }

    @Test
    void runnerRestartsAfterStop() throws Exception {
        runner.start();
        runner.stop();
        assertThat(runner.isRunning()).isFalse();
        assertThat(findThread(BackgroundNetRunner.THREAD_NAME)).isNull();

        net.pending.set(2);
        runner.start();

        assertThat(runner.waitUntilBlocked(Duration.ofSeconds(5))).isTrue();
        assertThat(net.workDone).hasValue(2);
    }

    @Test
    void stepExceptionIsKeptAndEndsTheLoop() throws Exception {
        net.failure = new IllegalStateException("node 'parse' failed");

        runner.start();

        assertThat(runner.waitUntilBlocked(Duration.ofSeconds(5))).isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> !runner.isRunning());
        assertThat(runner.getException()).get().isSameAs(net.failure);
        assertThat(runner.poll()).isTrue();
    }

    @Test
    void restartClearsTheKeptException() throws Exception {
        net.failure = new IllegalStateException("once");
        runner.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> !runner.isRunning());

        net.failure = null;
        runner.start();

        assertThat(runner.getException()).isEmpty();
        assertThat(runner.waitUntilBlocked(Duration.ofSeconds(5))).isTrue();
    }

    @Test
    void wakeUpLatencyIsShort() throws Exception {
        net.signals = true;
        runner.start();
        assertThat(runner.waitUntilBlocked(Duration.ofSeconds(5))).isTrue();
        AtomicLong before = new AtomicLong(net.steps.get());

        runner.wakeUp();

        await().atMost(Duration.ofMillis(500)).until(() -> net.steps.get() > before.get());
    }

    private static Thread findThread(String name) {
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().equals(name) && thread.isAlive()) {
                return thread;
            }
        }
        return null;
    }
}
