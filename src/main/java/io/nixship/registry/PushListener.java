package io.nixship.registry;

import io.nixship.image.Descriptor;

/** Hears how a push goes, for a progress display. Called from several threads. */
public interface PushListener {
  PushListener NONE = new PushListener() {};

  /** Before any blob: how many layers and how many bytes of layers and config there are. */
  default void started(int layers, long bytes) {}

  /** Bytes just sent; negative when a failed attempt's bytes are to be sent again. */
  default void bytesSent(long delta) {}

  /** One layer is in the repository. */
  default void layerDone(Descriptor layer, BlobOutcome outcome) {}

  /** Every blob, the manifest and the tags are in the registry. */
  default void finished() {}
}
