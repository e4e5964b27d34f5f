package io.nixship.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.nixship.testsupport.CliRun;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * A release whose manifests live in a second repository, acme/deploy: the application's
 * .nixship.yaml names it under {@code gitops:}, its git side is a second bare repository holding
 * the deployment the example had, its pull requests (#31 once opened) are on the GitHub stand-in.
 */
final class GitOpsHarness {
    static final String PULLS = "/repos/acme/deploy/pulls";
    static final String MANIFEST = "apps/imgproxy/deployment.yaml";
    static final String BRANCH = ReleaseHarness.BRANCH;
    static final String MANIFESTS_TOKEN = "ghp_MANIFESTSTOKEN0123456789abcdef";
    private static final String SCENARIO = "deploy-pr";

    final ReleaseHarness app;
    final Path gitopsDir;
    private final WireMockExtension github;

    /** The branch nixship proposes on in acme/deploy, which pull request #31 is from. */
    private final String branch;

    private GitOpsHarness(
            ReleaseHarness app, Path gitopsDir, WireMockExtension github, String branch) {
        this.app = app;
        this.gitopsDir = gitopsDir;
        this.github = github;
        this.branch = branch;
    }

    /** For a release: its pull request is from the image's branch. */
    static GitOpsHarness create(ReleaseHarness app, Path dir, WireMockExtension github)
            throws Exception {
        return create(app, dir, github, BRANCH);
    }

    /**
     * acme/deploy's main holds the deployment the application's repository holds now; pull request
     * #31 is from {@code branch}.
     */
    static GitOpsHarness create(
            ReleaseHarness app, Path dir, WireMockExtension github, String branch)
            throws Exception {
        String deployment = app.deployment();
        Path config = app.project.dir().resolve(".nixship.yaml");
        Files.writeString(
                config,
                Files.readString(config)
                        + "\ngitops:\n  repository: acme/deploy\n  manifests:\n    - apps/imgproxy/\n");
        app.commitAndPush("manifests live in acme/deploy");
        Path gitopsDir = dir.resolve("deploy.git");
        Path work = dir.resolve("deploy-work");
        try (Git git = Git.init().setDirectory(work.toFile()).setInitialBranch("main").call()) {
            Files.createDirectories(work.resolve("apps/imgproxy"));
            Files.writeString(work.resolve(MANIFEST), deployment);
            git.add().addFilepattern(".").call();
            git.commit()
                    .setMessage("deploy imgproxy")
                    .setAuthor("ops", "ops@example.com")
                    .setCommitter("ops", "ops@example.com")
                    .setSign(false)
                    .call();
            Git.init()
                    .setBare(true)
                    .setDirectory(gitopsDir.toFile())
                    .setInitialBranch("main")
                    .call()
                    .close();
            git.push()
                    .setRemote(gitopsDir.toUri().toString())
                    .setRefSpecs(new RefSpec("refs/heads/main:refs/heads/main"))
                    .call();
        }
        GitOpsHarness harness = new GitOpsHarness(app, gitopsDir, github, branch);
        harness.stubDeployRepository();
        return harness;
    }

    /** The CLI as the Action runs it, with a token for acme/deploy. */
    CliRun cli() {
        return app.cli(github.baseUrl()).env("NIXSHIP_MANIFESTS_TOKEN", MANIFESTS_TOKEN);
    }

    String[] releaseArgs() {
        return new String[] {"release", "--remote", gitopsDir.toUri().toString(), "--json"};
    }

    /** The pull request is merged: main takes the branch's commit and the branch is deleted. */
    void mergeBranchIntoMain() throws Exception {
        try (Repository deploy = Git.open(gitopsDir.toFile()).getRepository()) {
            RefUpdate main = deploy.updateRef("refs/heads/main");
            main.setNewObjectId(deploy.resolve("refs/heads/" + branch));
            assertThat(main.forceUpdate())
                    .isIn(RefUpdate.Result.FORCED, RefUpdate.Result.FAST_FORWARD);
            RefUpdate proposed = deploy.updateRef("refs/heads/" + branch);
            proposed.setForceUpdate(true);
            assertThat(proposed.delete()).isEqualTo(RefUpdate.Result.FORCED);
        }
        github.setScenarioState(SCENARIO, "merged");
    }

    ObjectId ref(String name) throws Exception {
        try (Repository deploy = Git.open(gitopsDir.toFile()).getRepository()) {
            Ref ref = deploy.exactRef("refs/heads/" + name);
            return ref == null ? null : ref.getObjectId();
        }
    }

    RevCommit commit(String branch) throws Exception {
        try (Repository deploy = Git.open(gitopsDir.toFile()).getRepository();
                RevWalk walk = new RevWalk(deploy)) {
            return walk.parseCommit(deploy.resolve("refs/heads/" + branch));
        }
    }

    String file(String branch, String path) throws Exception {
        try (Repository deploy = Git.open(gitopsDir.toFile()).getRepository();
                RevWalk walk = new RevWalk(deploy);
                TreeWalk entry =
                        TreeWalk.forPath(
                                deploy,
                                path,
                                walk.parseCommit(deploy.resolve("refs/heads/" + branch))
                                        .getTree())) {
            return new String(deploy.open(entry.getObjectId(0)).getBytes(), StandardCharsets.UTF_8);
        }
    }

    private void stubDeployRepository() {
        github.stubFor(
                get(urlPathEqualTo("/repos/acme/deploy"))
                        .willReturn(
                                json(
                                        "{\"id\":5001,\"name\":\"deploy\",\"full_name\":\"acme/deploy\","
                                                + "\"owner\":{\"login\":\"acme\",\"id\":2002},"
                                                + "\"default_branch\":\"main\"}")));
        String pr =
                "{\"id\":31031,\"node_id\":\"PR_deploy31\",\"number\":31,\"state\":\"open\","
                        + "\"title\":\"t\",\"body\":\"b\","
                        + "\"html_url\":\"https://github.example/acme/deploy/pull/31\","
                        + "\"head\":{\"ref\":\""
                        + branch
                        + "\",\"sha\":\"1111111111111111111111111111111111111111\"},"
                        + "\"base\":{\"ref\":\"main\",\"sha\":\"2222222222222222222222222222222222222222\"},"
                        + "\"labels\":[{\"id\":1,\"name\":\"nixship\"}]}";
        github.stubFor(
                get(urlPathEqualTo(PULLS))
                        .inScenario(SCENARIO)
                        .whenScenarioStateIs(Scenario.STARTED)
                        .willReturn(json("[]")));
        github.stubFor(
                post(urlPathEqualTo(PULLS))
                        .inScenario(SCENARIO)
                        .whenScenarioStateIs(Scenario.STARTED)
                        .willReturn(json(pr).withStatus(201))
                        .willSetStateTo("open"));
        github.stubFor(
                get(urlPathEqualTo(PULLS))
                        .inScenario(SCENARIO)
                        .whenScenarioStateIs("open")
                        .willReturn(json("[" + pr + "]")));
        github.stubFor(
                patch(urlPathEqualTo(PULLS + "/31"))
                        .inScenario(SCENARIO)
                        .whenScenarioStateIs("open")
                        .willReturn(json(pr)));
        github.stubFor(
                post(urlPathEqualTo("/repos/acme/deploy/issues/31/labels"))
                        .willReturn(json("[{\"id\":1,\"name\":\"nixship\"}]")));
        github.stubFor(
                get(urlPathEqualTo(PULLS))
                        .inScenario(SCENARIO)
                        .whenScenarioStateIs("merged")
                        .willReturn(json("[]")));
    }

    private static ResponseDefinitionBuilder json(String body) {
        return aResponse()
                .withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody(body);
    }
}
