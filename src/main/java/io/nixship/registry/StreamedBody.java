package io.nixship.registry;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.http.HttpRequest.BodyPublisher;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.Flow;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * A request body of unknown length (sent chunked) that a producer thread writes while it makes the
 * bytes. Each write waits until the HTTP client asks for more, so at most one buffer is held
 * whatever the body's size, and no HTTP client thread ever blocks on the producer. Once the request
 * has failed or was given up, writes are dropped: the producer carries on with its other work.
 *
 * <p>Two locks: {@code state} guards demand and the flags and is all the HTTP client's threads take
 * (never while we call into the client), {@code signals} keeps our calls to the subscriber in
 * order.
 */
final class StreamedBody implements BodyPublisher {
    private final ReentrantLock state = new ReentrantLock();
    private final Condition demandChanged = state.newCondition();
    private final Object signals = new Object();
    private Flow.Subscriber<? super ByteBuffer> subscriber;
    private long demand;

    /** The client cancelled (the request failed) or we failed the body: nothing more is sent. */
    private boolean closed;

    /** The producer wrote the last byte before the client subscribed. */
    private boolean completedEarly;

    @Override
    public long contentLength() {
        return -1;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> newSubscriber) {
        boolean refused;
        boolean completeNow;
        state.lock();
        try {
            refused = subscriber != null || (closed && !completedEarly);
            completeNow = completedEarly;
            if (!refused) {
                subscriber = newSubscriber;
            }
        } finally {
            state.unlock();
        }
        synchronized (signals) {
            newSubscriber.onSubscribe(new Subscription());
            if (refused) {
                newSubscriber.onError(new IOException("a streamed body can be sent only once"));
            } else if (completeNow) {
                newSubscriber.onComplete();
            }
        }
    }

    /**
     * Sends a copy of the bytes once the client wants them; false, without waiting further, when
     * the request has failed or was given up.
     */
    boolean write(byte[] bytes, int offset, int length) throws InterruptedIOException {
        Flow.Subscriber<? super ByteBuffer> target;
        state.lock();
        try {
            while (!closed && (subscriber == null || demand == 0)) {
                demandChanged.await();
            }
            if (closed) {
                return false;
            }
            demand--;
            target = subscriber;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while streaming a layer");
        } finally {
            state.unlock();
        }
        synchronized (signals) {
            target.onNext(ByteBuffer.wrap(Arrays.copyOfRange(bytes, offset, offset + length)));
        }
        return true;
    }

    /** The last byte was written: the body ends (at once, or as soon as the client subscribes). */
    void complete() {
        close(true, Flow.Subscriber::onComplete);
    }

    /**
     * Gives the body up: the request fails with {@code cause} and a waiting producer is released.
     */
    void fail(Throwable cause) {
        close(false, target -> target.onError(cause));
    }

    /**
     * Closes the body once: a subscriber already there hears {@code signal}; one that comes later
     * hears the completion, or an error if the body was given up.
     */
    private void close(boolean completing, Consumer<Flow.Subscriber<? super ByteBuffer>> signal) {
        Flow.Subscriber<? super ByteBuffer> target;
        state.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            target = subscriber;
            completedEarly = completing && target == null;
            demandChanged.signalAll();
        } finally {
            state.unlock();
        }
        if (target != null) {
            synchronized (signals) {
                signal.accept(target);
            }
        }
    }

    private final class Subscription implements Flow.Subscription {
        @Override
        public void request(long n) {
            state.lock();
            try {
                if (n <= 0) {
                    // Against the Flow rules: treat it as the client giving the body up.
                    closed = true;
                } else {
                    demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
                }
                demandChanged.signalAll();
            } finally {
                state.unlock();
            }
        }

        @Override
        public void cancel() {
            state.lock();
            try {
                closed = true;
                demandChanged.signalAll();
            } finally {
                state.unlock();
            }
        }
    }
}
