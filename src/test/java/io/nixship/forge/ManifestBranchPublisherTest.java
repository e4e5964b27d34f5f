package io.nixship.forge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nixship.NixshipException;
import io.nixship.pipeline.port.PublishRequest;
import io.nixship.pipeline.port.PublishResult;
import io.nixship.testsupport.GitRemoteFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.transport.RefSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(IsolatedGitConfig.class)
class ManifestBranchPublisherTest {
    private static final String BRANCH = "nixship/acme/shop-api";
    private static final String DEPLOYMENT = "k8s/deployment.yaml";

    @TempDir Path dir;
    private GitRemoteFixture git;
    private ManifestBranchPublisher publisher;

    @BeforeEach
    void setUp() throws Exception {
        git = GitFixture.withManifest(dir);
        publisher =
                new ManifestBranchPublisher(
                        git.repository(),
                        new org.eclipse.jgit.transport.URIish(git.remoteUrl()),
                        null,
                        Clock.fixed(Instant.parse("2024-06-01T12:00:00Z"), ZoneOffset.UTC));
    }

    @AfterEach
    void tearDown() {
        git.close();
    }

    private PublishRequest request(ObjectId base, String tag) {
        return new PublishRequest(
                BRANCH,
                base.name(),
                GitRemoteFixture.edit(
                        DEPLOYMENT, "image: ghcr.io/acme/shop-api:" + tag + " # keep\n"),
                "ghcr.io/acme/shop-api:1.0",
                "ghcr.io/acme/shop-api:" + tag,
                base.name());
    }

    private ObjectId head() throws Exception {
        return git.repository().resolve("refs/heads/main");
    }

    @Test
    void createsTheBranchWithOneNixshipCommitOnTopOfTheBase() throws Exception {
        ObjectId base = head();

        PublishResult result = publisher.publish(request(base, "2.0"));

        assertThat(result.operation()).isEqualTo(PublishResult.Operation.CREATED);
        assertThat(result.previous()).isNull();
        assertThat(git.remoteBranch(BRANCH).name()).isEqualTo(result.commit());
        assertThat(git.fileOnRemoteBranch(BRANCH, DEPLOYMENT))
                .isEqualTo("image: ghcr.io/acme/shop-api:2.0 # keep\n");
        assertThat(git.fileOnRemoteBranch(BRANCH, "README.md")).isEqualTo("shop\n");
        RevCommit commit = git.remoteCommit(BRANCH);
        assertThat(commit.getParent(0).getId()).isEqualTo(base);
        assertThat(commit.getAuthorIdent().getEmailAddress())
                .isEqualTo("nixship@users.noreply.github.com");
        assertThat(commit.getFullMessage())
                .contains(
                        "Old: ghcr.io/acme/shop-api:1.0",
                        "New: ghcr.io/acme/shop-api:2.0",
                        "Built from commit " + base.name(),
                        "Nixship-Image: ghcr.io/acme/shop-api:2.0",
                        "Nixship-Source: " + base.name());
    }

    @Test
    void leavesTheCheckoutsWorkingTreeIndexAndBranchesAlone() throws Exception {
        ObjectId base = head();
        Path file = git.repository().getWorkTree().toPath().resolve(DEPLOYMENT);

        publisher.publish(request(base, "2.0"));

        assertThat(Files.readString(file)).isEqualTo("image: ghcr.io/acme/shop-api:1.0 # keep\n");
        assertThat(git.checkout.status().call().isClean()).isTrue();
        assertThat(head()).isEqualTo(base);
        assertThat(git.repository().resolve("refs/heads/" + BRANCH)).isNull();
    }

    @Test
    void aNewerBuildForceUpdatesTheSameBranch() throws Exception {
        ObjectId firstBase = head();
        PublishResult first = publisher.publish(request(firstBase, "2.0"));
        git.write("README.md", "shop v2\n");
        ObjectId secondBase = git.commitAndPush("newer");

        PublishResult second = publisher.publish(request(secondBase, "3.0"));

        assertThat(second.operation()).isEqualTo(PublishResult.Operation.UPDATED);
        assertThat(second.previous()).isEqualTo(first.commit());
        assertThat(git.remoteCommit(BRANCH).getParent(0).getId()).isEqualTo(secondBase);
        assertThat(git.fileOnRemoteBranch(BRANCH, DEPLOYMENT)).contains("shop-api:3.0");
        assertThat(git.fileOnRemoteBranch(BRANCH, "README.md")).isEqualTo("shop v2\n");
    }

    @Test
    void rerunningTheSameBuildPushesNothing() throws Exception {
        ObjectId base = head();
        PublishResult first = publisher.publish(request(base, "2.0"));

        PublishResult again = publisher.publish(request(base, "2.0"));

        assertThat(again.operation()).isEqualTo(PublishResult.Operation.UP_TO_DATE);
        assertThat(git.remoteBranch(BRANCH).name()).isEqualTo(first.commit());
    }

    @Test
    void editsEqualToTheBaseAreNoChangesAndPushNothing() throws Exception {
        ObjectId base = head();

        PublishResult result = publisher.publish(request(base, "1.0"));

        assertThat(result.operation()).isEqualTo(PublishResult.Operation.NO_CHANGES);
        assertThat(result.pullRequestIsStale()).isTrue();
        assertThat(git.remoteBranch(BRANCH)).isNull();
    }

