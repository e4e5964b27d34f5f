package io.nixship.pipeline.release;

import io.nixship.NixshipException;
import io.nixship.Sleeper;
import io.nixship.pipeline.port.BranchMoved;
import io.nixship.pipeline.port.BranchStore;
import io.nixship.pipeline.port.PublishRequest;
import io.nixship.pipeline.port.PublishResult;
import io.nixship.pipeline.port.PullRequestConflict;
import io.nixship.pipeline.port.PullRequestResult;
import io.nixship.pipeline.port.PullRequestSpec;
import io.nixship.pipeline.port.RunLog;
import io.nixship.pipeline.release.ReleaseService.Forge;
import io.nixship.pipeline.release.ReleaseService.Proposal;
import io.nixship.pipeline.release.ReleaseService.Proposed;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * Puts a proposal on its {@code nixship/*} branch and keeps the branch and its pull request
 * consistent: the push is leased on the value read (read again after a pause when another run moved
 * the branch), the pull request is touched only while the branch holds this run's commit, and when
 * a later step fails the branch is put back to its previous value (deleted if this run created it).
 * A release proposes in one repository; a channel update with a GitOps repository in two, the
 * second step's failure putting the first's branch back.
 */
public final class BranchProposals {
    /** Pushes tried when concurrent runs keep moving the branch under us. */
    private static final int LEASE_ATTEMPTS = 3;

    /**
     * How long to let another run's push of the branch finish before reading it again (times the
     * attempt).
     */
    private static final Duration LEASE_RETRY_PAUSE = Duration.ofMillis(300);

    /** Pull request syncs tried when a concurrent run opened the pull request first. */
    private static final int PULL_REQUEST_ATTEMPTS = 2;

    /**
     * What proposing in two repositories did.
     *
     * @param second the second repository's step; empty when the first's branch does not carry this
     *     run's commit (a newer run's, or nothing to change), whose run then owns both
     */
    public record Both(Proposed first, Optional<Proposed> second) {}

    private final Sleeper sleeper;
    private final RunLog log;

    /**
     * @param sleeper waits while another run pushes the branch
     */
    public BranchProposals(Sleeper sleeper, RunLog log) {
        this.sleeper = sleeper;
        this.log = log;
    }

    /**
     * Proposes {@code first} in {@code forge}, then, while its branch carries this run's commit,
     * runs {@code then} in the second repository with what the first did; when that step fails, the
     * first's branch is put back as it was, so a re-run starts from where this one started.
     */
    public Both proposeThen(Proposal first, Forge forge, Function<Proposed, Proposed> then) {
        Proposed proposed = propose(first, forge);
        if (!proposed.note().isEmpty() || !proposed.branch().pullRequestShouldShowIt()) {
            return new Both(proposed, Optional.empty());
        }
        try {
            return new Both(proposed, Optional.of(then.apply(proposed)));
        } catch (NixshipException failed) {
            throw rolledBack(forge.branches(), first.request(), proposed.branch(), failed);
        }
    }

    /** Closes the branch's open pull request: its change is no longer needed. */
    public PullRequestResult close(String branch, String title, String body, Forge forge) {
        return forge.pullRequests().synchronize(spec(branch, title, body, forge, false));
    }

    /**
     * Pushes the proposal's commit (leased, never over someone else's commit or a newer run's) and
     * brings its pull request in line while the branch still holds that commit; when the pull
     * request call fails, the branch is put back.
     */
    public Proposed propose(Proposal proposal, Forge forge) {
        PublishRequest request = proposal.request();
        PublishResult published = publishLeased(forge.branches(), request, sleeper);
        log.line(
                "branch "
                        + request.branch()
                        + ": "
                        + published.operation().name().toLowerCase(Locale.ROOT));
        if (published.operation() == PublishResult.Operation.SUPERSEDED) {
            return new Proposed(
                    published,
                    PullRequestResult.none(),
                    "a newer build already updated "
                            + request.branch()
                            + "; its pull request is left to that run");
        }
        if (published.pullRequestIsStale()) {
            return new Proposed(
                    published,
                    close(request.branch(), proposal.title(), proposal.body(), forge),
                    "");
        }
        return synchronizeWhileOurs(proposal, forge, published);
    }

    /**
     * Brings the pull request in line with the branch while the branch still holds this run's
     * commit; when that fails, puts the branch back so it never points at a commit its pull request
     * does not describe.
     */
    private Proposed synchronizeWhileOurs(Proposal proposal, Forge forge, PublishResult published) {
        PublishRequest request = proposal.request();
        for (int attempt = 1; ; attempt++) {
            Optional<Proposed> movedOn = movedOn(request.branch(), forge.branches(), published);
            if (movedOn.isPresent()) {
                return movedOn.get();
            }
            try {
                return new Proposed(
                        published, forge.pullRequests().synchronize(open(proposal, forge)), "");
            } catch (PullRequestConflict conflict) {
                // A concurrent run opened the pull request between our look-up and our create;
                // looking again finds it and updates it instead.
                if (attempt >= PULL_REQUEST_ATTEMPTS) {
                    throw rolledBack(forge.branches(), request, published, conflict);
                }
                log.line("pull request: " + conflict.getMessage() + "; looking again");
            } catch (NixshipException failed) {
                throw rolledBack(forge.branches(), request, published, failed);
            }
        }
    }

    /**
     * Pushes leased on the value just read. When another run moved the branch in between, the lease
     * rejects our push; reading again lets the ancestry decide (an older run is then superseded, a
     * newer one replaces the older commit), so concurrent runs end with the newest build.
     */
    private static PublishResult publishLeased(
            BranchStore branches, PublishRequest request, Sleeper sleeper) {
        for (int attempt = 1; ; attempt++) {
            Optional<String> lease = branches.read(request.branch());
            try {
                return branches.publish(request, lease);
            } catch (BranchMoved e) {
                if (attempt >= LEASE_ATTEMPTS) {
                    throw e;
                }
                // Another push held the branch or moved it: once it is done, reading again decides
                // on top of it. Read at once, the branch may still show the lease while the other
                // push completes.
                pauseForOtherPush(sleeper, attempt);
            } catch (NixshipException e) {
                if (attempt >= LEASE_ATTEMPTS || branches.read(request.branch()).equals(lease)) {
                    throw e;
                }
            }
        }
    }

    private static void pauseForOtherPush(Sleeper sleeper, int attempt) {
        try {
            sleeper.sleep(LEASE_RETRY_PAUSE.multipliedBy(attempt));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw NixshipException.failure("interrupted while another run was pushing the branch");
        }
    }

    /**
     * A newer run may have pushed since our push; the pull request is then that run's to describe,
     * and this one leaves it alone. Empty while the branch still holds our commit.
     */
    private static Optional<Proposed> movedOn(
            String branch, BranchStore branches, PublishResult published) {
        Optional<String> now = branches.read(branch);
        if (now.equals(Optional.of(published.commit()))) {
            return Optional.empty();
        }
        return Optional.of(
                new Proposed(
                        published,
                        PullRequestResult.none(),
                        branch
                                + " moved to "
                                + now.orElse("nothing")
                                + " after this run pushed; its pull request is left to the run that moved it"));
    }

    private static NixshipException rolledBack(
            BranchStore branches,
            PublishRequest request,
            PublishResult published,
            NixshipException cause) {
        if (published.operation() == PublishResult.Operation.UP_TO_DATE) {
            return cause;
        }
        String undone =
                published.previous() == null
                        ? "deleted again"
                        : "put back to " + abbreviated(published.previous());
        try {
            branches.rollBack(request, published);
            return NixshipException.failure(
                    cause.getMessage() + "; branch " + request.branch() + " was " + undone, cause);
        } catch (NixshipException rollBackFailed) {
            return NixshipException.failure(
                    cause.getMessage()
                            + "; branch "
                            + request.branch()
                            + " stays at "
                            + abbreviated(published.commit())
                            + " ("
                            + rollBackFailed.getMessage()
                            + "); re-run to bring its pull request in line",
                    cause);
        }
    }

    private static String abbreviated(String commitId) {
        return commitId.substring(0, 12);
    }

    private static PullRequestSpec open(Proposal proposal, Forge forge) {
        return spec(proposal.request().branch(), proposal.title(), proposal.body(), forge, true);
    }

    private static PullRequestSpec spec(
            String branch, String title, String body, Forge forge, boolean differs) {
        return new PullRequestSpec(
                branch, forge.baseBranch(), title, body, forge.labels(), differs);
    }
}
