package io.nixship.image;

import io.nixship.NixshipException;
import io.nixship.nix.Closure;
import io.nixship.nix.StorePathInfo;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Assembles an OCI image from a closure without a Docker daemon: one layer per planned group of store
 * paths (served from the {@link LayerBlobStore} when already there), then the app layer, then the
 * config and manifest.
 */
public final class ImageAssembler {
  /** Bumped whenever the tar layout changes, so cached layers of the old layout are not reused. */
  private static final String TAR_FORMAT = "nixship-tar-1";

  private final LayerBlobStore blobs;
  private final Path fsRoot;
  private final LayerTarWriter tarWriter;
  private final LayerCompressor compressor;
  private final ImageConfigFactory configs = new ImageConfigFactory();

  /** {@code fsRoot} is where {@code nix/store} is found: {@code /} for the real store. */
  public ImageAssembler(LayerBlobStore blobs, Path fsRoot, LayerTarWriter tarWriter, LayerCompressor compressor) {
    this.blobs = blobs;
    this.fsRoot = fsRoot;
    this.tarWriter = tarWriter;
    this.compressor = compressor;
  }

  /** Real store at {@code /}, mtime 1970-01-01T00:00:01Z, gzip level 6. */
  public ImageAssembler(LayerBlobStore blobs) {
    this(blobs, Path.of("/"), new LayerTarWriter(), new LayerCompressor());
  }

  /** Tar layout, mtime and compression: a cached layer is reused only when all three match. */
  public String layerFormat() {
    return TAR_FORMAT + ";mtime=" + tarWriter.mtime().getEpochSecond() + ";" + compressor.id();
  }

  /**
   * The image: the closure's paths in the plan's groups and order, then the app files (the contents
   * of {@code appDirectory}, which may be absent) at {@code settings.workingDir()}, with {@code /bin}
   * pointing into the closure's out path (the environment).
   */
  public AssembledImage assemble(Closure closure, List<List<String>> layerPlan, Path appDirectory, ImageSettings settings) {
    checkPlanCoversClosure(closure, layerPlan);
    AppLayerContents app = new AppLayerContents(appDirectory, settings.workingDir(), closure.outPath());
    String format = layerFormat();
    List<Layer> layers = new ArrayList<>();
    int fromCache = 0;
    int compressed = 0;
    try {
      for (List<String> group : layerPlan) {
        List<String> storePaths = group.stream().sorted().toList();
        var cached = blobs.find(storePaths, format);
        StoredLayer stored;
        if (cached.isPresent()) {
          stored = cached.get();
          fromCache++;
        } else {
          stored = blobs.store(storePaths, format, out -> tarWriter.writeStorePaths(fsRoot, storePaths, out), compressor);
          compressed++;
        }
        layers.add(layer(stored, Map.of(
            ImageConfigFactory.STORE_PATHS_ANNOTATION, String.join(",", storePaths),
            ImageConfigFactory.LAYER_FORMAT_ANNOTATION, format)));
      }
      StoredLayer appLayer = blobs.storeBlob(List.of(), out -> tarWriter.writeAppLayer(app, out), compressor);
      compressed++;
      layers.add(layer(appLayer, Map.of()));
    } catch (IOException e) {
      throw NixshipException.failure("cannot write layer blobs under " + blobs.directory() + ": " + e.getMessage(), e);
    }
    byte[] config = configs.config(settings, closure.outPath(),
        layers.stream().map(Layer::diffId).toList(),
        layers.stream().map(l -> ImageConfigFactory.describeLayer(l.storePaths())).toList());
    Descriptor configDescriptor = new Descriptor(OciImage.CONFIG_MEDIA_TYPE, Digests.sha256(config), config.length);
    byte[] manifest = configs.manifest(configDescriptor, layers.stream().map(l -> l.blob().descriptor()).toList());
    OciImage image = new OciImage(new Blob(configDescriptor, () -> new ByteArrayInputStream(config)), layers,
        manifest, Digests.sha256(manifest));
    return new AssembledImage(image, fromCache, compressed);
  }

  private Layer layer(StoredLayer stored, Map<String, String> annotations) {
    Path blob = blobs.blobPath(stored.digest());
    Descriptor descriptor = new Descriptor(OciImage.LAYER_MEDIA_TYPE, stored.digest(), stored.size(), annotations);
    return new Layer(new Blob(descriptor, () -> Files.newInputStream(blob)), stored.diffId(), stored.storePaths());
  }

  private static void checkPlanCoversClosure(Closure closure, List<List<String>> layerPlan) {
    Set<String> planned = new HashSet<>();
    for (List<String> group : layerPlan) {
      for (String path : group) {
        if (!planned.add(path)) {
          throw new IllegalArgumentException("layer plan holds " + path + " twice");
        }
      }
    }
    Set<String> closurePaths = new HashSet<>(closure.paths().stream().map(StorePathInfo::path).toList());
    if (!planned.equals(closurePaths)) {
      throw new IllegalArgumentException("layer plan does not match the closure of " + closure.outPath());
    }
  }
}
