package dev.netrun.pools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SerializationTest {

    // Holds a field that cannot be serialized, on purpose.
    @SuppressWarnings("serial")
    static class Job implements Serializable {
        private static final long serialVersionUID = 1L;
        final String name = "nightly";
        final Socket connection = new Socket();
    }

    // Its fields are declared with interface types that are not Serializable, on purpose.
    @SuppressWarnings("serial")
    static class Batch implements Serializable {
        private static final long serialVersionUID = 1L;
        final List<Object> jobs = new ArrayList<>();
        final Map<String, Object> settings;

        Batch(Map<String, Object> settings) {
            this.settings = settings;
        }
    }

    static class Careful implements Serializable {
        private static final long serialVersionUID = 1L;
        final transient Socket connection = new Socket();
        final int retries = 3;
    }

    static class Broken implements Serializable {
        private static final long serialVersionUID = 1L;

        private void writeObject(ObjectOutputStream out) throws IOException {
            throw new IOException("disk quota exceeded");
        }
    }

    @Test
    void serializableValuePasses() {
        assertThatCode(() -> Serialization.requireSerializable(new Careful(), "job")).doesNotThrowAnyException();
        assertThatCode(() -> Serialization.requireSerializable(null, "nothing")).doesNotThrowAnyException();
    }

    @Test
    void errorNamesTheClassAndTheFieldPath() {
        assertThatThrownBy(() -> Serialization.requireSerializable(new Job(), "task for pool 'cpu'"))
                .isInstanceOf(UnserializableValueException.class)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Value (task for pool 'cpu') cannot be serialized for process pool execution: ")
                .hasMessageContaining("java.net.Socket is not serializable, reached through Job.connection")
                .hasMessageContaining("mark the field transient")
                .satisfies(e -> {
                    UnserializableValueException error = (UnserializableValueException) e;
                    assertThat(error.getOffendingClassName()).contains("java.net.Socket");
                    assertThat(error.getFieldPath()).contains("Job.connection");
                });
    }

    @Test
    void pathFollowsCollectionsAndMaps() {
        Batch batch = new Batch(Map.of("retry", 2, "target", new Job()));
        batch.jobs.add("first");

        assertThatThrownBy(() -> Serialization.requireSerializable(batch, "batch"))
                .hasMessageContaining("reached through Batch.settings[\"target\"].connection");
    }

    @Test
    void pathFollowsListElements() {
        Batch batch = new Batch(Map.of());
        batch.jobs.add("first");
        batch.jobs.add(new Socket());

        assertThatThrownBy(() -> Serialization.requireSerializable(batch, "batch"))
                .hasMessageContaining("reached through Batch.jobs[1]");
    }

    @Test
    void pathFollowsWhatALambdaCaptures() {
        Job job = new Job();
        SerializableCallable<String> task = () -> job.name;

        assertThatThrownBy(() -> Serialization.requireSerializable(task, "task"))
                .hasMessageContaining("reached through lambda in SerializationTest.captured[0].connection");
    }

    @Test
    void valueThatIsItselfNotSerializableIsNamed() {
        assertThatThrownBy(() -> Serialization.requireSerializable(new Socket(), "result"))
                .hasMessageContaining("java.net.Socket is not serializable (the value itself)");
    }

    @Test
    void failureInsideWriteObjectIsReported() {
        assertThatThrownBy(() -> Serialization.requireSerializable(new Broken(), "result"))
                .isInstanceOf(UnserializableValueException.class)
                .hasMessageContaining("Value (result) cannot be serialized")
                .hasMessageContaining("disk quota exceeded");
    }
}
