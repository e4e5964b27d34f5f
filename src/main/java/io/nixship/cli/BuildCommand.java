package io.nixship.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nixship.image.ImageBuildService;
import io.nixship.image.ImageDestination;
import io.nixship.image.ImageInputs;
import io.nixship.image.LayerCompressor;
import io.nixship.image.LayerBlobStore;
import io.nixship.image.LayerListener;
import io.nixship.image.PreviousImageLookup;
import io.nixship.nix.SystemProcessRunner;
import io.nixship.registry.ImagePublisher;
import io.nixship.registry.LayerUploads;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code nixship build}: a project at a commit becomes an image in a layout, an archive or a registry. */
@Command(
    name = "build",
    mixinStandardHelpOptions = true,
    description = {
      "Builds the project at a commit with the locked nixpkgs (BUILD=1) into an OCI image.",
      "Prints the image reference with its digest on stdout."
    })
final class BuildCommand implements Callable<Integer> {
  private final CliContext context;

  @Mixin ProjectOptions project;

  @Mixin RegistryOptions registry;

  @Mixin CompressionOptions compression;

  @Option(
      names = "--to",
      paramLabel = "DEST",
      description = "oci:DIR (an OCI layout), docker-archive:FILE (for docker load) or REGISTRY/REPO[:TAG] "
          + "(default: the image in .nixship.yaml, pushed).")
  String to;

  @Option(names = "--max-layers", paramLabel = "N", description = "Most layers in the image (default: .nixship.yaml, else 100).")
  Integer maxLayers;

  @Option(names = "--tag", paramLabel = "TAG", description = "Extra tags to push the image under (repeatable).")
  List<String> extraTags = List.of();

  @Option(names = "--cache-dir", paramLabel = "DIR", description = "Layer cache (default: $XDG_CACHE_HOME/nixship or ~/.cache/nixship).")
  Path cacheDir;

  @Option(
      names = "--rebuild",
      description = "Build and push even when the registry already holds an image of the same commit, lock and settings.")
  boolean rebuild;

  @Option(names = "--json", description = "Print the result as JSON: digest, tag, size, layers, bytes uploaded.")
  boolean json;

  BuildCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    CommandSession session = new CommandSession(context);
    ImagePublisher publisher =
        new ImagePublisher(
            context.env(),
            context.home(),
            registry.settings(session::addMask),
            registry.credentials(context, session::addMask));
    Optional<ImageDestination> given = Optional.ofNullable(to).map(value -> publisher.destination(value, context.workingDir()));
    // The registry check (client, credentials, one request) overlaps reading the commit.
    Optional<CompletableFuture<Void>> access =
        given.map(destination -> CompletableFuture.runAsync(() -> publisher.checkAccess(destination)));
    ImageBuildService service = new ImageBuildService(new SystemProcessRunner(), context.env(), session::log);
    Path directory = project.directory(context);
    int cores = Runtime.getRuntime().availableProcessors();
    Path cache = cacheDir != null ? context.workingDir().resolve(cacheDir) : LayerBlobStore.defaultDirectory(context.env());
    OptionalInt layerCap = maxLayers == null ? OptionalInt.empty() : OptionalInt.of(maxLayers);
    LayerCompressor compressor = compression.compressor(cores);
    ImageInputs inputs = service.inputs(new ImageBuildService.Request(
        directory, project.commit, layerCap, cache, compressor, cores, PreviousImageLookup.NONE, LayerListener.NONE,
        Optional.empty()));
    // Without --to the destination is the configured image at the commit.
    ImageDestination destination =
        given.orElseGet(() -> publisher.destination(inputs.config().requireImage(), context.workingDir()));
    access.ifPresentOrElse(BuildCommand::awaitAccess, () -> publisher.checkAccess(destination));
    if (!rebuild) {
      Optional<ImagePublisher.Published> current = publisher.findBuilt(destination, inputs, extraTags);
      if (current.isPresent()) {
        return upToDate(session, current.get());
      }
    }
    PushProgress progress = new PushProgress(session, context.interactive());
    // For a registry, each layer's upload starts as soon as it is compressed.
    Optional<LayerUploads> uploads = publisher.startUploads(destination, progress);
    ImageBuildService.BuiltImage built;
    ImagePublisher.Published published;
    try {
      built = session.group("nixship build", () -> service.build(new ImageBuildService.Request(
          directory,
          project.commit,
          layerCap,
          cache,
          compressor,
          cores,
          publisher.previousImage(destination, extraTags),
          uploads.<LayerListener>map(started -> started).orElse(LayerListener.NONE),
          Optional.empty())));
      published = session.group("nixship publish", () -> publisher.publish(
          built.image(), destination, built.tag(), extraTags, built.config().image(), progress, uploads));
    } finally {
      uploads.ifPresent(LayerUploads::close);
      progress.end();
    }
    session.log(String.format(
        "built %s: %d layers (%d from cache), %d store paths, %d Python packages",
        published.digest(),
        built.image().layers().size(),
        built.assembled().layersFromCache(),
        built.closure().paths().size(),
        built.freeze().entries().size()));
    published.push().ifPresent(push -> session.log(push.summary()));
    ActionsResults.image(session, published);
    session.result(json ? json(built, published) : published.reference());
    return 0;
  }

  private static void awaitAccess(CompletableFuture<Void> access) {
    try {
      access.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw e;
    }
  }

  /** The registry already holds the image of these inputs: nothing was built, only tags were set. */
  private int upToDate(CommandSession session, ImagePublisher.Published published) {
    session.log("up to date: " + published.reference() + " was built from the same commit, lock and settings;"
        + " nothing built or uploaded (--rebuild builds anyway)");
    published.push().ifPresent(push -> session.log(push.summary()));
    ActionsResults.image(session, published);
    if (json) {
      ObjectNode node = new ObjectMapper().createObjectNode();
      node.put("reference", published.reference());
      node.put("digest", published.digest());
      node.put("tag", published.tag());
      node.put("upToDate", true);
      published.push().ifPresent(push -> {
        node.put("size", push.totalSize());
        node.putObject("layers").put("total", push.layersTotal()).put("uploaded", 0).put("skipped", push.layersSkipped());
        node.put("bytesUploaded", 0);
      });
      session.result(node.toString());
    } else {
      session.result(published.reference());
    }
    return 0;
  }

  private static String json(ImageBuildService.BuiltImage built, ImagePublisher.Published published) {
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode node = mapper.createObjectNode();
    node.put("reference", published.reference());
    node.put("digest", published.digest());
    node.put("tag", published.tag());
    node.put("upToDate", false);
    node.put("commit", built.commitId());
    node.put("size", built.image().totalSize());
    node.put("closureSize", built.closure().totalNarSize());
    node.put("storePaths", built.closure().paths().size());
    ObjectNode layers = node.putObject("layers");
    layers.put("total", built.image().layers().size());
    layers.put("fromCache", built.assembled().layersFromCache());
    layers.put("reused", built.assembled().layersReused());
    layers.put("compressed", built.assembled().layersCompressed());
    published.push().ifPresent(push -> {
      layers.put("uploaded", push.layersUploaded());
      layers.put("skipped", push.layersSkipped());
      layers.put("mounted", push.layersMounted());
      node.put("bytesUploaded", push.bytesUploaded());
    });
    node.put("freeze", built.freeze().render());
    return node.toString();
  }
}
