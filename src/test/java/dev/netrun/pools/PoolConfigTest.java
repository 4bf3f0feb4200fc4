package dev.netrun.pools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class PoolConfigTest {

    @Test
    void sizeBelowOneIsRejected() {
        assertThatThrownBy(() -> PoolConfig.thread("io", 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Pool size must be at least 1, got 0");
        assertThatThrownBy(() -> PoolConfig.process("cpu", -3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Pool size must be at least 1, got -3");
    }

    @Test
    void blankNameIsRejected() {
        assertThatThrownBy(() -> PoolConfig.thread("  ", 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Pool name must not be blank, got '  '");
    }

    @Test
    void nameWithControlCharacterIsRejected() {
        assertThatThrownBy(() -> PoolConfig.thread("io\n", 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must not contain control characters, got 'io?'");
    }

    @Test
    void threadPoolWithProcessOptionsIsRejected() {
        assertThatThrownBy(() -> new PoolConfig("io", PoolType.THREAD, 1, ProcessOptions.defaults()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Pool 'io' is a thread pool, but process options were given");
    }

    @Test
    void processPoolGetsDefaultOptions() {
        PoolConfig config = PoolConfig.process("cpu", 2);

        assertThat(config.getProcessOptions()).contains(ProcessOptions.defaults());
        assertThat(PoolConfig.thread("io", 1).getProcessOptions()).isEmpty();
    }

    @Test
    void configsWithSameSettingsAreEqual() {
        assertThat(PoolConfig.thread("io", 3)).isEqualTo(PoolConfig.thread("io", 3))
                .hasSameHashCodeAs(PoolConfig.thread("io", 3))
                .isNotEqualTo(PoolConfig.thread("io", 4));
    }

    @Test
    void processOptionsRejectBadValuesWithTheValue() {
        ProcessOptions.Builder builder = ProcessOptions.builder();

        assertThatThrownBy(() -> builder.startupTimeout(Duration.ZERO)).hasMessage("Startup timeout must be positive, got PT0S");
        assertThatThrownBy(() -> builder.taskTimeout(Duration.ofSeconds(-1)))
                .hasMessage("Task timeout must be positive, got PT-1S");
        assertThatThrownBy(() -> builder.maxTasksPerWorker(-5)).hasMessageContaining("got -5");
        assertThatThrownBy(() -> builder.jvmArguments("-cp", "lib.jar")).hasMessageContaining("JVM argument '-cp' sets the classpath");
        assertThatThrownBy(() -> builder.environment("A=B", "x")).hasMessageContaining("got 'A=B'");
        assertThatThrownBy(() -> builder.classpath(" ")).hasMessageContaining("Classpath must not be blank");
        assertThatThrownBy(() -> builder.allowedClasses("com.example.**;!")).hasMessageContaining(
                "Allowed classes pattern 'com.example.**;!' is malformed");
    }

    @Test
    void deserializationLimitsRejectValuesOutOfRange() {
        assertThatThrownBy(() -> DeserializationLimits.defaults().withMaxDepth(0)).hasMessage("maxDepth must be at least 1, got 0");
        assertThatThrownBy(() -> DeserializationLimits.defaults().withMaxBytes(0))
                .hasMessageContaining("maxBytes must be between 1 and").hasMessageContaining("got 0");
    }

    @Test
    void taskOptionsRejectBadValues() {
        assertThatThrownBy(() -> TaskOptions.forNode(" ")).hasMessage("Node name must not be blank, got ' '");
        assertThatThrownBy(() -> TaskOptions.defaults().withTimeout(Duration.ZERO))
                .hasMessage("Task timeout must be positive, got PT0S");
    }

    @Test
    void initModeParsesItsTextForms() {
        assertThat(PoolInitMode.parse("per_worker")).isEqualTo(PoolInitMode.PER_WORKER);
        assertThat(PoolInitMode.parse(" GLOBAL ")).isEqualTo(PoolInitMode.GLOBAL);
        assertThat(PoolInitMode.GLOBAL.value()).isEqualTo("global");
    }

    @Test
    void unknownInitModeListsTheValidValues() {
        assertThatThrownBy(() -> PoolInitMode.parse("lazy")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Unknown pool init mode: lazy (valid values: per_worker, global)");
    }

    @Test
    void selectionParsesItsTextForms() {
        assertThat(PoolSelection.parse("least_busy")).isEqualTo(PoolSelection.LEAST_BUSY);
        assertThat(PoolSelection.parse("round_robin")).isEqualTo(PoolSelection.ROUND_ROBIN);
        assertThat(PoolSelection.parse("Random")).isEqualTo(PoolSelection.RANDOM);
    }

    @Test
    void unknownSelectionIsRejected() {
        assertThatThrownBy(() -> PoolSelection.parse("x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Unknown pool selection algorithm: x")
                .hasMessageContaining("least_busy, round_robin, random");
    }
}
