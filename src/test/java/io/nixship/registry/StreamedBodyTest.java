package io.nixship.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class StreamedBodyTest {
    /**
     * A client that asks for one buffer when it subscribes and one more each time the test says so.
     */
    private static final class OneAtATime implements Flow.Subscriber<ByteBuffer> {
        final List<String> received = new CopyOnWriteArrayList<>();
        final AtomicReference<Flow.Subscription> subscription = new AtomicReference<>();
        volatile boolean complete;
        volatile Throwable error;

        @Override
        public void onSubscribe(Flow.Subscription given) {
            subscription.set(given);
            given.request(1);
        }

        @Override
        public void onNext(ByteBuffer item) {
            received.add(StandardCharsets.UTF_8.decode(item).toString());
        }

        @Override
        public void onError(Throwable throwable) {
            error = throwable;
        }

        @Override
        public void onComplete() {
            complete = true;
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static void awaitWaiting(Thread thread) throws InterruptedException {
        while (thread.getState() != Thread.State.WAITING && thread.isAlive()) {
            Thread.sleep(5);
        }
    }

    @Test
    void aWriterWaitsUntilTheClientAsksSoOneBufferIsHeldAtATime() throws Exception {
        StreamedBody body = new StreamedBody();
        OneAtATime client = new OneAtATime();
        body.subscribe(client);
        assertThat(body.write(bytes("first"), 0, 5)).isTrue();

        Thread writer =
                new Thread(
                        () -> {
                            try {
                                body.write(bytes("xsecondx"), 1, 6);
                                body.complete();
                            } catch (InterruptedIOException e) {
                                throw new IllegalStateException(e);
                            }
                        });
        writer.start();
        awaitWaiting(writer);
        assertThat(client.received).containsExactly("first");

        client.subscription.get().request(1);
        writer.join();

        assertThat(client.received).containsExactly("first", "second");
        assertThat(client.complete).isTrue();
        assertThat(body.contentLength()).isEqualTo(-1);
    }

    @Test
    void aRequestThatFailsReleasesTheWriterAndLaterBytesAreDropped() throws Exception {
        StreamedBody body = new StreamedBody();
        OneAtATime client = new OneAtATime();
        body.subscribe(client);
        body.write(bytes("one"), 0, 3);
        boolean[] written = new boolean[1];
        Thread writer =
                new Thread(
                        () -> {
                            try {
                                written[0] = body.write(bytes("two"), 0, 3);
                            } catch (InterruptedIOException e) {
                                throw new IllegalStateException(e);
                            }
                        });
        writer.start();
        awaitWaiting(writer);

        client.subscription.get().cancel();
        writer.join();

        assertThat(written[0]).isFalse();
        assertThat(body.write(bytes("three"), 0, 5)).isFalse();
        assertThat(client.received).containsExactly("one");
    }

    @Test
    void aBodyCompletedBeforeTheClientSubscribesEndsAtOnce() {
        StreamedBody body = new StreamedBody();
        body.complete();
        OneAtATime client = new OneAtATime();

        body.subscribe(client);

        assertThat(client.complete).isTrue();
        assertThat(client.error).isNull();
    }

    @Test
    void aBodyGivenUpFailsTheRequest() {
        StreamedBody body = new StreamedBody();
        OneAtATime client = new OneAtATime();
        body.subscribe(client);

        body.fail(new IOException("the layer was abandoned"));

        assertThat(client.error).hasMessage("the layer was abandoned");
        assertThat(client.complete).isFalse();
    }
}
