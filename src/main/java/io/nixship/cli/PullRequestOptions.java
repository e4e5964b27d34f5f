package io.nixship.cli;

import io.nixship.NixshipException;
import io.nixship.config.GitOpsConfig;
import io.nixship.config.NixshipConfig;
import io.nixship.manifest.PinStyle;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * What the commands that propose a manifest bump share: which manifests, how to pin, where to push.
 */
final class PullRequestOptions {
    @Option(
            names = "--manifests",
            split = ",",
            paramLabel = "PATHS",
            description =
                    "Manifest files, directories or globs instead of the configured ones (helm:, kustomize:, k8s: prefixes).")
    List<String> manifests = List.of();

    @Option(
            names = "--pin",
            defaultValue = "tag@digest",
            paramLabel = "STYLE",
            description = "tag, digest or tag@digest (default: ${DEFAULT-VALUE}).")
    String pin;

    @Option(
            names = "--remote",
            paramLabel = "URL",
            description =
                    "Git remote to push the branch to (default: $GITHUB_SERVER_URL/$GITHUB_REPOSITORY.git with GITHUB_TOKEN).")
    String remote;

    @Option(
            names = "--base",
            paramLabel = "BRANCH",
            description =
                    "Branch the pull request targets (default: the repository's default branch).")
    String base;

    @Option(
            names = "--automerge",
            description =
                    "Enable auto-merge on the pull request when it is opened (the repository must allow auto-merge; else a warning).")
    boolean automerge;

    @Option(
            names = "--manifests-repository",
            paramLabel = "OWNER/REPO",
            description =
                    "A GitOps repository holding the manifests (instead of gitops.repository in .nixship.yaml): the pull request is opened there.")
    String manifestsRepository;

    @Option(
            names = "--manifests-branch",
            paramLabel = "BRANCH",
            description =
                    "The GitOps repository's branch the manifests are read from and the pull request targets (default: gitops.branch, else its default branch).")
    String manifestsBranch;

    @Option(
            names = "--manifests-remote",
            paramLabel = "URL",
            description =
                    "Git remote of the GitOps repository (default: $GITHUB_SERVER_URL/<gitops repository>.git).")
    String manifestsRemote;

    /**
     * The GitOps repository the options or {@code config} name, the options winning; {@code
     * --manifests} then lists paths in it.
     */
    Optional<GitOpsConfig> gitops(NixshipConfig config) {
        if (manifestsRepository != null) {
            if (!GitOpsConfig.isRepositoryName(manifestsRepository)) {
                throw NixshipException.usage(
                        "--manifests-repository must be owner/name, got '"
                                + manifestsRepository
                                + "'");
            }
            return Optional.of(
                    new GitOpsConfig(
                            manifestsRepository,
                            Optional.ofNullable(manifestsBranch),
                            config.gitops()
                                    .filter(g -> g.repository().equals(manifestsRepository))
                                    .map(GitOpsConfig::manifests)
                                    .orElse(List.of())));
        }
        return config.gitops()
                .map(
                        g ->
                                manifestsBranch == null
                                        ? g
                                        : new GitOpsConfig(
                                                g.repository(),
                                                Optional.of(manifestsBranch),
                                                g.manifests()));
    }

    /** The manifest entries to bump: {@code --manifests}, else the GitOps repository's. */
    List<String> manifests(Optional<GitOpsConfig> gitops) {
        if (!manifests.isEmpty()) {
            return manifests;
        }
        return gitops.map(GitOpsConfig::manifests).orElse(List.of());
    }

    PinStyle pinStyle() {
        return PinStyle.parse(pin);
    }
}
