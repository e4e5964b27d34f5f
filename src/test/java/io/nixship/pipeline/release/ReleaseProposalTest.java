package io.nixship.pipeline.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nixship.NixshipException;
import io.nixship.manifest.ImageReference;
import io.nixship.pipeline.port.BranchMoved;
import io.nixship.pipeline.port.CommitLinks;
import io.nixship.pipeline.port.InMemoryBranchStore;
import io.nixship.pipeline.port.InMemoryPullRequests;
import io.nixship.pipeline.port.PreviousImages;
import io.nixship.pipeline.port.PublishRequest;
import io.nixship.pipeline.port.PublishResult;
import io.nixship.pipeline.port.PullRequestConflict;
import io.nixship.pipeline.port.PullRequestResult;
import io.nixship.pipeline.port.PullRequestSpec;
import io.nixship.pipeline.port.RecordingSleeper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The release's lease, retry and rollback decisions against in-memory branches and pull requests:
 * what the git remote and GitHub tests show end to end, here without either.
 */
class ReleaseProposalTest {
    private static final String BRANCH = "nixship/acme/shop-api";
    private static final String BASE = "a".repeat(40);
    private static final String NEWER_BASE = "b".repeat(40);

    private final InMemoryBranchStore branches = new InMemoryBranchStore();
    private final InMemoryPullRequests pullRequests = new InMemoryPullRequests();
    private final RecordingSleeper sleeper = new RecordingSleeper();
    private final List<String> log = new ArrayList<>();
    private final ReleaseService.Forge forge =
            new ReleaseService.Forge(branches, pullRequests, "main", List.of("nixship"));
    private final ReleaseService release =
            new ReleaseService(
                    new ReleaseService.Commit(BASE, "", null),
                    (previousImage, layerReady) -> {
                        throw new AssertionError("proposing builds nothing");
                    },
                    new ReleaseService.Ports(
                            null, null, PreviousImages.NONE, CommitLinks.NONE, sleeper, log::add));

    @Test
    void aFirstProposalCreatesTheBranchAndItsPullRequest() {
        ReleaseService.Proposed proposed = release.propose(proposal(BASE, "2.0"), forge);

        assertThat(proposed.branch().operation()).isEqualTo(PublishResult.Operation.CREATED);
        assertThat(proposed.pullRequest().operation())
                .isEqualTo(PullRequestResult.Operation.CREATED);
        assertThat(branches.read(BRANCH)).contains(proposed.branch().commit());
        assertThat(pullRequests.open()).containsOnlyKeys(BRANCH);
        assertThat(sleeper.pauses()).isEmpty();
    }

    @Test
    void laterProposalsKeepOnePullRequestPerBranch() {
        PullRequestResult first = release.propose(proposal(BASE, "2.0"), forge).pullRequest();
        PullRequestResult second =
                release.propose(proposal(NEWER_BASE, "3.0"), forge).pullRequest();

        assertThat(second.operation()).isEqualTo(PullRequestResult.Operation.UPDATED);
        assertThat(second.number()).isEqualTo(first.number());
        assertThat(pullRequests.open()).containsOnlyKeys(BRANCH);
        assertThat(pullRequests.open().get(BRANCH).title()).isEqualTo("update to 3.0");
    }

    @Test
    void aLeaseLostToAnotherRunIsReadAgainAfterAPauseAndThePushLandsOnTopOfIt() {
        branches.beforeNextPush(() -> branches.pushedByAnotherRun(request(BASE, "1.9")));

        ReleaseService.Proposed proposed = release.propose(proposal(BASE, "2.0"), forge);

        assertThat(sleeper.pauses()).containsExactly(Duration.ofMillis(300));
        assertThat(proposed.branch().operation()).isEqualTo(PublishResult.Operation.UPDATED);
        assertThat(branches.content(BRANCH).orElseThrow().newReference()).endsWith(":2.0");
        assertThat(pullRequests.open().get(BRANCH).title()).isEqualTo("update to 2.0");
    }

