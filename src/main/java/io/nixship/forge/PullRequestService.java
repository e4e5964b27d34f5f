package io.nixship.forge;

import io.nixship.NixshipException;
import io.nixship.pipeline.port.PullRequestConflict;
import io.nixship.pipeline.port.PullRequestResult;
import io.nixship.pipeline.port.PullRequestSpec;
import io.nixship.pipeline.port.PullRequests;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.kohsuke.github.GHIssueState;
import org.kohsuke.github.GHLabel;
import org.kohsuke.github.GHPullRequest;
import org.kohsuke.github.GHRepository;
import org.kohsuke.github.GitHub;
import org.kohsuke.github.HttpException;

/** Keeps exactly one open pull request per nixship branch. */
public final class PullRequestService implements PullRequests {
    private final GitHub github;
    private final String repositoryName;
    private final Optional<PullRequestAutoMerge> autoMerge;

    /**
     * @param repository {@code owner/name}
     */
    public PullRequestService(GitHub github, String repository) {
        this(github, repository, Optional.empty());
    }

    /**
     * @param autoMerge enables auto-merge on each pull request this service opens (not on updates:
     *     once per pull request)
     */
    public PullRequestService(
            GitHub github, String repository, Optional<PullRequestAutoMerge> autoMerge) {
        this.github = github;
        this.repositoryName = repository;
        this.autoMerge = autoMerge;
    }

    /**
     * Creates the pull request, or updates the open one (title, body, missing labels), or closes it
     * when the branch no longer differs from the base. GitHub's 422 (a concurrent run opened the
     * pull request between our look-up and our create) comes back as {@link PullRequestConflict}.
     */
    @Override
    public PullRequestResult synchronize(PullRequestSpec spec) {
        try {
            return synchronizeOrThrow(spec);
        } catch (NixshipException failed) {
            if (failed.getCause() instanceof HttpException http && http.getResponseCode() == 422) {
                throw new PullRequestConflict(failed.getMessage(), http);
            }
            throw failed;
        }
    }

    private PullRequestResult synchronizeOrThrow(PullRequestSpec spec) {
        GHRepository repository = GitHubApi.repository(github, repositoryName);
        GHPullRequest open = findOpen(repository, spec.headBranch());
        if (!spec.branchDiffersFromBase()) {
            if (open == null) {
                return PullRequestResult.none();
            }
            run("closing pull request #" + open.getNumber(), open::close);
            return result(PullRequestResult.Operation.CLOSED, open);
        }
        if (open == null) {
            String base =
                    spec.baseBranch() == null ? repository.getDefaultBranch() : spec.baseBranch();
            GHPullRequest created;
            try {
                created =
                        repository.createPullRequest(
                                spec.title(), spec.headBranch(), base, spec.body());
            } catch (IOException e) {
                // A concurrent run opened it since we looked: GitHub refuses a second one, so
                // update that.
                GHPullRequest raced =
                        alreadyExists(e) ? findOpen(repository, spec.headBranch()) : null;
                if (raced == null) {
                    throw GitHubErrors.translate(
                            e,
                            "creating the pull request from " + spec.headBranch(),
                            github.getApiUrl());
                }
                return update(raced, spec);
            }
            addMissingLabels(created, spec.labels(), Set.of());
            autoMerge.ifPresent(merge -> merge.enable(repository, created));
            return result(PullRequestResult.Operation.CREATED, created);
        }
        return update(open, spec);
    }

    private static boolean alreadyExists(IOException e) {
        return e instanceof HttpException http
                && http.getResponseCode() == 422
                && String.valueOf(http.getMessage()).contains("already exists");
    }

    private PullRequestResult update(GHPullRequest open, PullRequestSpec spec) {
        String action = "updating pull request #" + open.getNumber();
        if (!Objects.equals(open.getTitle(), spec.title())) {
            run(action, () -> open.setTitle(spec.title()));
        }
        if (!Objects.equals(open.getBody(), spec.body())) {
            run(action, () -> open.setBody(spec.body()));
        }
        Set<String> present =
                open.getLabels().stream().map(GHLabel::getName).collect(Collectors.toSet());
        addMissingLabels(open, spec.labels(), present);
        return result(PullRequestResult.Operation.UPDATED, open);
    }

    private GHPullRequest findOpen(GHRepository repository, String headBranch) {
        String head = repository.getOwnerName() + ":" + headBranch;
        List<GHPullRequest> found =
                call(
                        "looking for the open pull request from " + headBranch,
                        () ->
                                repository
                                        .queryPullRequests()
                                        .state(GHIssueState.OPEN)
                                        .head(head)
                                        .list()
                                        .toList());
        // The head filter is exact on GitHub; checking again keeps a lenient server from misleading
        // us.
        List<GHPullRequest> matching = new ArrayList<>();
        for (GHPullRequest pr : found) {
            if (headBranch.equals(pr.getHead().getRef())) {
                matching.add(pr);
            }
        }
        return matching.isEmpty() ? null : matching.get(0);
    }

    private void addMissingLabels(GHPullRequest pr, List<String> wanted, Set<String> present) {
        String[] missing = wanted.stream().filter(l -> !present.contains(l)).toArray(String[]::new);
        if (missing.length > 0) {
            run("labelling pull request #" + pr.getNumber(), () -> pr.addLabels(missing));
        }
    }

    private static PullRequestResult result(
            PullRequestResult.Operation operation, GHPullRequest pr) {
        return new PullRequestResult(operation, pr.getNumber(), pr.getHtmlUrl().toString());
    }

    private <T> T call(String action, GitHubCall<T> call) {
        try {
            return call.run();
        } catch (IOException e) {
            throw GitHubErrors.translate(e, action, github.getApiUrl());
        }
    }

    private void run(String action, GitHubVoidCall call) {
        call(
                action,
                () -> {
                    call.run();
                    return null;
                });
    }

    @FunctionalInterface
    interface GitHubCall<T> {
        T run() throws IOException;
    }

    @FunctionalInterface
    interface GitHubVoidCall {
        void run() throws IOException;
    }
}
