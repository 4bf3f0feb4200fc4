package dev.netrun.bench;

import dev.netrun.runner.BackgroundNetRunner;
import dev.netrun.runner.Net;
import dev.netrun.runner.NetState;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;

/** Measurements of the background runner. */
final class RunnerBench {

    private static final int WAKE_WARMUP = 2_000;
    private static final int WAKES = 20_000;
    private static final long BLOCKED_MILLIS = 3_000;

    private RunnerBench() {
    }

    /** A net that does one unit of work when asked and records when its step saw the request. */
    private static final class SignalledNet implements Net {
        private final boolean signals;
        volatile boolean requested;
        volatile long seenAt;
        /** Steps that found nothing to do; the runner parks after each. */
        volatile long idleSteps;

        SignalledNet(boolean signals) {
            this.signals = signals;
        }

        @Override
        public NetState getState() {
            return NetState.RUNNING;
        }

        @Override
        public boolean runStep(boolean startEpochs) {
            if (!requested) {
                idleSteps++;
                return false;
            }
            requested = false;
            seenAt = System.nanoTime();
            return true;
        }

        @Override
        public List<String> getStartableEpochs() {
            return List.of("epoch");
        }

        @Override
        public void pause() {
        }

        @Override
        public boolean setNewWorkListener(Runnable listener) {
            return signals;
        }
    }

    /** p50 and p99 in ns from {@code wakeUp()} to the step that sees the new work. */
    static long[] wakeUpNanos() throws InterruptedException {
        SignalledNet net = new SignalledNet(true);
        BackgroundNetRunner runner = new BackgroundNetRunner(net);
        runner.start();
        Samples samples = new Samples(WAKES);
        try {
            runner.waitUntilBlocked(Duration.ofSeconds(5));
            Thread thread = runnerThread();
            for (int i = 0; i < WAKE_WARMUP + WAKES; i++) {
                // Every sample wakes a parked runner, as a real wake-up does.
                while (thread.getState() != Thread.State.TIMED_WAITING) {
                    Thread.onSpinWait();
                }
                long idleBefore = net.idleSteps;
                net.seenAt = 0;
                net.requested = true;
                long wokenAt = System.nanoTime();
                runner.wakeUp();
                while (net.seenAt == 0) {
                    Thread.onSpinWait();
                }
                if (i >= WAKE_WARMUP) {
                    samples.add(net.seenAt - wokenAt);
                }
                while (net.idleSteps == idleBefore) {
                    Thread.onSpinWait();
                }
            }
        } finally {
            runner.stop();
        }
        return new long[] {samples.median(), samples.percentile(0.99)};
    }

    private static Thread runnerThread() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(candidate -> candidate.getName().equals(BackgroundNetRunner.THREAD_NAME))
                .findFirst().orElseThrow();
    }

    /** Share of one core, in percent, that a blocked runner uses on a net that never signals. */
    static double blockedCpuPercent() throws InterruptedException {
        SignalledNet net = new SignalledNet(false);
        BackgroundNetRunner runner = new BackgroundNetRunner(net);
        runner.start();
        try {
            runner.waitUntilBlocked(Duration.ofSeconds(5));
            Thread thread = runnerThread();
            var threads = ManagementFactory.getThreadMXBean();
            long cpuBefore = threads.getThreadCpuTime(thread.getId());
            long started = System.nanoTime();
            Thread.sleep(BLOCKED_MILLIS);
            long cpu = threads.getThreadCpuTime(thread.getId()) - cpuBefore;
            return 100.0 * cpu / (System.nanoTime() - started);
        } finally {
            runner.stop();
        }
    }
}
