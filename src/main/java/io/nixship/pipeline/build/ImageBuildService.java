package io.nixship.pipeline.build;

import io.nixship.NixshipException;
import io.nixship.config.NixpkgsLock;
import io.nixship.config.NixshipConfig;
import io.nixship.config.TagTemplate;
import io.nixship.freeze.ClosureSummary;
import io.nixship.freeze.Environment;
import io.nixship.freeze.Freeze;
import io.nixship.freeze.FreezeReader;
import io.nixship.freeze.RootedFileTree;
import io.nixship.image.AssembledImage;
import io.nixship.image.ClosureLayerPlanner;
import io.nixship.image.ImageAssembler;
import io.nixship.image.ImageInputs;
import io.nixship.image.ImageLabels;
import io.nixship.image.ImageSettings;
import io.nixship.image.LayerBlobStore;
import io.nixship.image.LayerCompressor;
import io.nixship.image.LayerListener;
import io.nixship.image.OciImage;
import io.nixship.image.PreviousImageLookup;
import io.nixship.image.PreviousLayers;
import io.nixship.nix.BuildRequest;
import io.nixship.nix.BuildResult;
import io.nixship.nix.Closure;
import io.nixship.nix.ClosureReader;
import io.nixship.nix.NixBuilder;
import io.nixship.nix.NixSettings;
import io.nixship.nix.NixpkgsFetcher;
import io.nixship.nix.NixpkgsSource;
import io.nixship.nix.ProcessRunner;
import io.nixship.pipeline.port.HostSettings;
import io.nixship.source.CommitSource;
import io.nixship.source.ResolvedCommit;
import io.nixship.source.SourceSnapshot;
import io.nixship.source.TemporaryDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * The first half of the main job: a project at a commit becomes an image. Reads the commit's files
 * (never the working tree), fetches the locked nixpkgs, runs {@code nix-build} with {@code
 * nix.env}, reads the closure and its {@code pip freeze}, and assembles the layers. Writing or
 * pushing the result is the caller's: nothing here touches the destination, so a failure leaves
 * nothing behind.
 */
public final class ImageBuildService {
    private final ProcessRunner processes;
    private final HostSettings host;
    private final Consumer<String> log;

    public ImageBuildService(ProcessRunner processes, HostSettings host, Consumer<String> log) {
        this.processes = processes;
        this.host = host;
        this.log = log;
    }

    /**
     * What to build: the project at {@code projectDirectory} (inside a git work tree), at {@code
     * commit}; {@code maxLayers} overrides {@code .nixship.yaml}; {@code cacheDirectory} holds
     * layer blobs by store path; {@code compressor} compresses up to {@code jobs} layers at once;
     * {@code previousImage} finds the image the tag pointed at, whose unchanged layers are reused
     * by digest (only when pushing to that registry); {@code layerReady} hears each layer as soon
     * as it is done, so its upload can overlap the others' compression, and gives each layer it
     * compresses a stream its bytes also go to as they are made (see {@link
     * LayerListener#layerStarting}); {@code lock}, when present, is built with instead of the
     * commit's {@code nixship.lock} (a channel update builds the lock it is about to propose).
     */
    public record Request(
            Path projectDirectory,
            String commit,
            OptionalInt maxLayers,
            Path cacheDirectory,
            LayerCompressor compressor,
            int jobs,
            PreviousImageLookup previousImage,
            LayerListener layerReady,
            Optional<NixpkgsLock> lock) {
        /**
         * The project at {@code commit}: gzip, one job per core, the configured layer limit, no
         * previous image, nobody waiting on single layers, the commit's lock.
         */
        public static Request of(Path projectDirectory, String commit, Path cacheDirectory) {
            return new Request(
                    projectDirectory,
                    commit,
                    OptionalInt.empty(),
                    cacheDirectory,
                    new LayerCompressor(),
                    Runtime.getRuntime().availableProcessors(),
                    PreviousImageLookup.NONE,
                    LayerListener.NONE,
                    Optional.empty());
        }

        public Request withMaxLayers(OptionalInt limit) {
            return new Request(
                    projectDirectory,
                    commit,
                    limit,
                    cacheDirectory,
                    compressor,
                    jobs,
                    previousImage,
                    layerReady,
                    lock);
        }

        public Request withCompression(LayerCompressor layerCompressor, int parallelJobs) {
            return new Request(
                    projectDirectory,
                    commit,
                    maxLayers,
                    cacheDirectory,
                    layerCompressor,
                    parallelJobs,
                    previousImage,
                    layerReady,
                    lock);
        }

        public Request reusing(PreviousImageLookup previous, LayerListener listener) {
            return new Request(
                    projectDirectory,
                    commit,
                    maxLayers,
                    cacheDirectory,
                    compressor,
                    jobs,
                    previous,
                    listener,
                    lock);
        }

        public Request withLock(NixpkgsLock pinned) {
            return new Request(
                    projectDirectory,
                    commit,
                    maxLayers,
                    cacheDirectory,
                    compressor,
                    jobs,
                    previousImage,
                    layerReady,
                    Optional.of(pinned));
        }
    }

