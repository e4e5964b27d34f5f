package io.nixship.image;

import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The threads that deflate gzip blocks, shared by every layer one compressor writes, and the bound
 * on blocks in flight across all of them, so memory stays a fixed number of blocks however many
 * layers compress at once and however large they are. Threads are started on demand and end when
 * idle, so nothing needs closing.
 */
final class BlockDeflaters {
    private final ThreadPoolExecutor pool;
    private final Semaphore inFlight;
    private final int maxInFlight;
    private final AtomicInteger held = new AtomicInteger();
    private final AtomicInteger peakHeld = new AtomicInteger();

    BlockDeflaters(int threads) {
        this.maxInFlight = 2 * threads;
        this.inFlight = new Semaphore(maxInFlight);
        this.pool =
                new ThreadPoolExecutor(
                        threads,
                        threads,
                        1,
                        TimeUnit.SECONDS,
                        new LinkedBlockingQueue<>(),
                        task -> {
                            Thread thread = new Thread(task, "nixship-deflate");
                            thread.setDaemon(true);
                            return thread;
                        });
        pool.allowCoreThreadTimeOut(true);
    }

    int maxInFlight() {
        return maxInFlight;
    }

    /** The most blocks ever held at once (queued, deflating or waiting to be written). */
    int peakInFlight() {
        return peakHeld.get();
    }

    /** A slot for one more block, if one is free now. */
    boolean tryReserve() {
        if (!inFlight.tryAcquire()) {
            return false;
        }
        peakHeld.accumulateAndGet(held.incrementAndGet(), Math::max);
        return true;
    }

    /**
     * Waits for a slot; only called by a stream that holds none, so the holders can always free
     * theirs.
     */
    void reserve() throws InterruptedException {
        inFlight.acquire();
        peakHeld.accumulateAndGet(held.incrementAndGet(), Math::max);
    }

    void release() {
        held.decrementAndGet();
        inFlight.release();
    }

    Future<byte[]> submit(Supplier<byte[]> deflate) {
        return pool.submit(deflate::get);
    }
}
