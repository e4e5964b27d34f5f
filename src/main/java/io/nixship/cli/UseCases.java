package io.nixship.cli;

import io.nixship.NixshipException;
import io.nixship.Sleeper;
import io.nixship.config.GitOpsConfig;
import io.nixship.config.NixpkgsLock;
import io.nixship.config.NixshipConfig;
import io.nixship.forge.GitHubAccess;
import io.nixship.forge.GitHubApi;
import io.nixship.forge.GitHubEnvironment;
import io.nixship.forge.GitOpsManifests;
import io.nixship.forge.GitProjectCommits;
import io.nixship.forge.ManifestBranchPublisher;
import io.nixship.forge.PullRequestAutoMerge;
import io.nixship.forge.PullRequestService;
import io.nixship.freeze.DeploymentFreeze;
import io.nixship.image.LayerCompressor;
import io.nixship.image.LayerListener;
import io.nixship.image.PreviousImageLookup;
import io.nixship.manifest.ImageReference;
import io.nixship.nix.NixSettings;
import io.nixship.nix.NixVersionCheck;
import io.nixship.nix.NixpkgsFetcher;
import io.nixship.nix.SystemProcessRunner;
import io.nixship.nix.channel.ChannelResolver;
import io.nixship.nix.channel.JdkChannelHttp;
import io.nixship.nix.channel.LockUpdater;
import io.nixship.nix.channel.WorkstationNixpkgs;
import io.nixship.pipeline.build.BuildAndPublishService;
import io.nixship.pipeline.build.ImageBuildService;
import io.nixship.pipeline.build.ImageBuildService.BuiltImage;
import io.nixship.pipeline.channel.ChannelUpdateService;
import io.nixship.pipeline.freezediff.EnvironmentSources;
import io.nixship.pipeline.freezediff.FreezeSources;
import io.nixship.pipeline.lock.LockService;
import io.nixship.pipeline.port.CommitLinks;
import io.nixship.pipeline.port.ManifestRepository;
import io.nixship.pipeline.port.PreviousImages;
import io.nixship.pipeline.port.ProjectCommits;
import io.nixship.pipeline.release.ReleaseService;
import io.nixship.pipeline.verify.DriftCheck;
import io.nixship.registry.HostCredentials;
import io.nixship.registry.ImagePublisher;
import io.nixship.registry.PushListener;
import io.nixship.registry.RegistryCredentials;
import io.nixship.registry.RegistryImageReader;
import io.nixship.registry.RegistryPreviousImages;
import io.nixship.registry.RegistrySettings;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/**
 * The one composition root: wires the adapters (git, GitHub, registry, Nix) to the use cases for
 * one command run. Commands parse options, ask this class for a use case, call it and render the
 * result.
 */
final class UseCases {
    private final CliContext context;
    private final CommandSession session;

    private UseCases(CliContext context, CommandSession session) {
        this.context = context;
        this.session = session;
    }

    static UseCases from(CliContext context, CommandSession session) {
        return new UseCases(context, session);
    }

    /**
     * Where a real run's branch and pull request go; the token, the repository and the API are
     * checked here, before anything is built, so a missing token or an unreachable API costs
     * nothing.
     */
    record Remote(
            GitHubAccess access,
            String remoteUrl,
            String baseBranch,
            String repositoryName,
            String webUrl,
            List<String> labels,
            Optional<PullRequestAutoMerge> autoMerge,
            boolean gitops) {
        Remote {
            labels = List.copyOf(labels);
        }

        ReleaseService.Forge forge(Repository repository) {
            return new ReleaseService.Forge(
                    branches(repository),
                    new PullRequestService(access.api(), repositoryName, autoMerge),
                    baseBranch,
                    labels);
        }

        /**
         * The repository as the lock's pull request of a channel update links to it: its branches
         * and pull requests, and the page listing the open pull request from a branch.
         */
        ChannelUpdateService.GitOps gitOps(Repository repository) {
            return new ChannelUpdateService.GitOps(
                    repositoryName,
                    forge(repository),
                    branch ->
                            webUrl
                                    + "/pulls?q="
                                    + URLEncoder.encode(
                                            "is:pr is:open head:" + branch,
                                            StandardCharsets.UTF_8));
        }

        /** The token is read now, after the build: an App's is renewed if it expired. */
        ManifestBranchPublisher branches(Repository repository) {
            return ManifestBranchPublisher.withToken(repository, remoteUrl, access.token());
        }

        /**
         * The GitOps repository's base branch when the manifests live there, else the released
         * commit as {@code commits} reads it.
         */
        ManifestRepository manifests(Repository repository, ProjectCommits commits) {
            return gitops
                    ? new GitOpsManifests(branches(repository), repository, baseBranch)
                    : ManifestRepository.releasedCommit(commits);
        }
    }

