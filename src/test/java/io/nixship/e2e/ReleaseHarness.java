package io.nixship.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.notContaining;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.nixship.testsupport.CliRun;
import io.nixship.testsupport.ExampleProject;
import io.nixship.testsupport.RegistryServer;
import io.nixship.testsupport.TestNixpkgs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.diff.DiffEntry;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.treewalk.CanonicalTreeParser;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * The world a release runs in, for real: the bundled example as a git repository whose "GitHub"
 * remote is a local bare repository (file://), its image going to a real registry on loopback, and
 * a WireMock GitHub API that fails on any request it was not told to expect.
 */
final class ReleaseHarness {
    static final String TOKEN = "ghs_RELEASETESTTOKEN0123456789abcdef";
    static final String REPOSITORY = "acme/imgproxy-lite";
    static final String BRANCH = "nixship/acme/imgproxy-lite";
    static final String DEPLOYMENT = "k8s/deployment.yaml";
    static final String PULLS = "/repos/acme/imgproxy-lite/pulls";
    static final String HTML_URL = "https://github.example/acme/imgproxy-lite/pull/12";

    final ExampleProject project;
    final Path remoteDir;
    final RegistryServer registry;
    private final Path home;
    private final Path outputFile;

    private ReleaseHarness(
            ExampleProject project,
            Path remoteDir,
            RegistryServer registry,
            Path home,
            Path outputFile) {
        this.project = project;
        this.remoteDir = remoteDir;
        this.registry = registry;
        this.home = home;
        this.outputFile = outputFile;
    }

    /**
     * The example pointed at {@code registry}, committed and pushed to a fresh bare remote as main.
     */
    static ReleaseHarness create(Path dir, Path home, RegistryServer registry) throws Exception {
        ExampleProject project =
                ExampleProject.create(dir.resolve("project"), TestNixpkgs.Revision.REV1);
        String image = registry.host() + "/acme/imgproxy-lite";
        replace(
                project.dir().resolve(".nixship.yaml"),
                "registry.example.com/acme/imgproxy-lite",
                image);
        replace(
                project.dir().resolve(DEPLOYMENT),
                "registry.example.com/acme/imgproxy-lite",
                image);
        project.commitAll("example on the test registry");
        Path remote = dir.resolve("remote.git");
        Git.init()
                .setBare(true)
                .setDirectory(remote.toFile())
                .setInitialBranch("main")
                .call()
                .close();
        ReleaseHarness harness =
                new ReleaseHarness(project, remote, registry, home, dir.resolve("github-output"));
        harness.pushMain();
        return harness;
    }

    static WireMockExtension github() {
        return WireMockExtension.newInstance()
                .options(
                        wireMockConfig()
                                .dynamicPort()
                                .usingFilesUnderClasspath("e2e/release/github"))
                .failOnUnmatchedRequests(true)
                .build();
    }

    static ResponseDefinitionBuilder json(int status, String file) {
        return aResponse()
                .withStatus(status)
                .withHeader("Content-Type", "application/json")
                .withBodyFile(file);
    }

    static ResponseDefinitionBuilder emptyList() {
        return aResponse()
                .withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("[]");
    }

    /**
     * GitHub with no pull request until one is created; then #12 is open and can be edited or
     * closed; once closed the list is empty again.
     */
    static void stubPullRequestLifecycle(WireMockExtension github) {
        github.stubFor(
                get(urlPathEqualTo("/repos/acme/imgproxy-lite"))
                        .willReturn(json(200, "repo.json")));
        github.stubFor(
                get(urlPathEqualTo(PULLS))
                        .inScenario("pr")
                        .whenScenarioStateIs(Scenario.STARTED)
                        .willReturn(emptyList()));
        github.stubFor(
                post(urlPathEqualTo(PULLS))
                        .inScenario("pr")
                        .whenScenarioStateIs(Scenario.STARTED)
                        .willReturn(json(201, "pr-12.json"))
                        .willSetStateTo("open"));
        // As GitHub does when a concurrent run opened the pull request first.
        github.stubFor(
                post(urlPathEqualTo(PULLS))
                        .inScenario("pr")
                        .whenScenarioStateIs("open")
                        .willReturn(json(422, "error-pull-request-exists.json")));
        github.stubFor(
                post(urlPathEqualTo("/repos/acme/imgproxy-lite/issues/12/labels"))
                        .willReturn(json(200, "labels.json")));
        github.stubFor(
                get(urlPathEqualTo(PULLS))
                        .inScenario("pr")
                        .withQueryParam("head", equalTo("acme:" + BRANCH))
                        .whenScenarioStateIs("open")
                        .willReturn(json(200, "pr-12-list.json")));
        github.stubFor(
                patch(urlPathEqualTo(PULLS + "/12"))
                        .inScenario("pr")
                        .whenScenarioStateIs("open")
                        .withRequestBody(notContaining("\"state\""))
                        .willReturn(json(200, "pr-12.json")));
        github.stubFor(
                patch(urlPathEqualTo(PULLS + "/12"))
                        .inScenario("pr")
                        .whenScenarioStateIs("open")
                        .withRequestBody(matchingJsonPath("$.state", equalTo("closed")))
                        .willReturn(json(200, "pr-12-closed.json"))
                        .willSetStateTo("closed"));
        github.stubFor(
                get(urlPathEqualTo(PULLS))
                        .inScenario("pr")
                        .whenScenarioStateIs("closed")
                        .willReturn(emptyList()));
    }

    String image() {
        return registry.host() + "/acme/imgproxy-lite";
    }

    String remoteUrl() {
        return remoteDir.toUri().toString();
    }

    /** The CLI as the Action runs it: token, repository and API URL in the environment. */
    CliRun cli(String apiUrl) {
        return cli(apiUrl, project.dir(), home);
    }

    /** The CLI in another checkout with its own cache, like a second runner. */
    CliRun cli(String apiUrl, Path checkout, Path runnerHome) {
        return CliRun.offline(checkout, runnerHome)
                .env("GITHUB_TOKEN", TOKEN)
                .env("GITHUB_REPOSITORY", REPOSITORY)
                .env("GITHUB_API_URL", apiUrl)
                .env("GITHUB_OUTPUT", outputFile.toString());
    }

    CliRun.Result release(String apiUrl, String... extra) {
        List<String> args = new ArrayList<>(List.of("release", "--remote", remoteUrl(), "--json"));
        args.addAll(List.of(extra));
        return cli(apiUrl).run(args.toArray(String[]::new));
    }

    static JsonNode json(CliRun.Result result) {
        try {
            return new ObjectMapper().readTree(result.out());
        } catch (IOException e) {
            throw new UncheckedIOException("stdout is not JSON: " + result.out() + result.err(), e);
        }
    }

    static JsonNode jsonBody(com.github.tomakehurst.wiremock.verification.LoggedRequest request) {
        try {
            return new ObjectMapper().readTree(request.getBodyAsString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Commits the work tree and pushes main, as a merge to the default branch would. */
    String commitAndPush(String message) throws Exception {
        String sha = project.commitAll(message);
        pushMain();
        return sha;
    }

    void pushMain() throws Exception {
        project.git()
                .push()
                .setRemote(remoteUrl())
                .setRefSpecs(new RefSpec("refs/heads/main:refs/heads/main"))
                .call();
    }

    String deployment() throws IOException {
        return Files.readString(project.dir().resolve(DEPLOYMENT), StandardCharsets.UTF_8);
    }

    Optional<ObjectId> remoteBranch(String branch) throws IOException {
        try (Repository remote = Git.open(remoteDir.toFile()).getRepository()) {
            return Optional.ofNullable(remote.resolve("refs/heads/" + branch));
        }
    }

    /** Every ref of the remote with its value: a witness that a run left the remote alone. */
    Map<String, ObjectId> remoteRefs() throws IOException {
        Map<String, ObjectId> refs = new HashMap<>();
        try (Repository remote = Git.open(remoteDir.toFile()).getRepository()) {
            for (Ref ref : remote.getRefDatabase().getRefs()) {
                refs.put(ref.getName(), ref.getObjectId());
            }
        }
        return refs;
    }

    RevCommit remoteCommit(String branch) throws IOException {
        try (Repository remote = Git.open(remoteDir.toFile()).getRepository();
                RevWalk walk = new RevWalk(remote)) {
            RevCommit commit = walk.parseCommit(remote.resolve("refs/heads/" + branch));
            walk.parseBody(commit.getParent(0));
            return commit;
        }
    }

    String fileOnRemoteBranch(String branch, String path) throws IOException {
        try (Repository remote = Git.open(remoteDir.toFile()).getRepository();
                RevWalk walk = new RevWalk(remote)) {
            RevCommit commit = walk.parseCommit(remote.resolve("refs/heads/" + branch));
            try (TreeWalk entry = TreeWalk.forPath(remote, path, commit.getTree())) {
                return entry == null
                        ? null
                        : new String(
                                remote.open(entry.getObjectId(0)).getBytes(),
                                StandardCharsets.UTF_8);
            }
        }
    }

    /** The paths the branch's tip commit changes against its parent. */
    List<String> pathsChangedOnBranch(String branch) throws IOException {
        try (Repository remote = Git.open(remoteDir.toFile()).getRepository();
                RevWalk walk = new RevWalk(remote);
                Git git = new Git(remote)) {
            RevCommit tip = walk.parseCommit(remote.resolve("refs/heads/" + branch));
            RevCommit parent = walk.parseCommit(tip.getParent(0));
            var reader = remote.newObjectReader();
            CanonicalTreeParser before = new CanonicalTreeParser(null, reader, parent.getTree());
            CanonicalTreeParser after = new CanonicalTreeParser(null, reader, tip.getTree());
            return git.diff().setOldTree(before).setNewTree(after).call().stream()
                    .map(DiffEntry::getNewPath)
                    .toList();
        } catch (org.eclipse.jgit.api.errors.GitAPIException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The step outputs written so far (GITHUB_OUTPUT heredocs); later values win. */
    Map<String, String> outputs() throws IOException {
        Map<String, String> outputs = new HashMap<>();
        if (!Files.exists(outputFile)) {
            return outputs;
        }
        List<String> lines = Files.readAllLines(outputFile, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int heredoc = line.indexOf("<<");
            String name = line.substring(0, heredoc);
            String delimiter = line.substring(heredoc + 2);
            StringBuilder value = new StringBuilder();
            for (i++; !lines.get(i).equals(delimiter); i++) {
                value.append(value.length() == 0 ? "" : "\n").append(lines.get(i));
            }
            outputs.put(name, value.toString());
        }
        return outputs;
    }

    /**
     * Manifest pushes the registry completed: the witness that an image was (or was not) pushed.
     */
    long manifestPushes() {
        return registry.requests().stream()
                .filter(
                        r ->
                                r.method().equals("PUT")
                                        && r.path().contains("/manifests/")
                                        && r.status() == 201)
                .count();
    }

    /** The digest the registry serves for {@code tag}, empty when it has no such tag. */
    Optional<String> registryDigest(String tag) throws IOException {
        var connection =
                (java.net.HttpURLConnection)
                        java.net
                                .URI
                                .create(registry.url() + "/v2/acme/imgproxy-lite/manifests/" + tag)
                                .toURL()
                                .openConnection();
        connection.setRequestMethod("HEAD");
        connection.setRequestProperty("Accept", "application/vnd.oci.image.manifest.v1+json");
        try {
            return connection.getResponseCode() == 200
                    ? Optional.ofNullable(connection.getHeaderField("Docker-Content-Digest"))
                    : Optional.empty();
        } finally {
            connection.disconnect();
        }
    }

    private static void replace(Path file, String from, String to) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        if (!text.contains(from)) {
            throw new IllegalStateException(file + " does not contain " + from);
        }
        Files.writeString(file, text.replace(from, to), StandardCharsets.UTF_8);
    }
}