    /**
     * A built image and everything learnt on the way, for the push, the freeze diff and the labels.
     */
    public record BuiltImage(
            String commitId,
            String projectDirectory,
            NixshipConfig config,
            NixpkgsLock lock,
            Closure closure,
            Freeze freeze,
            String tag,
            AssembledImage assembled) {
        public OciImage image() {
            return assembled.image();
        }

        /** What the build learnt about its environment. */
        public Environment environment() {
            return new Environment(
                    commitId.substring(0, 12),
                    freeze,
                    Optional.of(ClosureSummary.of(closure)),
                    lock.revision());
        }
    }

    /**
     * The tag and the inputs key of the image {@link #build} would make of {@code request}, from
     * the commit alone: no Nix, no files written. A registry manifest carrying the same key is that
     * image.
     */
    public ImageInputs inputs(Request request) {
        try (CommitSource source = CommitSource.open(request.projectDirectory())) {
            ResolvedCommit commit = source.resolve(request.commit());
            NixshipConfig config = source.config(commit, host.githubRepository());
            NixpkgsLock lock =
                    request.lock()
                            .or(() -> source.lock(commit))
                            .orElseThrow(() -> missingLock(source.projectDirectory(), commit));
            return inputs(
                    request, commit, source.projectDirectory(), source.remoteUrl(), config, lock);
        }
    }

    public BuiltImage build(Request request) {
        try (TemporaryDirectory work = TemporaryDirectory.create("nixship-build-");
                CommitSource source = CommitSource.open(request.projectDirectory())) {
            SourceSnapshot snapshot =
                    source.snapshot(
                            request.commit(), work.resolve("source"), host.githubRepository());
            String project = source.projectDirectory();
            String lockName = displayPath(project, NixpkgsLock.FILE_NAME);
            NixpkgsLock lock =
                    request.lock()
                            .or(snapshot::lock)
                            .orElseThrow(() -> missingLock(project, snapshot.commit()));
            NixSettings nix =
                    snapshot.config()
                            .nix()
                            .timeout()
                            .map(host.nix()::withTimeout)
                            .orElse(host.nix());

            log.accept("nixpkgs: " + lock.release().orElse(lock.url()));
            NixpkgsSource nixpkgs =
                    new NixpkgsFetcher(processes, nix)
                            .fetch(lock, lock.resolveUrl(source.projectPath()), lockName);

            log.accept(
                    "building "
                            + displayPath(project, snapshot.config().nix().file())
                            + " at "
                            + snapshot.commit().shortId()
                            + " with "
                            + snapshot.config().nix().env());
            BuildResult built =
                    new NixBuilder(processes, nix)
                            .build(
                                    new BuildRequest(
                                            snapshot.directory(),
                                            snapshot.config().nix().file(),
                                            project,
                                            snapshot.config().nix().env(),
                                            nixpkgs.storePath(),
                                            work.resolve("result")));
            Closure closure =
                    new ClosureReader(processes, nix)
                            .read(built.outPath(), snapshot.config().nix().maxClosureBytes());
            Freeze freeze =
                    new FreezeReader(new RootedFileTree(Path.of("/"))).read(built.outPath());

            ImageInputs inputs =
                    inputs(
                            request,
                            snapshot.commit(),
                            project,
                            snapshot.remoteUrl(),
                            snapshot.config(),
                            lock);
            String tag = inputs.tag();
            int maxLayers = request.maxLayers().orElse(snapshot.config().maxLayers());
            PreviousLayers previous = request.previousImage().layers(tag);
            List<List<String>> plan =
                    new ClosureLayerPlanner(maxLayers).plan(closure, previous.groups());
            Path app = copyAppFiles(snapshot, work.resolve("app"));
            ImageSettings settings =
                    settings(snapshot, lock, closure, freeze, inputs, request.compressor());
            log.accept(
                    "assembling "
                            + (plan.size() + 1)
                            + " layers from "
                            + closure.paths().size()
                            + " store paths, "
                            + request.compressor().description());
            AssembledImage assembled =
                    new ImageAssembler(
                                    new LayerBlobStore(request.cacheDirectory()),
                                    request.compressor(),
                                    request.jobs())
                            .assemble(closure, plan, app, settings, previous, request.layerReady());
            return new BuiltImage(
                    snapshot.commitId(),
                    project,
                    snapshot.config(),
                    lock,
                    closure,
                    freeze,
                    tag,
                    assembled);
        }
    }

