package io.nixship.reliability;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.request;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.nixship.NixshipException;
import io.nixship.cli.HostEnvironment;
import io.nixship.forge.ManifestBranchPublisher;
import io.nixship.nix.ProcessRunner;
import io.nixship.nix.ProcessSpec;
import io.nixship.nix.SystemProcessRunner;
import io.nixship.pipeline.build.ImageBuildService;
import io.nixship.pipeline.port.PublishRequest;
import io.nixship.testsupport.CliRun;
import io.nixship.testsupport.ExampleProject;
import io.nixship.testsupport.RegistryServer;
import io.nixship.testsupport.TestNix;
import io.nixship.testsupport.TestNixpkgs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Promise 2: every token or password is masked before the first log line that could show it, and
 * appears in no child argv or environment, no exception message, no git config, no image and no
 * file nixship writes. Authorization goes only to the host it belongs to, never over plain HTTP
 * elsewhere.
 */
@Tag("nix")
class SecretsStaySecretTest {
    private static final String GITHUB_TOKEN = "ghs_SECRETgithubTOKEN0123456789";
    private static final String REGISTRY_PASSWORD = "registry-PASSWORD-0123456789";
    private static final String BEARER = "bearer-SECRET-token-0123456789";

    /** Reads every secret the tests plant, as pull request code would try to. */
    private static final String SNOOPING_NIX =
            """
      { pkgs ? import <nixpkgs> { } }:
      derivation {
        name = "snooping-env";
        system = builtins.currentSystem;
        __noChroot = true;
        builder = "/bin/sh";
        args = [ ./build.sh ];
        seenToken = builtins.getEnv "GITHUB_TOKEN";
        seenPassword = builtins.getEnv "REGISTRY_PASSWORD";
        seenRuntime = builtins.getEnv "ACTIONS_RUNTIME_TOKEN";
        seenBuild = builtins.getEnv "BUILD";
      }
      """;

    @TempDir Path tmp;