    /** The image's registry: where it is pushed and where the deployed image is read from. */
    record Registry(RegistrySettings settings, Optional<RegistryCredentials> credentials) {
        /** Reads the password from standard input, so call once per run. */
        static Registry of(RegistryOptions options, CliContext context, CommandSession session) {
            return new Registry(
                    options.settings(session::addMask),
                    options.credentials(context, session::addMask));
        }
    }

    /**
     * Where the built image goes and how it is compressed; a dry run pushes nothing and reads
     * nothing from the registry.
     */
    record Push(
            Optional<ImageReference> destination,
            Registry registry,
            LayerCompressor compressor,
            boolean dryRun) {}

    /** Reads the registry options (the password from standard input), so call once per run. */
    Push push(
            Optional<ImageReference> destination,
            RegistryOptions registry,
            LayerCompressor compressor,
            boolean dryRun) {
        return new Push(destination, Registry.of(registry, context, session), compressor, dryRun);
    }

    Remote remote(PullRequestOptions options, List<String> labels) {
        return remote(options, labels, Optional.empty());
    }

    /**
     * The remote side in the application's repository, or in {@code gitops} when the manifests live
     * there: its branch is pushed and its pull request opened there, with {@code
     * NIXSHIP_MANIFESTS_TOKEN} (input manifests-token) when set, else the App's installation on it,
     * else {@code GITHUB_TOKEN}. {@code --manifests-remote}, else {@code --remote}, is then the
     * GitOps repository's git remote.
     */
    Remote remote(PullRequestOptions options, List<String> labels, Optional<GitOpsConfig> gitops) {
        return remote(
                options,
                labels,
                gitops,
                gitops.isPresent()
                        ? Optional.ofNullable(options.manifestsRemote)
                                .or(() -> Optional.ofNullable(options.remote))
                        : Optional.ofNullable(options.remote),
                Optional.ofNullable(options.base));
    }

    /**
     * The GitOps repository's remote side for a command whose {@code --remote} and {@code --base}
     * are the application's (update-channel): {@code --manifests-remote}, else the server's URL.
     */
    Remote manifestsRemote(PullRequestOptions options, List<String> labels, GitOpsConfig gitops) {
        return remote(
                options,
                labels,
                Optional.of(gitops),
                Optional.ofNullable(options.manifestsRemote),
                Optional.empty());
    }

    private Remote remote(
            PullRequestOptions options,
            List<String> labels,
            Optional<GitOpsConfig> gitops,
            Optional<String> remoteUrl,
            Optional<String> base) {
        GitHubEnvironment github = session.github();
        String repositoryName =
                gitops.map(GitOpsConfig::repository).orElseGet(github::requireRepository);
        GitHubAccess access =
                gitops.isPresent() && context.host().manifestsToken().isPresent()
                        ? session.githubAccess(
                                github.withToken(context.host().manifestsToken().get()),
                                Optional.empty(),
                                repositoryName)
                        : session.githubAccess(repositoryName);
        // Read even with --base: it proves the API answers and the token sees the repository.
        String defaultBranch = GitHubApi.defaultBranch(access.api(), repositoryName);
        return new Remote(
                access,
                remoteUrl.orElseGet(() -> github.serverUrl() + "/" + repositoryName + ".git"),
                gitops.flatMap(GitOpsConfig::branch).or(() -> base).orElse(defaultBranch),
                repositoryName,
                github.serverUrl() + "/" + repositoryName,
                labels,
                options.automerge
                        ? Optional.of(
                                new PullRequestAutoMerge(
                                        access.apiUrl(), access::token, session::warn))
                        : Optional.empty(),
                gitops.isPresent());
    }

    /** The release of {@code commit}, built from the project in {@code directory}. */
    ReleaseService release(
            Path directory, Repository repository, ReleaseService.Commit commit, Push push) {
        return release(directory, repository, commit, push, Optional.empty());
    }