    @Test
    void aLeaseLostOnEveryAttemptGivesUpAfterThreeWithoutTouchingThePullRequest() {
        for (int attempt = 0; attempt < 3; attempt++) {
            branches.beforeNextPush(() -> branches.pushedByAnotherRun(request(BASE, "1.9")));
        }

        assertThatThrownBy(() -> release.propose(proposal(BASE, "2.0"), forge))
                .isInstanceOf(BranchMoved.class)
                .hasMessageContaining(BRANCH);
        assertThat(sleeper.pauses())
                .containsExactly(Duration.ofMillis(300), Duration.ofMillis(600));
        assertThat(pullRequests.calls()).isEmpty();
    }

    @Test
    void aPullRequestFailureAfterCreatingTheBranchDeletesTheBranchAgain() {
        pullRequests.beforeNextCall(
                () -> {
                    throw NixshipException.failure("GitHub API: 502 while creating");
                });

        assertThatThrownBy(() -> release.propose(proposal(BASE, "2.0"), forge))
                .isInstanceOf(NixshipException.class)
                .hasMessage(
                        "GitHub API: 502 while creating; branch " + BRANCH + " was deleted again");
        assertThat(branches.read(BRANCH)).isEmpty();
        assertThat(pullRequests.calls()).hasSize(1);
        assertThat(pullRequests.open()).isEmpty();
    }

    @Test
    void aPullRequestFailureAfterMovingTheBranchPutsItBackToTheCommitItsPullRequestDescribes() {
        release.propose(proposal(BASE, "2.0"), forge);
        String described = branches.read(BRANCH).orElseThrow();
        pullRequests.beforeNextCall(
                () -> {
                    throw NixshipException.failure("GitHub API: 500 while updating");
                });

        assertThatThrownBy(() -> release.propose(proposal(NEWER_BASE, "3.0"), forge))
                .hasMessage(
                        "GitHub API: 500 while updating; branch "
                                + BRANCH
                                + " was put back to "
                                + described.substring(0, 12));
        assertThat(branches.read(BRANCH)).contains(described);
        assertThat(pullRequests.open().get(BRANCH).title()).isEqualTo("update to 2.0");
    }

    @Test
    void aRollBackThatFailsSaysWhereTheBranchStaysAndToReRun() {
        branches.failRollBacks();
        pullRequests.beforeNextCall(
                () -> {
                    throw NixshipException.failure("GitHub API: 500");
                });

        assertThatThrownBy(() -> release.propose(proposal(BASE, "2.0"), forge))
                .hasMessageStartingWith(
                        "GitHub API: 500; branch "
                                + BRANCH
                                + " stays at "
                                + branches.read(BRANCH).orElseThrow().substring(0, 12))
                .hasMessageEndingWith("re-run to bring its pull request in line");
    }

    @Test
    void aPullRequestOpenedConcurrentlyIsLookedUpAgainAndUpdated() {
        pullRequests.beforeNextCall(
                () -> {
                    pullRequests.openedByAnotherRun(spec("update to 1.9"));
                    throw new PullRequestConflict("GitHub API: 422 already exists", null);
                });

        ReleaseService.Proposed proposed = release.propose(proposal(BASE, "2.0"), forge);

        assertThat(proposed.pullRequest().operation())
                .isEqualTo(PullRequestResult.Operation.UPDATED);
        assertThat(pullRequests.open()).containsOnlyKeys(BRANCH);
        assertThat(pullRequests.open().get(BRANCH).title()).isEqualTo("update to 2.0");
        assertThat(log).contains("pull request: GitHub API: 422 already exists; looking again");
        assertThat(branches.events()).noneMatch(event -> event.startsWith("rolled back"));
    }

