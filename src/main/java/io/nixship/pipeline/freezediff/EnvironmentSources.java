package io.nixship.pipeline.freezediff;

import io.nixship.NixshipException;
import io.nixship.config.NixpkgsLock;
import io.nixship.config.NixshipConfig;
import io.nixship.freeze.ClosureSummary;
import io.nixship.freeze.Environment;
import io.nixship.freeze.Freeze;
import io.nixship.freeze.FreezeReader;
import io.nixship.freeze.RootedFileTree;
import io.nixship.image.OciLayoutReader;
import io.nixship.manifest.ImageReference;
import io.nixship.nix.BuildRequest;
import io.nixship.nix.BuildResult;
import io.nixship.nix.ClosureReader;
import io.nixship.nix.NixBuilder;
import io.nixship.nix.NixSettings;
import io.nixship.nix.NixpkgsFetcher;
import io.nixship.nix.NixpkgsSource;
import io.nixship.nix.ProcessRunner;
import io.nixship.pipeline.build.ImageBuildService;
import io.nixship.pipeline.port.HostSettings;
import io.nixship.registry.RegistryImageReader;
import io.nixship.source.TemporaryDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Loads the {@link Environment} of any {@link EnvironmentSide}: images are read from their manifest
 * and config only, commits are built as {@code nixship build} builds them (nothing written but the
 * layer cache), a lock builds the project's working tree with the nixpkgs it pins.
 */
public final class EnvironmentSources {
    private final ProcessRunner processes;
    private final HostSettings host;
    private final Consumer<String> log;
    private final RegistryImageReader registry;
    private final Path projectDirectory;
    private final Path cacheDirectory;

    /**
     * @param projectDirectory the project (inside a git work tree) that commit and lock sides build
     * @param cacheDirectory the layer cache commit builds use, as for {@code nixship build}
     */
    public EnvironmentSources(
            ProcessRunner processes,
            HostSettings host,
            Consumer<String> log,
            RegistryImageReader registry,
            Path projectDirectory,
            Path cacheDirectory) {
        this.processes = processes;
        this.host = host;
        this.log = log;
        this.registry = registry;
        this.projectDirectory = projectDirectory;
        this.cacheDirectory = cacheDirectory;
    }

    /** Parses {@code text} as a side (see {@link EnvironmentSide}) and loads it. */
    public Environment load(String text, Path workingDir) {
        return load(EnvironmentSide.parse(text, workingDir));
    }

    public Environment load(EnvironmentSide side) {
        if (side instanceof EnvironmentSide.RegistryImage image) {
            return fromRegistry(image.reference());
        }
        if (side instanceof EnvironmentSide.Layout layout) {
            return fromLayout(layout.reference());
        }
        if (side instanceof EnvironmentSide.Lock lock) {
            return fromLock(lock.lockFile());
        }
        return fromCommit(((EnvironmentSide.Commit) side).revision());
    }

    /** An image in a registry: its manifest and config blob, never a layer. */
    public Environment fromRegistry(ImageReference reference) {
        log.accept("reading " + reference.familiar());
        String tagOrDigest = reference.digest() != null ? reference.digest() : reference.tag();
        RegistryImageReader.RemoteImage image =
                registry.read(reference.domain(), reference.path(), tagOrDigest);
        return Environment.fromImage(reference.familiar(), image.manifest(), image.config());
    }

    public Environment fromLayout(OciLayoutReader.LayoutReference reference) {
        OciLayoutReader.ManifestAndConfig image =
                new OciLayoutReader().read(reference.directory(), reference.tag());
        String name =
                "oci:" + reference.directory() + reference.tag().map(tag -> ":" + tag).orElse("");
        return Environment.fromImage(name, image.manifest(), image.config());
    }

    /** The project at {@code revision}, built like {@code nixship build} does, kept in memory. */
    public Environment fromCommit(String revision) {
        return build(revision).environment();
    }

    /**
     * The project at {@code revision} built into memory (and the layer cache), nothing else
     * written.
     */
    public ImageBuildService.BuiltImage build(String revision) {
        return new ImageBuildService(processes, host, log)
                .build(ImageBuildService.Request.of(projectDirectory, revision, cacheDirectory));
    }

    public Path projectDirectory() {
        return projectDirectory;
    }

    /**
     * The project's working tree as it is on disk, its {@code nix.file} built with {@code nix.env}
     * against the nixpkgs {@code lockFile} pins (which may be another lock than the project's own,
     * to preview a lock change).
     */
    public Environment fromLock(Path lockFile) {
        if (!Files.isRegularFile(lockFile)) {
            throw NixshipException.usage(lockFile + " not found: give the path of a nixship.lock");
        }
        NixpkgsLock lock = NixpkgsLock.read(lockFile);
        NixshipConfig config = NixshipConfig.readProject(projectDirectory, host.githubRepository());
        NixSettings nix = config.nix().timeout().map(host.nix()::withTimeout).orElse(host.nix());
        NixpkgsSource nixpkgs =
                new NixpkgsFetcher(processes, nix)
                        .fetch(lock, lock.resolveUrl(lockFile.getParent()), lockFile.toString());
        try (TemporaryDirectory work = TemporaryDirectory.create("nixship-diff-")) {
            log.accept(
                    "building "
                            + config.nix().file()
                            + " in "
                            + projectDirectory
                            + " with "
                            + lockFile);
            BuildResult built =
                    new NixBuilder(processes, nix)
                            .build(
                                    new BuildRequest(
                                            projectDirectory,
                                            config.nix().file(),
                                            "",
                                            config.nix().env(),
                                            nixpkgs.storePath(),
                                            work.resolve("result")));
            var closure =
                    new ClosureReader(processes, nix)
                            .read(built.outPath(), config.nix().maxClosureBytes());
            Freeze freeze =
                    new FreezeReader(new RootedFileTree(Path.of("/"))).read(built.outPath());
            return new Environment(
                    "lock:" + lockFile,
                    freeze,
                    Optional.of(ClosureSummary.of(closure)),
                    lock.revision());
        }
    }

    /** The developer's {@code nix-shell} of the project, with the nixpkgs revision of its lock. */
    public Environment fromDevShell(Path project) {
        Freeze freeze = new FreezeSources(processes, host).fromDevShell(project);
        Path lockFile = project.resolve(NixpkgsLock.FILE_NAME);
        return new Environment(
                "nix-shell in " + project,
                freeze,
                Optional.empty(),
                NixpkgsLock.read(lockFile).revision());
    }

    /** The project's {@code .nixship.yaml} as it is on disk, defaults applied. */
    public NixshipConfig projectConfig() {
        return NixshipConfig.readProject(projectDirectory, host.githubRepository());
    }
}
