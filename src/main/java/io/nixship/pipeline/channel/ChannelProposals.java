package io.nixship.pipeline.channel;

import io.nixship.manifest.ImageReference;
import io.nixship.pipeline.channel.ChannelUpdateService.GitOps;
import io.nixship.pipeline.channel.ChannelUpdateService.ManifestsProposal;
import io.nixship.pipeline.port.BranchNames;
import io.nixship.pipeline.port.PublishRequest;
import io.nixship.pipeline.port.PullRequestResult;
import io.nixship.pipeline.port.RunLog;
import io.nixship.pipeline.release.BranchProposals;
import io.nixship.pipeline.release.PullRequestContent;
import io.nixship.pipeline.release.ReleaseService;
import io.nixship.pipeline.release.ReleaseService.Proposal;
import io.nixship.pipeline.release.ReleaseService.Proposed;
import java.util.Optional;

/**
 * Where a channel update's proposal goes: lock and manifests together on {@code
 * nixship/channel-<name>}; or, with a GitOps repository, the lock there and the manifests on a
 * branch per image in the GitOps repository, whose pull request links back to the lock's. When the
 * GitOps step fails, the lock's branch is put back, so the two repositories never hold half of one
 * update.
 */
final class ChannelProposals {
    private final BranchProposals proposals;
    private final Optional<ReleaseService.Forge> forge;
    private final Optional<GitOps> gitops;
    private final RunLog log;

    /**
     * @param forge the application's repository; empty for a dry run, which proposes nothing
     * @param gitops the repository holding the manifests; empty when they are the application's
     */
    ChannelProposals(
            BranchProposals proposals,
            Optional<ReleaseService.Forge> forge,
            Optional<GitOps> gitops,
            RunLog log) {
        this.proposals = proposals;
        this.forge = forge;
        this.gitops = gitops.filter(side -> forge.isPresent());
        this.log = log;
    }

    /** Whether the manifests are proposed in a GitOps repository, apart from the lock. */
    boolean separate() {
        return gitops.isPresent();
    }

    /**
     * {@code nixship/acme/shop-api-channel-nixos-24.05}: one branch per image and channel, so the
     * applications sharing a GitOps repository, and their releases, never take each other's.
     */
    static String manifestsBranch(ImageReference target, String channelBranch) {
        return BranchNames.forImage(target.toString())
                + "-"
                + channelBranch.substring(BranchNames.PREFIX.length());
    }

    /** What the lock's pull request says about the manifests in the GitOps repository. */
    String manifestsParagraph(String manifestsBranch, ReleaseService.Plan plan) {
        GitOps side = gitops.orElseThrow();
        String repository = "`" + side.repository() + "`";
        if (plan.changesManifests()) {
            return "**Manifests:** "
                    + repository
                    + " is moved to this image by [the pull request from `"
                    + manifestsBranch
                    + "`]("
                    + side.pullRequestPage().apply(manifestsBranch)
                    + "); merge both.";
        }
        return plan.alreadyCurrent()
                ? "**Manifests:** " + repository + " already deploys this image."
                : "**Manifests:** the manifests in "
                        + repository
                        + " name this image nowhere; nothing is bumped there.";
    }

    /**
     * What proposing did: the pull request on {@code nixship/channel-<name>} and, with a GitOps
     * repository, the manifests' there.
     */
    record Outcome(PullRequestResult pullRequest, Optional<ManifestsProposal> manifests) {}

    /** Everything on one branch of the application's repository. */
    Outcome together(PublishRequest request, ChannelPullRequest content) {
        if (forge.isEmpty()) {
            return new Outcome(PullRequestResult.none(), Optional.empty());
        }
        Proposed proposed =
                proposals.propose(
                        new Proposal(request, content.title(), content.body()), forge.get());
        return new Outcome(logged(proposed).pullRequest(), Optional.empty());
    }

    /**
     * The lock on its branch of the application's repository first, then the manifests on {@code
     * manifestsBranch} of the GitOps repository (or its pull request closed when they already
     * deploy the image).
     */
    Outcome separately(
            PublishRequest lock,
            ChannelPullRequest content,
            ReleaseService.Plan plan,
            String manifestsBranch) {
        GitOps side = gitops.orElseThrow();
        BranchProposals.Both both =
                proposals.proposeThen(
                        new Proposal(lock, content.title(), content.body()),
                        forge.orElseThrow(),
                        lockProposed ->
                                logged(
                                        manifests(
                                                side,
                                                plan,
                                                manifestsBranch,
                                                lockProposed.pullRequest())));
        logged(both.first());
        return new Outcome(
                both.first().pullRequest(),
                Optional.of(
                        new ManifestsProposal(
                                side.repository(),
                                manifestsBranch,
                                both.second()
                                        .map(Proposed::pullRequest)
                                        .orElse(PullRequestResult.none()))));
    }

    private Proposed manifests(
            GitOps side,
            ReleaseService.Plan plan,
            String branch,
            PullRequestResult lockPullRequest) {
        PullRequestContent content =
                plan.content()
                        .withNote(
                                "The image is built with the nixpkgs lock proposed in "
                                        + (lockPullRequest.url() == null
                                                ? "the application's repository"
                                                : "[its pull request #"
                                                        + lockPullRequest.number()
                                                        + "]("
                                                        + lockPullRequest.url()
                                                        + ")")
                                        + "; merge both.");
        if (!plan.changesManifests()) {
            log.line(side.repository() + " needs no manifest change; no branch there");
            return new Proposed(
                    null,
                    proposals.close(branch, content.title(), content.body(), side.forge()),
                    "");
        }
        return proposals.propose(
                new Proposal(
                        new PublishRequest(
                                branch,
                                plan.baseCommit(),
                                plan.editedFiles(),
                                plan.oldReference(),
                                plan.target().toString(),
                                plan.built().commitId()),
                        content.title(),
                        content.body()),
                side.forge());
    }

    private Proposed logged(Proposed proposed) {
        if (!proposed.note().isEmpty()) {
            log.line(proposed.note());
        }
        return proposed;
    }
}
