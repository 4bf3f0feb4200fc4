package dev.netrun.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import dev.netrun.pools.PoolManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileDigestPipelineTest {

    @TempDir
    Path fixture;

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    @Test
    void reportsDigestsAndCountsOfEveryFile() throws Exception {
        Path hello = Files.writeString(fixture.resolve("hello.txt"), "hello world\n");
        Path poem = Files.writeString(fixture.resolve("poem.txt"), "one two\n\tthree  four\nfive");
        Path empty = Files.writeString(fixture.resolve("empty.txt"), "");
        Files.createDirectories(fixture.resolve("nested/deeper"));
        byte[] noise = new byte[200_000];
        new Random(42).nextBytes(noise);
        Path binary = Files.write(fixture.resolve("nested/deeper/noise.bin"), noise);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);

        FileDigestPipeline.Summary summary;
        try (PoolManager pools = FileDigestPipeline.defaultPools()) {
            pools.start();
            FileDigestPipeline pipeline = new FileDigestPipeline(pools, out);
            summary = pipeline.run(FileDigestPipeline.listFiles(fixture, out));
            pipeline.printSummary(summary);
        }

        assertThat(summary.digests()).hasSize(4);
        assertThat(summary.skipped()).isEmpty();
        FileDigest helloDigest = summary.digests().get(hello.toString());
        assertThat(helloDigest.sha256()).isEqualTo("a948904f2f0f479b8f8197694b30184b0d2ed1c1cd2a1ec0fb85d299a192a447");
        assertThat(helloDigest.lines()).isEqualTo(1);
        assertThat(helloDigest.words()).isEqualTo(2);
        assertThat(helloDigest.bytes()).isEqualTo(12);
        FileDigest poemDigest = summary.digests().get(poem.toString());
        assertThat(poemDigest.sha256()).isEqualTo(sha256(poem));
        assertThat(poemDigest.lines()).isEqualTo(3);
        assertThat(poemDigest.words()).isEqualTo(5);
        FileDigest emptyDigest = summary.digests().get(empty.toString());
        assertThat(emptyDigest.sha256()).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assertThat(emptyDigest.lines()).isZero();
        assertThat(emptyDigest.words()).isZero();
        assertThat(summary.digests().get(binary.toString()).sha256()).isEqualTo(sha256(binary));
        assertThat(summary.bytes()).isEqualTo(Files.size(hello) + Files.size(poem) + Files.size(binary));

        String output = printed.toString(StandardCharsets.UTF_8);
        assertThat(output).contains("[4/4]").contains("files:   4 digested, 0 skipped")
                .contains("pool io (thread, 2 workers)").contains("pool digest (process, 2 workers)");
        assertThat(summary.workerReport().get("digest (process, 2 workers)"))
                .allMatch(line -> line.matches("worker \\d \\(pid \\d+\\): \\d tasks"));
        assertThat(summary.workerReport().get("io (thread, 2 workers)"))
                .allMatch(line -> line.matches("worker \\d: \\d tasks"));
    }

    @Test
    void vanishedFileIsReportedAndSkipped() throws Exception {
        Path kept = Files.writeString(fixture.resolve("kept.txt"), "still here\n");
        Path vanished = fixture.resolve("vanished.txt");
        List<Path> files = new ArrayList<>(List.of(vanished, kept));
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);

        FileDigestPipeline.Summary summary;
        try (PoolManager pools = FileDigestPipeline.defaultPools()) {
            pools.start();
            summary = new FileDigestPipeline(pools, out).run(files);
        }

        assertThat(summary.digests()).containsOnlyKeys(kept.toString());
        assertThat(summary.skipped()).singleElement().satisfies(skipped -> {
            assertThat(skipped.path()).isEqualTo(vanished.toString());
            assertThat(skipped.reason()).contains("NoSuchFileException");
        });
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("skipped " + vanished);
    }

    @Test
    void emptyDirectoryFinishesWithNothingDigested() throws Exception {
        try (PoolManager pools = FileDigestPipeline.defaultPools()) {
            pools.start();
            FileDigestPipeline.Summary summary = new FileDigestPipeline(pools, System.out)
                    .run(FileDigestPipeline.listFiles(fixture, System.out));

            assertThat(summary.digests()).isEmpty();
            assertThat(summary.bytes()).isZero();
        }
    }
}
