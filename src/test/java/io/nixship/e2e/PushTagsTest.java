package io.nixship.e2e;

import static io.nixship.e2e.PushFixtures.inspect;
import static io.nixship.e2e.PushFixtures.push;
import static org.assertj.core.api.Assertions.assertThat;

import io.nixship.testsupport.CliRun;
import io.nixship.testsupport.ExampleProject;
import io.nixship.testsupport.RegistryServer;
import io.nixship.testsupport.TestNixpkgs.Revision;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which tags a push moves: {@code git-<sha7>} by default, the {@code tag:} template, and extra
 * {@code --tag}s.
 */
@Tag("nix")
class PushTagsTest {
    @TempDir Path root;

    @Test
    void defaultTagIsGitSha7AndEveryExtraTagPointsAtTheSameDigest() {
        ExampleProject project = ExampleProject.create(root.resolve("project"), Revision.REV1);
        try (RegistryServer registry = RegistryServer.start()) {
            String repository = registry.host() + "/acme/imgproxy-lite";
            String sha7 = project.head().substring(0, 7);

            CliRun.Result result =
                    push(
                            CliRun.offline(root, root.resolve("home")),
                            project,
                            repository,
                            "--tag",
                            "latest",
                            "--tag",
                            "stable",
                            "--tag",
                            "latest");

            String digest = result.out().strip().substring(result.out().indexOf('@') + 1);
            assertThat(result.out()).startsWith(repository + ":git-" + sha7 + "@sha256:");
            for (String tag : List.of("git-" + sha7, "latest", "stable")) {
                assertThat(inspect(repository + ":" + tag).path("Digest").asText())
                        .as(tag)
                        .isEqualTo(digest);
            }
            assertThat(registry.requests())
                    .filteredOn(
                            r ->
                                    r.method().equals("PUT")
                                            && r.path().contains("/manifests/")
                                            && r.status() == 201)
                    .extracting(r -> r.path().substring(r.path().lastIndexOf('/') + 1))
                    .containsExactly(digest, "git-" + sha7, "latest", "stable");
        }
    }

    @Test
    void tagTemplateExpandsShaSha7DateAndNixpkgsAndATagInToWins() throws Exception {
        ExampleProject project = ExampleProject.create(root.resolve("project"), Revision.REV1);
        Path config = project.dir().resolve(".nixship.yaml");
        Files.writeString(
                config, Files.readString(config) + "tag: \"{date}.{nixpkgs}.{sha7}.{sha}\"\n");
        String sha = project.commitAll("tag template");
        String date =
                DateTimeFormatter.ofPattern("yyyyMMdd")
                        .withZone(ZoneOffset.UTC)
                        .format(commitTime(project));
        String expected =
                date
                        + "."
                        + Revision.REV1.gitRevision().substring(0, 7)
                        + "."
                        + sha.substring(0, 7)
                        + "."
                        + sha;
        try (RegistryServer registry = RegistryServer.start()) {
            String repository = registry.host() + "/acme/imgproxy-lite";
            CliRun cli = CliRun.offline(root, root.resolve("home"));

            CliRun.Result templated = push(cli, project, repository);
            CliRun.Result explicit =
                    push(cli, project, repository + ":release-1", "--tag", "extra");

            assertThat(expected).startsWith("20260102.e8f1c4a.");
            assertThat(templated.out()).startsWith(repository + ":" + expected + "@sha256:");
            String digest = templated.out().strip().substring(templated.out().indexOf('@') + 1);
            assertThat(inspect(repository + ":" + expected).path("Digest").asText())
                    .isEqualTo(digest);
            assertThat(explicit.out()).isEqualTo(repository + ":release-1@" + digest + "\n");
            assertThat(inspect(repository + ":extra").path("Digest").asText()).isEqualTo(digest);
        }
    }

    @Test
    void withoutToTheImageIsPushedToTheConfiguredRepository() throws Exception {
        ExampleProject project = ExampleProject.create(root.resolve("project"), Revision.REV1);
        try (RegistryServer registry = RegistryServer.start()) {
            String repository = registry.host() + "/acme/configured";
            Path config = project.dir().resolve(".nixship.yaml");
            Files.writeString(
                    config,
                    Files.readString(config)
                            .replace(
                                    "image: registry.example.com/acme/imgproxy-lite",
                                    "image: " + repository));
            String sha = project.commitAll("push to the local registry");

            CliRun.Result result =
                    CliRun.offline(root, root.resolve("home"))
                            .run("build", "--dir", project.dir().toString());

            assertThat(result.exitCode()).as(result.err()).isZero();
            assertThat(result.out())
                    .startsWith(repository + ":git-" + sha.substring(0, 7) + "@sha256:");
            String digest = result.out().strip().substring(result.out().indexOf('@') + 1);
            assertThat(inspect(repository + ":git-" + sha.substring(0, 7)).path("Digest").asText())
                    .isEqualTo(digest);
        }
    }

    private static Instant commitTime(ExampleProject project) throws IOException {
        try (var walk = new RevWalk(project.git().getRepository())) {
            RevCommit commit = walk.parseCommit(project.git().getRepository().resolve("HEAD"));
            return Instant.ofEpochSecond(commit.getCommitTime());
        }
    }
}
