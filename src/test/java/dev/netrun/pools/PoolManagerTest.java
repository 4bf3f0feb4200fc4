package dev.netrun.pools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PoolManagerTest {

    private static Map<String, Object> size(Object value) {
        Map<String, Object> settings = new HashMap<>();
        settings.put("size", value);
        return settings;
    }

    @Test
    void mapsDeclarePoolsWithDefaultSizeOfFour() {
        Map<String, Map<String, Object>> threads = new LinkedHashMap<>();
        threads.put("io", size(10));
        threads.put("misc", Map.of());
        try (PoolManager manager = PoolManager.fromMaps(threads, Map.of("cpu", size(2)))) {
            assertThat(manager.getPoolNames()).containsExactly("io", "misc", "cpu");
            assertThat(manager.getPool("io").getSize()).isEqualTo(10);
            assertThat(manager.getPool("misc").getSize()).isEqualTo(PoolManager.DEFAULT_POOL_SIZE).isEqualTo(4);
            assertThat(manager.getPool("cpu").isProcessPool()).isTrue();
            assertThat(manager.getPool("io").isThreadPool()).isTrue();
        }
    }

    @Test
    void mapSizeAcceptsIntegralNumbersOfAnyType() {
        PoolManager manager = PoolManager.fromMaps(Map.of("a", size(3L), "b", size(2.0)), null);

        assertThat(manager.getPool("a").getSize()).isEqualTo(3);
        assertThat(manager.getPool("b").getSize()).isEqualTo(2);
    }

    @Test
    void nonIntegerSizeIsRejectedWithTheValue() {
        assertThatThrownBy(() -> PoolManager.fromMaps(Map.of("io", size("ten")), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Size of thread pool 'io' must be an integer, got String 'ten'");
        assertThatThrownBy(() -> PoolManager.fromMaps(null, Map.of("cpu", size(2.5))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Size of process pool 'cpu' must be an integer, got 2.5");
    }

    @Test
    void missingSizeIsRejected() {
        assertThatThrownBy(() -> PoolManager.fromMaps(Map.of("io", size(null)), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Size of thread pool 'io' is missing (null)")
                .hasMessageContaining("leave out 'size' for the default of 4");
    }

    @Test
    void zeroSizeFromMapIsRejected() {
        assertThatThrownBy(() -> PoolManager.fromMaps(Map.of("io", size(0)), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Size of thread pool 'io' must be at least 1, got 0");
    }

    @Test
    void notANumberSizeIsRejected() {
        assertThatThrownBy(() -> PoolManager.fromMaps(Map.of("io", size(Double.NaN)), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Size of thread pool 'io' must be an integer, got NaN");
    }

    @Test
    void unknownSettingIsRejected() {
        assertThatThrownBy(() -> PoolManager.fromMaps(Map.of("io", Map.of("szie", 3)), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Unknown setting 'szie' for thread pool 'io'; the only setting is 'size'");
    }

    @Test
    void nameUsedTwiceIsRejected() {
        assertThatThrownBy(() -> PoolManager.fromMaps(Map.of("io", Map.of()), Map.of("io", Map.of())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Pool name 'io' is declared twice");
    }

    @Test
    void unknownPoolNameListsDeclaredPools() {
        PoolManager manager = PoolManager.of(PoolConfig.thread("io", 1));

        assertThatThrownBy(() -> manager.getPool("cpu")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("No pool named 'cpu'; declared pools: [io]");
    }

    @Test
    void getPoolsSkipsUnknownNames() {
        PoolManager manager = PoolManager.of(PoolConfig.thread("a", 1), PoolConfig.thread("b", 1));

        assertThat(manager.getPools(List.of("b", "x", "a"))).extracting(ManagedPool::getName).containsExactly("b", "a");
        assertThat(manager.hasPools()).isTrue();
        assertThat(new PoolManager(List.of()).hasPools()).isFalse();
    }

    @Test
    void startAndStopCoverEveryPool() {
        PoolManager manager = PoolManager.of(PoolConfig.thread("a", 1), PoolConfig.thread("b", 2));

        manager.start();
        assertThat(manager.getPools(manager.getPoolNames())).allMatch(ManagedPool::isStarted);
        assertThat(manager.getPool("b").submit(() -> "ok").join()).isEqualTo("ok");
        manager.close();

        assertThat(manager.getPools(manager.getPoolNames())).noneMatch(ManagedPool::isStarted);
    }

    @Test
    void leastBusyPicksMostIdlePool() {
        try (PoolManager manager = PoolManager.of(PoolConfig.thread("small", 2), PoolConfig.thread("large", 3))) {
            manager.start();
            CountDownLatch release = new CountDownLatch(1);
            try {
                assertThat(manager.selectPool(List.of("small", "large")).getName()).isEqualTo("large");

                ManagedPool large = manager.getPool("large");
                large.submit(() -> release.await(10, TimeUnit.SECONDS), large.getWorkers().get(0));
                large.submit(() -> release.await(10, TimeUnit.SECONDS), large.getWorkers().get(1));
                await().atMost(Duration.ofSeconds(5)).until(() -> large.getAvailableWorkers() == 1);

                assertThat(manager.selectPool(List.of("small", "large"), PoolSelection.LEAST_BUSY).getName())
                        .isEqualTo("small");
            } finally {
                release.countDown();
            }
        }
    }

    @Test
    void leastBusyBreaksTiesByOrder() {
        PoolManager manager = PoolManager.of(PoolConfig.thread("a", 2), PoolConfig.thread("b", 2));

        assertThat(manager.selectPool(List.of("b", "a"), PoolSelection.LEAST_BUSY).getName()).isEqualTo("b");
    }

    @Test
    void roundRobinTakesCandidatesInTurn() {
        PoolManager manager = PoolManager.of(PoolConfig.thread("a", 1), PoolConfig.thread("b", 1),
                PoolConfig.thread("c", 1));

        List<String> picked = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            picked.add(manager.selectPool(List.of("a", "b", "c", "unknown"), PoolSelection.ROUND_ROBIN).getName());
        }

        assertThat(picked).containsExactly("a", "b", "c", "a", "b", "c");
    }

    @Test
    void randomPicksEveryCandidateSometimes() {
        PoolManager manager = PoolManager.of(PoolConfig.thread("a", 1), PoolConfig.thread("b", 1),
                PoolConfig.thread("c", 1));
        Set<String> picked = new HashSet<>();

        for (int i = 0; i < 300; i++) {
            picked.add(manager.selectPool(List.of("a", "b", "c"), PoolSelection.RANDOM).getName());
        }

        assertThat(picked).containsExactlyInAnyOrder("a", "b", "c");
    }

    @Test
    void selectWithoutAnyDeclaredCandidateIsRejected() {
        PoolManager manager = PoolManager.of(PoolConfig.thread("io", 1));

        assertThatThrownBy(() -> manager.selectPool(List.of("x", "y"), PoolSelection.RANDOM))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("None of the pools [x, y] is declared; declared pools: [io]");
    }
}
