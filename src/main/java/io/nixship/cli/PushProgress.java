package io.nixship.cli;

import io.nixship.image.Descriptor;
import io.nixship.registry.BlobOutcome;
import io.nixship.registry.PushListener;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Push progress on stderr: a line redrawn in place when stderr is a terminal, nothing otherwise (the
 * one-line summary at the end is enough for CI logs). Called from the upload threads.
 */
final class PushProgress implements PushListener {
  private final CommandSession session;
  private final boolean interactive;
  private final AtomicInteger layersDone = new AtomicInteger();
  private final AtomicLong bytesSent = new AtomicLong();
  private volatile int layers;
  private volatile long bytes;

  PushProgress(CommandSession session, boolean interactive) {
    this.session = session;
    this.interactive = interactive;
  }

  @Override
  public void started(int layerCount, long totalBytes) {
    this.layers = layerCount;
    this.bytes = totalBytes;
    draw();
  }

  @Override
  public void bytesSent(long delta) {
    bytesSent.addAndGet(delta);
    draw();
  }

  @Override
  public void layerDone(Descriptor layer, BlobOutcome outcome) {
    layersDone.incrementAndGet();
    draw();
  }

  private synchronized void draw() {
    if (!interactive) {
      return;
    }
    var err = session.context().err();
    err.printf("\rpushing: %d/%d layers, %s / %s   ", layersDone.get(), layers, mb(bytesSent.get()), mb(bytes));
    if (layers > 0 && layersDone.get() == layers) {
      err.println();
    }
    err.flush();
  }

  private static String mb(long value) {
    return String.format("%.1f MB", value / 1_000_000.0);
  }
}