    private final List<AutoCloseable> servers = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable server : servers) {
            server.close();
        }
    }

    private WireMockServer wireMock() {
        WireMockServer server =
                new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        server.start();
        servers.add(server::stop);
        return server;
    }

    private RegistryServer registry() {
        RegistryServer registry = RegistryServer.start();
        servers.add(registry);
        return registry;
    }

    private static List<String> linesContaining(CliRun.Result result, String secret) {
        return result.all().lines().filter(line -> line.contains(secret)).toList();
    }

    @Test
    void githubTokenIsMaskedBeforeItsFirstLogLine() {
        ExampleProject project = TinyProject.create(tmp.resolve("p"), "echo building >&2\n");

        CliRun.Result result =
                TinyProject.actions(project, tmp.resolve("home"))
                        .env("GITHUB_TOKEN", GITHUB_TOKEN)
                        .run("build", "--to", "oci:" + tmp.resolve("out"));

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.err().lines().findFirst()).hasValue("::add-mask::" + GITHUB_TOKEN);
        assertThat(linesContaining(result, GITHUB_TOKEN))
                .containsExactly("::add-mask::" + GITHUB_TOKEN);
    }

    @Test
    void registryPasswordFromStdinIsMaskedBeforeItsFirstLogLine() {
        RegistryServer registry = RegistryServer.startWithBasicAuth("ci", REGISTRY_PASSWORD);
        servers.add(registry);
        ExampleProject project = TinyProject.create(tmp.resolve("p"), "");

        CliRun.Result result =
                TinyProject.actions(project, tmp.resolve("home"))
                        .stdin(REGISTRY_PASSWORD + "\n")
                        .run(
                                "build",
                                "--registry-username",
                                "ci",
                                "--registry-password-stdin",
                                "--to",
                                registry.host() + "/tiny/app:v1");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.err().lines().findFirst()).hasValue("::add-mask::" + REGISTRY_PASSWORD);
        assertThat(linesContaining(result, REGISTRY_PASSWORD))
                .containsExactly("::add-mask::" + REGISTRY_PASSWORD);
    }

    @Test
    void registryBearerTokenIsMaskedBeforeItsFirstLogLine() {
        RegistryServer registry = registry();
        WireMockServer front = wireMock();
        front.stubFor(
                get(urlPathEqualTo("/token"))
                        .atPriority(1)
                        .willReturn(
                                aResponse()
                                        .withStatus(200)
                                        .withHeader("Content-Type", "application/json")
                                        .withBody(
                                                "{\"token\":\""
                                                        + BEARER
                                                        + "\",\"expires_in\":300}")));
        front.stubFor(
                any(anyUrl())
                        .atPriority(2)
                        .withHeader("Authorization", equalTo("Bearer " + BEARER))
                        .willReturn(aResponse().proxiedFrom(registry.url())));
        front.stubFor(
                any(anyUrl())
                        .atPriority(9)
                        .willReturn(
                                aResponse()
                                        .withStatus(401)
                                        .withHeader(
                                                "WWW-Authenticate",
                                                "Bearer realm=\"http://127.0.0.1:"
                                                        + front.port()
                                                        + "/token\",service=\"test\"")
                                        .withHeader("Content-Type", "application/json")
                                        .withBody(
                                                "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\"}]}")));
        ExampleProject project = TinyProject.create(tmp.resolve("p"), "");

        CliRun.Result result =
                TinyProject.actions(project, tmp.resolve("home"))
                        .run("build", "--to", "127.0.0.1:" + front.port() + "/tiny/app:v1");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(front.findAll(getRequestedFor(urlPathEqualTo("/token")))).isNotEmpty();
        assertThat(linesContaining(result, BEARER)).containsExactly("::add-mask::" + BEARER);
        List<String> lines = result.err().lines().toList();
        assertThat(lines.indexOf("::add-mask::" + BEARER))
                .isLessThan(lines.lastIndexOf("::endgroup::"));
    }

    @Test
    void tokensNeverReachTheNixEvaluatorTheBuilderTheImageOrTheCache() {
        ExampleProject project = ExampleProject.create(tmp.resolve("p"), TestNixpkgs.Revision.REV1);
        project.write("default.nix", SNOOPING_NIX);
        project.write(".nixship.yaml", TinyProject.CONFIG);
        project.write(
                "build.sh",
                "# "
                        + UUID.randomUUID()
                        + "\n"
                        + TinyProject.PYTHON_ENV
                        + "/usr/bin/env > \"$out/env\"\n");
        project.commitAll("snoop");
        Path layout = tmp.resolve("out");
        Path home = tmp.resolve("home");

        CliRun.Result result =
                TinyProject.actions(project, home)
                        .env("GITHUB_TOKEN", GITHUB_TOKEN)
                        .env("REGISTRY_PASSWORD", REGISTRY_PASSWORD)
                        .env("ACTIONS_RUNTIME_TOKEN", BEARER)
                        .run("build", "--to", "oci:" + layout);

        assertThat(result.exitCode()).as(result.err()).isZero();
        // The snooping works (BUILD comes through nix.env), so finding nothing below means
        // something.
        assertThat(Blobs.filesContaining(layout, "seenBuild=1")).isNotEmpty();
        for (String secret : List.of(GITHUB_TOKEN, REGISTRY_PASSWORD, BEARER)) {
            assertThat(Blobs.filesContaining(layout, secret)).as(secret).isEmpty();
            assertThat(Blobs.filesContaining(home, secret)).as(secret).isEmpty();
            assertThat(Blobs.filesContaining(project.dir(), secret)).as(secret).isEmpty();
        }
    }

    @Test
    void tokensNeverAppearInTheArgvOrEnvironmentOfChildProcesses() {
        ExampleProject project = TinyProject.create(tmp.resolve("p"), "");
        Map<String, String> env =
                TinyProject.cli(project, tmp.resolve("home"))
                        .env("GITHUB_TOKEN", GITHUB_TOKEN)
                        .env("NIXSHIP_REGISTRY_PASSWORD", REGISTRY_PASSWORD)
                        .env("ACTIONS_ID_TOKEN_REQUEST_TOKEN", BEARER)
                        .environment();
        List<ProcessSpec> children = new CopyOnWriteArrayList<>();
        SystemProcessRunner system = new SystemProcessRunner();
        ProcessRunner recording =
                spec -> {
                    children.add(spec);
                    return system.run(spec);
                };

        new ImageBuildService(recording, HostEnvironment.from(env).settings(line -> {}), line -> {})
                .build(ImageBuildService.Request.of(project.dir(), "HEAD", tmp.resolve("cache")));

        assertThat(children)
                .extracting(ProcessSpec::program)
                .contains(TestNix.program("nix-build"));
        for (ProcessSpec child : children) {
            String everything = String.join("\n", child.argv()) + "\n" + child.environment();
            for (String secret : List.of(GITHUB_TOKEN, REGISTRY_PASSWORD, BEARER)) {
                assertThat(everything).as(child.program()).doesNotContain(secret);
            }
        }
    }

    @Test
    void registryPasswordNeverAppearsInAnErrorEvenWhenTheRegistryEchoesIt() {
        WireMockServer hostile = wireMock();
        String basic =
                Base64.getEncoder().encodeToString(("ci:" + REGISTRY_PASSWORD).getBytes(UTF_8));
        hostile.stubFor(
                any(anyUrl())
                        .atPriority(1)
                        .withHeader("Authorization", matching("Basic .*"))
                        .willReturn(
                                aResponse()
                                        .withStatus(403)
                                        .withHeader("Content-Type", "application/json")
                                        .withBody(
                                                "{\"errors\":[{\"code\":\"DENIED\",\"message\":\"ci:"
                                                        + REGISTRY_PASSWORD
                                                        + " ("
                                                        + basic
                                                        + ") may not push\"}]}")));
        hostile.stubFor(
                any(anyUrl())
                        .atPriority(9)
                        .willReturn(
                                aResponse()
                                        .withStatus(401)
                                        .withHeader("WWW-Authenticate", "Basic realm=\"test\"")));
        ExampleProject project = TinyProject.create(tmp.resolve("p"), "");

        CliRun.Result result =
                TinyProject.cli(project, tmp.resolve("home"))
                        .stdin(REGISTRY_PASSWORD)
                        .run(
                                "build",
                                "--registry-username",
                                "ci",
                                "--registry-password-stdin",
                                "--to",
                                "127.0.0.1:" + hostile.port() + "/tiny/app:v1");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err())
                .contains("DENIED")
                .doesNotContain(REGISTRY_PASSWORD)
                .doesNotContain(basic);
    }

    @Test
    void authorizationIsNeverForwardedToAnotherHostOnARedirect() {
        RegistryServer registry = registry();
        WireMockServer other = wireMock();
        other.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(404)));
        WireMockServer front = wireMock();
        front.stubFor(
                request("HEAD", urlPathMatching("/v2/.*/blobs/sha256:.*"))
                        .atPriority(1)
                        .withHeader("Authorization", matching("Basic .*"))
                        .willReturn(
                                aResponse()
                                        .withStatus(307)
                                        .withHeader(
                                                "Location",
                                                "http://127.0.0.1:"
                                                        + other.port()
                                                        + "/elsewhere/blob")));
        front.stubFor(
                any(anyUrl())
                        .atPriority(2)
                        .withHeader("Authorization", matching("Basic .*"))
                        .willReturn(aResponse().proxiedFrom(registry.url())));
        front.stubFor(
                any(anyUrl())
                        .atPriority(9)
                        .willReturn(
                                aResponse()
                                        .withStatus(401)
                                        .withHeader("WWW-Authenticate", "Basic realm=\"test\"")));
        ExampleProject project = TinyProject.create(tmp.resolve("p"), "");

        CliRun.Result result =
                TinyProject.cli(project, tmp.resolve("home"))
                        .stdin(REGISTRY_PASSWORD)
                        .run(
                                "build",
                                "--registry-username",
                                "ci",
                                "--registry-password-stdin",
                                "--to",
                                "127.0.0.1:" + front.port() + "/tiny/app:v1");

        assertThat(result.exitCode()).as(result.err()).isZero();
        List<LoggedRequest> redirected = other.findAll(anyRequestedFor(anyUrl()));
        assertThat(redirected).isNotEmpty();
        assertThat(redirected)
                .allSatisfy(r -> assertThat(r.containsHeader("Authorization")).isFalse());
    }

    @Test
    void credentialsAreNeverSentToAPlainHttpTokenRealmOnAnotherHost() {
        WireMockServer front = wireMock();
        front.stubFor(
                any(anyUrl())
                        .willReturn(
                                aResponse()
                                        .withStatus(401)
                                        .withHeader(
                                                "WWW-Authenticate",
                                                "Bearer realm=\"http://192.0.2.10/token\",service=\"test\"")));
        ExampleProject project = TinyProject.create(tmp.resolve("p"), "");

        CliRun.Result result =
                TinyProject.cli(project, tmp.resolve("home"))
                        .stdin(REGISTRY_PASSWORD)
                        .run(
                                "build",
                                "--registry-username",
                                "ci",
                                "--registry-password-stdin",
                                "--to",
                                "127.0.0.1:" + front.port() + "/tiny/app:v1");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err())
                .contains("192.0.2.10")
                .contains("is not https; refusing to authenticate there")
                .doesNotContain(REGISTRY_PASSWORD);
    }

    @Test
    void githubTokenStaysOutOfTheRepositoryAfterAReleaseBranchIsPublished() throws Exception {
        try (ReleaseRepository repo = new ReleaseRepository(tmp)) {
            ObjectId base = repo.repository().resolve("HEAD");

            ManifestBranchPublisher.withToken(repo.repository(), repo.remoteUrl(), GITHUB_TOKEN)
                    .publish(
                            new PublishRequest(
                                    ReleaseRepository.BRANCH,
                                    base.name(),
                                    ReleaseRepository.manifestFor("2.0"),
                                    "ghcr.io/acme/shop-api:1.0",
                                    "ghcr.io/acme/shop-api:2.0",
                                    base.name()));

            assertThat(repo.remoteBranch(ReleaseRepository.BRANCH)).isNotNull();
            assertThat(
                            Blobs.filesContaining(
                                    repo.repository().getDirectory().toPath(), GITHUB_TOKEN))
                    .isEmpty();
            assertThat(Blobs.filesContaining(repo.remoteDir, GITHUB_TOKEN)).isEmpty();
            assertThat(repo.repository().getConfig().toText()).doesNotContain(GITHUB_TOKEN);
        }
    }

    @Test
    void githubTokenStaysOutOfGitConfigFilesAndErrorsWhenTheRemoteRefusesIt() throws Exception {
        WireMockServer forge = wireMock();
        forge.stubFor(
                any(anyUrl())
                        .willReturn(
                                aResponse()
                                        .withStatus(401)
                                        .withHeader("WWW-Authenticate", "Basic realm=\"GitHub\"")));
        Path dir = tmp.resolve("checkout");
        ObjectId base;
        try (Git git = Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call()) {
            Files.writeString(dir.resolve("deploy.yaml"), "image: a:1\n");
            git.add().addFilepattern(".").call();
            base =
                    git.commit()
                            .setMessage("base")
                            .setSign(false)
                            .setAuthor("dev", "dev@example.com")
                            .setCommitter("dev", "dev@example.com")
                            .call()
                            .getId();
            ManifestBranchPublisher publisher =
                    ManifestBranchPublisher.withToken(
                            git.getRepository(),
                            "http://127.0.0.1:" + forge.port() + "/acme/shop.git",
                            GITHUB_TOKEN);

            NixshipException failure =
                    catchThrowableOfType(
                            NixshipException.class,
                            () ->
                                    publisher.publish(
                                            new PublishRequest(
                                                    "nixship/acme/app",
                                                    base.name(),
                                                    Map.of(
                                                            "deploy.yaml",
                                                            "image: a:2\n".getBytes(UTF_8)),
                                                    "a:1",
                                                    "a:2",
                                                    base.name())));

            assertThat(failure).isNotNull();
            assertThat(failure.getMessage()).doesNotContain(GITHUB_TOKEN);
            assertThat(failure.getMessage().lines()).hasSize(1);
        }
        assertThat(forge.findAll(anyRequestedFor(anyUrl())))
                .anySatisfy(r -> assertThat(r.containsHeader("Authorization")).isTrue());
        assertThat(Blobs.filesContaining(dir.resolve(".git"), GITHUB_TOKEN)).isEmpty();
        assertThat(Files.readString(dir.resolve(".git/config"))).doesNotContain("x-access-token");
    }
}