    private static ImageInputs inputs(
            Request request,
            ResolvedCommit commit,
            String project,
            Optional<String> remoteUrl,
            NixshipConfig config,
            NixpkgsLock lock) {
        String tag =
                new TagTemplate(config.tag())
                        .expand(commit.id(), commit.time(), lock.revision().orElse("unknown"));
        int maxLayers = request.maxLayers().orElse(config.maxLayers());
        String layerFormat =
                new ImageAssembler(
                                new LayerBlobStore(request.cacheDirectory()),
                                request.compressor(),
                                request.jobs())
                        .layerFormat();
        return ImageInputs.of(
                commit.id(), tag, config, project, remoteUrl, lock, maxLayers, layerFormat);
    }

    private static NixshipException missingLock(String project, ResolvedCommit commit) {
        return NixshipException.usage(
                displayPath(project, NixpkgsLock.FILE_NAME)
                        + " not found at commit "
                        + commit.shortId()
                        + ": pin nixpkgs with 'nixship lock' and commit the lock");
    }

    private static ImageSettings settings(
            SourceSnapshot snapshot,
            NixpkgsLock lock,
            Closure closure,
            Freeze freeze,
            ImageInputs inputs,
            LayerCompressor compressor) {
        var app = snapshot.config().app();
        Map<String, String> labels =
                new ImageLabels(
                                snapshot.remoteUrl(),
                                Optional.of(snapshot.commitId()),
                                Optional.of(snapshot.commitTime()),
                                Optional.of(freeze.render()),
                                lock.revision(),
                                lock.channel(),
                                lock.release(),
                                OptionalLong.of(closure.totalNarSize()))
                        .toMap();
        return new ImageSettings(
                ImageSettings.DEFAULT_ARCHITECTURE,
                ImageSettings.DEFAULT_OS,
                app.env(),
                app.cmd(),
                app.entrypoint(),
                app.workdir(),
                app.user().orElse(null),
                app.ports(),
                labels,
                snapshot.commitTime(),
                Map.of(
                        ImageInputs.ANNOTATION,
                        inputs.key(),
                        ImageLabels.LAYER_COMPRESSION_ANNOTATION,
                        compressor.id()));
    }

    /**
     * The {@code app.copy} files, at their project-relative paths, with modes and symlinks kept.
     */
    private static Path copyAppFiles(SourceSnapshot snapshot, Path target) {
        try {
            Files.createDirectories(target);
            for (String relative : snapshot.appFiles()) {
                Path from = snapshot.directory().resolve(relative);
                Path to = target.resolve(relative);
                Files.createDirectories(to.getParent());
                Files.copy(from, to, LinkOption.NOFOLLOW_LINKS, StandardCopyOption.COPY_ATTRIBUTES);
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stage the app files: " + e.getMessage(), e);
        }
    }

    private static String displayPath(String project, String file) {
        return project.isEmpty() ? file : project + "/" + file;
    }
}
