package dev.netrun.pools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ProcessDeserializationLimitsTest {

    private static ManagedPool pool;
    private static ManagedPool narrowed;

    /** A chain of nodes, as deep as it is long. */
    record Link(Link next, int value) implements Serializable {
        static Link chain(int length) {
            Link head = null;
            for (int i = 0; i < length; i++) {
                head = new Link(head, i);
            }
            return head;
        }
    }

    record Item(int value) implements Serializable {
    }

    @BeforeAll
    static void startPools() {
        DeserializationLimits limits = DeserializationLimits.defaults()
                .withMaxBytes(64 * 1024)
                .withMaxDepth(50)
                .withMaxArrayLength(10_000)
                .withMaxReferences(2_000);
        pool = new ManagedPool(PoolConfig.process("limits", 1,
                ProcessOptions.builder().deserializationLimits(limits).build()));
        narrowed = new ManagedPool(PoolConfig.process("narrowed", 1,
                ProcessOptions.builder().allowedClasses("java.base/*;dev.netrun.pools.*;!*").build()));
        pool.start();
        narrowed.start();
    }

    @AfterAll
    static void stopPools() {
        pool.stop(Duration.ofSeconds(10));
        narrowed.stop(Duration.ofSeconds(10));
    }

    @AfterEach
    void poolsStillServe() {
        assertThat(pool.submit(() -> "served").join()).isEqualTo("served");
        assertThat(narrowed.submit(() -> new Item(3)).join()).isEqualTo(new Item(3));
    }

    @Test
    void oversizedTaskFailsBeforeSending() {
        byte[] payload = new byte[100_000];

        CompletableFuture<Integer> future = pool.submit(() -> payload.length);

        assertThatThrownBy(future::join).cause().isInstanceOf(DeserializationRejectedException.class)
                .hasMessageContaining("exceeds maxBytes 65536")
                .satisfies(e -> assertThat(((DeserializationRejectedException) e).getLimit()).isEqualTo("maxBytes"));
    }

    @Test
    void oversizedResultFailsInWorker() {
        CompletableFuture<String> future = pool.submit(() -> "x".repeat(80_000));

        assertThatThrownBy(future::join).cause().isInstanceOf(DeserializationRejectedException.class)
                .hasMessageContaining("Result of task")
                .hasMessageContaining("exceeds maxBytes 65536");
    }

    @Test
    void deepTaskRejectedByWorker() {
        Link chain = Link.chain(200);

        CompletableFuture<Integer> future = pool.submit(() -> chain.value());

        assertThatThrownBy(future::join).cause().isInstanceOf(DeserializationRejectedException.class)
                .hasMessageContaining("Deserialization of task")
                .hasMessageContaining("exceeds maxDepth 50")
                .satisfies(e -> assertThat(((DeserializationRejectedException) e).getLimit()).isEqualTo("maxDepth"));
    }

    @Test
    void deepResultRejectedByPool() {
        CompletableFuture<Link> future = pool.submit(() -> Link.chain(200));

        assertThatThrownBy(future::join).cause().isInstanceOf(DeserializationRejectedException.class)
                .hasMessageContaining("Deserialization of the result of task")
                .hasMessageContaining("exceeds maxDepth 50");
    }

    @Test
    void longArrayIsRejected() {
        CompletableFuture<int[]> ints = pool.submit(() -> new int[12_000]);
        CompletableFuture<byte[]> bytes = pool.submit(() -> new byte[20_000]);

        assertThatThrownBy(ints::join).cause().isInstanceOf(DeserializationRejectedException.class)
                .hasMessageContaining("an array of length 12000 exceeds maxArrayLength 10000");
        assertThatThrownBy(bytes::join).cause().isInstanceOf(DeserializationRejectedException.class)
                .hasMessageContaining("exceeds maxArrayLength 10000");
    }

    @Test
    void tooManyReferencesAreRejected() {
        CompletableFuture<List<Item>> future = pool.submit(() -> {
            List<Item> items = new ArrayList<>();
            for (int i = 0; i < 3_000; i++) {
                items.add(new Item(i));
            }
            return items;
        });

        assertThatThrownBy(future::join).cause().isInstanceOf(DeserializationRejectedException.class)
                .hasMessageContaining("exceed maxReferences 2000")
                .satisfies(e -> assertThat(((DeserializationRejectedException) e).getLimit()).isEqualTo("maxReferences"));
    }

    @Test
    void disallowedClassRejectedBothWays() {
        java.awt.Point point = new java.awt.Point(1, 2);

        CompletableFuture<Integer> task = narrowed.submit(() -> point.x);
        CompletableFuture<Object> result = narrowed.submit(() -> new java.awt.Point(3, 4));

        assertThatThrownBy(task::join).cause().isInstanceOf(DeserializationRejectedException.class)
                .hasMessageContaining("class java.awt.Point is not allowed by the pattern 'java.base/*;dev.netrun.pools.*;!*'")
                .satisfies(e -> assertThat(((DeserializationRejectedException) e).getLimit()).isEqualTo("allowedClasses"));
        assertThatThrownBy(result::join).cause().isInstanceOf(DeserializationRejectedException.class)
                .hasMessageContaining("Deserialization of the result of task")
                .hasMessageContaining("class java.awt.Point is not allowed");
    }
}