    @Test
    void aConflictThatPersistsRollsTheBranchBack() {
        for (int attempt = 0; attempt < 2; attempt++) {
            pullRequests.beforeNextCall(
                    () -> {
                        throw new PullRequestConflict("GitHub API: 422", null);
                    });
        }

        assertThatThrownBy(() -> release.propose(proposal(BASE, "2.0"), forge))
                .hasMessage("GitHub API: 422; branch " + BRANCH + " was deleted again");
        assertThat(pullRequests.calls()).hasSize(2);
        assertThat(branches.read(BRANCH)).isEmpty();
    }

    @Test
    void aBranchThatAlreadyHoldsTheChangeIsNotRolledBackWhenItsPullRequestFails() {
        release.propose(proposal(BASE, "2.0"), forge);
        String held = branches.read(BRANCH).orElseThrow();
        pullRequests.beforeNextCall(
                () -> {
                    throw NixshipException.failure("GitHub API: 500");
                });

        assertThatThrownBy(() -> release.propose(proposal(BASE, "2.0"), forge))
                .hasMessage("GitHub API: 500");
        assertThat(branches.read(BRANCH)).contains(held);
    }

    @Test
    void aNewerRunMovingTheBranchAfterOurPushLeavesThePullRequestToThatRun() {
        branches.afterNextPush(() -> branches.pushedByAnotherRun(request(NEWER_BASE, "3.0")));

        ReleaseService.Proposed proposed = release.propose(proposal(BASE, "2.0"), forge);

        assertThat(proposed.pullRequest()).isEqualTo(PullRequestResult.none());
        assertThat(proposed.note()).contains("its pull request is left to the run that moved it");
        assertThat(pullRequests.calls()).isEmpty();
        assertThat(branches.content(BRANCH).orElseThrow().newReference()).endsWith(":3.0");
    }

    @Test
    void manifestsThatAlreadyNameTheImageLeaveNoBranchAndNoPullRequest() {
        ReleaseService.Outcome outcome = release.release(alreadyDeployed(), forge);

        assertThat(outcome.pullRequest()).isEqualTo(PullRequestResult.none());
        assertThat(outcome.note()).isEqualTo("no manifest changes");
        assertThat(outcome.changed()).isFalse();
        assertThat(branches.read(BRANCH)).isEmpty();
        assertThat(pullRequests.open()).isEmpty();
    }

    @Test
    void manifestsThatAlreadyNameTheImageCloseTheStalePullRequest() {
        release.propose(proposal(BASE, "2.0"), forge);

        ReleaseService.Outcome outcome = release.release(alreadyDeployed(), forge);

        assertThat(outcome.pullRequest().operation()).isEqualTo(PullRequestResult.Operation.CLOSED);
        assertThat(outcome.changed()).isTrue();
        assertThat(pullRequests.open()).isEmpty();
        assertThat(pullRequests.calls().get(1).branchDiffersFromBase()).isFalse();
    }

    private static ReleaseService.Plan alreadyDeployed() {
        ImageReference deployed =
                ImageReference.parse("ghcr.io/acme/shop-api:2.0@sha256:" + "c".repeat(64));
        return new ReleaseService.Plan(
                null,
                null,
                deployed,
                BRANCH,
                BASE,
                List.of(),
                List.of(),
                deployed.toString(),
                true,
                new PullRequestContent(
                        "acme/shop-api",
                        deployed.toString(),
                        deployed.toString(),
                        BASE,
                        null,
                        null,
                        "",
                        null));
    }

    private static ReleaseService.Proposal proposal(String base, String tag) {
        return new ReleaseService.Proposal(request(base, tag), "update to " + tag, "body " + tag);
    }

    private static PublishRequest request(String base, String tag) {
        return new PublishRequest(
                BRANCH,
                base,
                Map.of(
                        "k8s/deployment.yaml",
                        ("image: ghcr.io/acme/shop-api:" + tag + "\n")
                                .getBytes(StandardCharsets.UTF_8)),
                "ghcr.io/acme/shop-api:1.0",
                "ghcr.io/acme/shop-api:" + tag,
                base);
    }

    private static PullRequestSpec spec(String title) {
        return new PullRequestSpec(BRANCH, "main", title, "body", List.of("nixship"), true);
    }
}