    @Test
    void anOlderRunNeverReplacesABranchBuiltFromANewerBase() throws Exception {
        ObjectId olderBase = head();
        git.write("README.md", "shop v2\n");
        ObjectId newerBase = git.commitAndPush("newer");
        PublishResult newer = publisher.publish(request(newerBase, "3.0"));

        PublishResult older = publisher.publish(request(olderBase, "2.0"));

        assertThat(older.operation()).isEqualTo(PublishResult.Operation.SUPERSEDED);
        assertThat(older.pullRequestShouldShowIt()).isFalse();
        assertThat(git.remoteBranch(BRANCH).name()).isEqualTo(newer.commit());
    }

    @Test
    void failsTheLeaseWhenAnotherRunPushedInBetween() throws Exception {
        ObjectId base = head();
        publisher.publish(request(base, "2.0"));
        Optional<String> lease = publisher.read(BRANCH);
        ManifestBranchPublisher otherRun =
                new ManifestBranchPublisher(
                        git.repository(),
                        new org.eclipse.jgit.transport.URIish(git.remoteUrl()),
                        null,
                        Clock.fixed(Instant.parse("2024-06-01T12:05:00Z"), ZoneOffset.UTC));
        PublishResult concurrent = otherRun.publish(request(base, "2.1"));

        assertThatThrownBy(() -> publisher.publish(request(base, "2.2"), lease))
                .isInstanceOf(NixshipException.class)
                .hasMessageContaining("changed on")
                .hasMessageContaining("another run pushed");
        assertThat(git.remoteBranch(BRANCH).name()).isEqualTo(concurrent.commit());
    }

    @Test
    void refusesToOverwriteABranchWithACommitNixshipDidNotWrite() throws Exception {
        ObjectId base = head();
        publisher.publish(request(base, "2.0"));
        try (Git other = git.otherClone(dir.resolve("other"))) {
            other.fetch()
                    .setRefSpecs(new RefSpec("refs/heads/" + BRANCH + ":refs/heads/" + BRANCH))
                    .call();
            other.checkout().setName(BRANCH).call();
            Files.writeString(
                    other.getRepository().getWorkTree().toPath().resolve("NOTES.md"),
                    "human fix\n",
                    StandardCharsets.UTF_8);
            other.add().addFilepattern("NOTES.md").call();
            other.commit()
                    .setMessage("human fix")
                    .setSign(false)
                    .setAuthor(GitRemoteFixture.DEVELOPER)
                    .setCommitter(GitRemoteFixture.DEVELOPER)
                    .call();
            other.push().setRefSpecs(new RefSpec(BRANCH + ":" + BRANCH)).call();
        }
        ObjectId humanTip = git.remoteBranch(BRANCH);

        assertThatThrownBy(() -> publisher.publish(request(base, "3.0")))
                .isInstanceOf(NixshipException.class)
                .hasMessageContaining("that nixship did not write")
                .hasMessageContaining(BRANCH);
        assertThat(git.remoteBranch(BRANCH)).isEqualTo(humanTip);
    }

    @Test
    void aRemoteThatRefusesForcePushesIsReportedAsARefusal() throws Exception {
        ObjectId firstBase = head();
        PublishResult first = publisher.publish(request(firstBase, "2.0"));
        try (Git remote = Git.open(git.remoteDir.toFile())) {
            remote.getRepository()
                    .getConfig()
                    .setBoolean("receive", null, "denyNonFastForwards", true);
            remote.getRepository().getConfig().save();
        }
        git.write("README.md", "shop v2\n");
        ObjectId secondBase = git.commitAndPush("newer");

        assertThatThrownBy(() -> publisher.publish(request(secondBase, "3.0")))
                .isInstanceOf(NixshipException.class)
                .hasMessageStartingWith("the remote refused the push to " + BRANCH + ": ")
                .hasMessageEndingWith(
                        "if the branch is protected, exclude nixship/* from the protection"
                                + " rule")
                .message()
                .doesNotContain("\n");
        assertThat(git.remoteBranch(BRANCH).name()).isEqualTo(first.commit());
    }

    @Test
    void rejectsPathsOutsideTheRepository() throws Exception {
        PublishRequest escaping =
                new PublishRequest(
                        BRANCH,
                        head().name(),
                        GitRemoteFixture.edit("../etc/passwd", "x"),
                        "a",
                        "b",
                        "c");

        assertThatThrownBy(() -> publisher.publish(escaping))
                .isInstanceOf(NixshipException.class)
                .hasMessageContaining("'../etc/passwd' must be a relative path");
    }

    @Test
    void refusesARemoteUrlWithCredentialsInIt() {
        assertThatThrownBy(
                        () ->
                                ManifestBranchPublisher.withoutCredentials(
                                        git.repository(),
                                        "https://x-access-token:ghs_secret@github.com/acme/shop.git"))
                .isInstanceOf(NixshipException.class)
                .message()
                .doesNotContain("ghs_secret");
    }
}
