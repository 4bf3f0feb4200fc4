package dev.netrun.pools;

import java.util.concurrent.TimeUnit;

/**
 * A JVM that starts a process pool, keeps one worker busy with a long task, prints the workers'
 * pids and waits. A test kills it to check that its workers end by themselves.
 */
public final class OrphanParent {

    private OrphanParent() {
    }

    public static void main(String[] args) throws Exception {
        ManagedPool pool = new ManagedPool(PoolConfig.process("orphans", 2));
        pool.start();
        pool.submit(() -> {
            TimeUnit.MINUTES.sleep(5);
            return "never";
        }, pool.getWorkers().get(0));
        StringBuilder pids = new StringBuilder("pids");
        for (WorkerState worker : pool.getWorkers()) {
            pids.append(' ').append(worker.getPid().orElseThrow());
        }
        System.out.println(pids);
        System.out.flush();
        TimeUnit.MINUTES.sleep(10);
    }
}