    /**
     * The release of {@code commit}, its manifests where {@code remote} says (a GitOps repository)
     * when given.
     */
    ReleaseService release(
            Path directory,
            Repository repository,
            ReleaseService.Commit commit,
            Push push,
            Optional<Remote> remote) {
        return new ReleaseService(
                commit,
                (previousImage, layerReady) ->
                        build(
                                directory,
                                commit.id(),
                                push.compressor(),
                                previousImage,
                                layerReady,
                                Optional.empty()),
                ports(repository, commit.projectDirectory(), commit.config(), push, remote));
    }

    /**
     * The channel update of the project as {@code project} holds it, its manifests in the GitOps
     * repository the options or its config name, if any.
     */
    ChannelUpdateService channelUpdate(
            Path directory,
            Repository repository,
            ChannelUpdateService.Project project,
            URI channelUrl,
            URI githubUrl,
            Push push,
            PullRequestOptions options,
            List<String> labels) {
        // Checked before anything is downloaded or built, so a missing token costs nothing; a dry
        // run reads a GitOps repository's manifests too, and writes nothing.
        Optional<ReleaseService.Forge> forge =
                push.dryRun()
                        ? Optional.empty()
                        : Optional.of(remote(options, labels).forge(repository));
        Optional<Remote> gitops =
                options.gitops(project.config())
                        .map(config -> manifestsRemote(options, labels, config));
        NixSettings nix = context.host().nix(session::log);
        SystemProcessRunner processes = new SystemProcessRunner();
        return new ChannelUpdateService(
                project,
                new ChannelUpdateService.Nixpkgs(
                        new ChannelResolver(new JdkChannelHttp(), channelUrl, githubUrl),
                        // The image is built here, so a release this Nix cannot evaluate is
                        // refused before anything else.
                        new LockUpdater(
                                new NixpkgsFetcher(processes, nix),
                                new NixVersionCheck(processes, nix)::require)),
                (lock, previousImage, layerReady) ->
                        build(
                                directory,
                                project.commitId(),
                                push.compressor(),
                                previousImage,
                                layerReady,
                                Optional.of(lock)),
                ports(repository, project.directory(), project.config(), push, gitops),
                forge,
                gitops.map(side -> side.gitOps(repository)));
    }

    private ReleaseService.Ports ports(
            Repository repository,
            String projectDirectory,
            NixshipConfig config,
            Push push,
            Optional<Remote> remote) {
        GitHubEnvironment github = session.github();
        ProjectCommits commits = new GitProjectCommits(repository, projectDirectory);
        Registry registry = push.registry();
        boolean dryRun = push.dryRun();
        // Explicit credentials are for the registry pushed to; a manifest naming another registry
        // reads it with the docker config's credentials or none.
        Optional<HostCredentials> pushCredentials =
                push.destination()
                        .map(ImageReference::repository)
                        .or(config::image)
                        .flatMap(image -> HostCredentials.forImage(image, registry.credentials()));
        return new ReleaseService.Ports(
                commits,
                new RegistryImageSink(
                        session,
                        push.destination(),
                        registry.settings(),
                        registry.credentials(),
                        dryRun),
                // A dry run reads nothing remote, so it lists the new freeze rather than diffing.
                dryRun
                        ? PreviousImages.NONE
                        : new RegistryPreviousImages(
                                context.registryHost(),
                                registry.settings(),
                                pushCredentials,
                                session::log),
                github.repository() == null
                        ? CommitLinks.NONE
                        : sha -> Optional.of(github.commitUrl(sha)),
                Sleeper.real(),
                session::log,
                remote.map(side -> side.manifests(repository, commits))
                        .orElseGet(() -> ManifestRepository.releasedCommit(commits)));
    }

    private BuiltImage build(
            Path directory,
            String commit,
            LayerCompressor compressor,
            PreviousImageLookup previousImage,
            LayerListener layerReady,
            Optional<NixpkgsLock> lock) {
        ImageBuildService.Request request =
                ImageBuildService.Request.of(directory, commit, context.cacheDirectory())
                        .withCompression(compressor, cores())
                        .reusing(previousImage, layerReady);
        ImageBuildService.Request pinned = lock.map(request::withLock).orElse(request);
        return session.group("nixship build", () -> imageBuilds().build(pinned));
    }

    /** {@code --cache-dir}, else the host's cache directory. */
    Path cacheDirectory(Path option) {
        return context.cacheDirectory(option);
    }

    ImageBuildService imageBuilds() {
        return new ImageBuildService(
                new SystemProcessRunner(), session.hostSettings(), session::log);
    }

    BuildAndPublishService buildAndPublish(
            RegistryOptions registry, Path cache, PushListener progress) {
        return new BuildAndPublishService(
                imageBuilds(),
                new ImagePublisher(
                        context.host().registry(cache),
                        registry.settings(session::addMask),
                        registry.credentials(context, session::addMask)),
                session::group,
                progress);
    }

