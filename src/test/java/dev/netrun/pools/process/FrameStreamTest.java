package dev.netrun.pools.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FrameStreamTest {

    private static final byte[] TYPES = {Frame.RESULT, Frame.OUTPUT};

    private static byte[] frame(byte type, String payload, boolean checksums) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        FrameWriter writer = new FrameWriter(out, checksums);
        FrameBuffer buffer = new FrameBuffer(16);
        byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
        buffer.write(bytes, 0, bytes.length);
        writer.append(type, buffer);
        writer.flush();
        return out.toByteArray();
    }

    private static FrameReader reader(byte[] stream) {
        return new FrameReader(new ByteArrayInputStream(stream), 1 << 20, true, TYPES);
    }

    private static String text(Frame frame) {
        return new String(frame.payload(), StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.write(part, 0, part.length);
        }
        return out.toByteArray();
    }

    @Test
    void framesRoundTripWithChecksums() throws IOException {
        FrameReader reader = reader(concat(frame(Frame.RESULT, "first", true), frame(Frame.OUTPUT, "second", true)));

        Frame first = reader.read();
        Frame second = reader.read();

        assertThat(first.type()).isEqualTo(Frame.RESULT);
        assertThat(text(first)).isEqualTo("first");
        assertThat(second.type()).isEqualTo(Frame.OUTPUT);
        assertThat(text(second)).isEqualTo("second");
        assertThat(reader.read()).isNull();
    }

    @Test
    void textBetweenFramesIsDeliveredAsStray() throws IOException {
        byte[] text = "native says hi\n".getBytes(StandardCharsets.UTF_8);
        FrameReader reader = reader(concat(frame(Frame.RESULT, "a", true), text, frame(Frame.RESULT, "b", true)));

        assertThat(text(reader.read())).isEqualTo("a");
        Frame stray = reader.read();
        assertThat(stray.type()).isEqualTo(Frame.STRAY);
        assertThat(text(stray)).isEqualTo("native says hi");
        assertThat(text(reader.read())).isEqualTo("b");
    }

    @Test
    void strayFrameMarkerInOtherOutputIsText() throws IOException {
        byte[] garbage = {Frame.MAGIC, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, '\n'};
        FrameReader reader = reader(concat(garbage, frame(Frame.OUTPUT, "after", true)));

        Frame stray = reader.read();

        assertThat(stray.type()).isEqualTo(Frame.STRAY);
        assertThat(stray.payload()).hasSize(12);
        assertThat(text(reader.read())).isEqualTo("after");
    }

    @Test
    void unacceptedFrameTypeIsText() throws IOException {
        FrameReader reader = reader(concat(frame(Frame.TASK, "task", true), frame(Frame.OUTPUT, "after", true)));

        Frame first = reader.read();

        assertThat(first.type()).isEqualTo(Frame.STRAY);
        Frame next;
        do {
            next = reader.read();
        } while (next.type() == Frame.STRAY);
        assertThat(text(next)).isEqualTo("after");
    }

    @Test
    void textWrittenIntoAFrameFailsItsChecksum() throws IOException {
        byte[] frame = frame(Frame.RESULT, "0123456789abcdefghij", true);
        byte[] text = "native says hi\n".getBytes(StandardCharsets.UTF_8);
        int middle = Frame.HEADER_BYTES + 5;
        byte[] corrupted = concat(java.util.Arrays.copyOf(frame, middle), text,
                java.util.Arrays.copyOfRange(frame, middle, frame.length));

        assertThatThrownBy(() -> reader(corrupted).read()).isInstanceOf(CorruptFrameException.class)
                .hasMessageContaining("failed its checksum");
    }

    @Test
    void framesWithoutChecksumsAreReadWhenNotVerified() throws IOException {
        FrameReader reader = new FrameReader(new ByteArrayInputStream(frame(Frame.TASK, "task", false)), 1 << 20,
                false, Frame.TASK);

        assertThat(text(reader.read())).isEqualTo("task");
    }
}
