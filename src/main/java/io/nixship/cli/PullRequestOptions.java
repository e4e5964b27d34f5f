package io.nixship.cli;

import io.nixship.forge.GitHubEnvironment;
import io.nixship.forge.ManifestBranchPublisher;
import io.nixship.manifest.PinStyle;
import java.util.List;
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

    PinStyle pinStyle() {
        return PinStyle.parse(pin);
    }

    String remoteUrl(GitHubEnvironment github) {
        return remote != null ? remote : ManifestBranchPublisher.remoteUrl(github);
    }

    String baseBranch(String defaultBranch) {
        return base != null ? base : defaultBranch;
    }
}