    /**
     * Environments of sides; commit and lock sides build {@code project} with {@code cache}.
     * Explicit credentials go to {@code registryHost}, else to the host of the project's image,
     * which a pull request's checkout ({@code pullRequest}) may not choose.
     */
    EnvironmentSources environments(
            Path project,
            Path cache,
            RegistryOptions registry,
            Optional<String> registryHost,
            boolean pullRequest) {
        RegistryImageReader reader =
                new RegistryImageReader(
                        context.host().registry(cache),
                        registry.settings(session::addMask),
                        boundCredentials(
                                registry.credentials(context, session::addMask),
                                registryHost,
                                pullRequest,
                                () -> projectImage(project)));
        return new EnvironmentSources(
                new SystemProcessRunner(),
                session.hostSettings(),
                session::log,
                reader,
                project,
                cache);
    }

    /**
     * Explicit credentials bound to the registry they are given for: {@code registryHost} when set,
     * else the host of the project's image, read only then; a side on another registry never
     * receives them. A pull request's checkout is the contributor's, so its image is never asked.
     */
    static Optional<HostCredentials> boundCredentials(
            Optional<RegistryCredentials> credentials,
            Optional<String> registryHost,
            boolean pullRequest,
            Supplier<String> projectImage) {
        if (credentials.isEmpty()) {
            return Optional.empty();
        }
        if (registryHost.isPresent()) {
            String host = registryHost.get().strip();
            if (host.contains("/")) {
                throw NixshipException.usage(
                        "--registry-host: '"
                                + host
                                + "' is not a registry host; give HOST or HOST:PORT, e.g. ghcr.io");
            }
            return credentials.map(given -> new HostCredentials(host, given));
        }
        if (pullRequest) {
            throw NixshipException.usage(
                    "--registry-username: on a pull request the checkout's image must not choose"
                            + " where credentials go; set --registry-host HOST (the registry action"
                            + " input), e.g. ghcr.io");
        }
        return HostCredentials.forImage(projectImage.get(), credentials);
    }

    private String projectImage(Path project) {
        return NixshipConfig.readProject(project, context.host().githubRepository())
                .image()
                .orElseThrow(
                        () ->
                                NixshipException.usage(
                                        "--registry-username: "
                                                + project.resolve(NixshipConfig.FILE_NAME)
                                                + " names no image, so no registry these"
                                                + " credentials are for; set 'image'"
                                                + " (e.g. ghcr.io/org/app) or --registry-host"));
    }

    FreezeSources freezes() {
        return new FreezeSources(new SystemProcessRunner(), session.hostSettings());
    }

    DriftCheck driftCheck(EnvironmentSources environments) {
        return new DriftCheck(
                environments,
                new DeploymentFreeze(
                        new SystemProcessRunner(), context.host().kubectl(), session::log),
                session::log);
    }

    /**
     * {@code nixship lock}, asking {@code channelUrl} (and {@code githubUrl} for {@code
     * github:NixOS/nixpkgs/<rev>}) for releases and {@code releasesUrl} for the workstation's.
     */
    LockService lock(URI channelUrl, URI githubUrl, URI releasesUrl) {
        NixSettings nix = context.host().nix(session::log);
        SystemProcessRunner processes = new SystemProcessRunner();
        return new LockService(
                new ChannelResolver(new JdkChannelHttp(), channelUrl, githubUrl),
                new NixpkgsFetcher(processes, nix),
                new NixVersionCheck(processes, nix),
                new WorkstationNixpkgs(processes, nix, releasesUrl),
                session::log);
    }

    /**
     * The layer compressor the options ask for; read before anything remote is asked, so a bad
     * level costs nothing.
     */
    static LayerCompressor compressor(CompressionOptions options) {
        return options.compressor(cores());
    }

    private static int cores() {
        return Runtime.getRuntime().availableProcessors();
    }

    static Repository openRepository(Path directory) {
        FileRepositoryBuilder builder = new FileRepositoryBuilder().findGitDir(directory.toFile());
        if (builder.getGitDir() == null) {
            throw NixshipException.usage(directory + " is not inside a git repository");
        }
        try {
            return builder.setMustExist(true).build();
        } catch (IOException e) {
            throw NixshipException.usage(
                    "cannot open the git repository at " + directory + ": " + e.getMessage());
        }
    }
}
