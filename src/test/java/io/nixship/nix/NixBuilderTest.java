package io.nixship.nix;

import static org.assertj.core.api.Assertions.assertThat;

import io.nixship.NixshipException;
import io.nixship.cli.HostEnvironment;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("nix")
class NixBuilderTest {
    private static final Map<String, String> BUILD = Map.of("BUILD", "1");

    @TempDir static Path shared;
    private static FakeNixpkgs fake;
    private static String nixpkgs;

    @TempDir Path dir;
    private final NixTestSettings nix = new NixTestSettings();

    @BeforeAll
    static void fetchFakeNixpkgs() throws Exception {
        fake = FakeNixpkgs.create(shared);
        nixpkgs =
                new NixpkgsFetcher(new SystemProcessRunner(), new NixTestSettings().settings)
                        .fetch(fake.lock(fake.fileUrl()), fake.fileUrl(), "nixship.lock")
                        .storePath();
    }

    /** Copies a fixture to where a commit snapshot would be: {@code dir/src}. */
    private Path source(String fixture) throws IOException, URISyntaxException {
        Path from = Path.of(getClass().getResource("/nix/" + fixture + "/default.nix").toURI());
        Path src = dir.resolve("src");
        Files.createDirectories(src);
        Files.copy(from, src.resolve("default.nix"));
        return src;
    }

    private BuildRequest request(String fixture, Map<String, String> env) throws Exception {
        return new BuildRequest(
                source(fixture),
                "default.nix",
                "examples/demo",
                env,
                nixpkgs,
                dir.resolve("result"));
    }

    private NixException failure(NixSettings settings, BuildRequest request) {
        try {
            new NixBuilder(new SystemProcessRunner(), settings).build(request);
        } catch (NixException e) {
            return e;
        }
        throw new AssertionError("expected the build to fail");
    }

    @Test
    void buildsAgainstTheLockedNixpkgsWithTheConfiguredEnvironment() throws Exception {
        BuildResult result =
                new NixBuilder(new SystemProcessRunner(), nix.settings)
                        .build(request("chain", BUILD));
        assertThat(result.outPath()).startsWith("/nix/store/").endsWith("-nixship-test-env");
        assertThat(Path.of(result.outPath(), "greeting"))
                .content()
                .isEqualToIgnoringNewLines(fake.greeting());
        assertThat(Files.readSymbolicLink(result.outLink())).isEqualTo(Path.of(result.outPath()));
        assertThat(nix.log).anyMatch(line -> line.contains("nixship-test-env"));
    }

    @Test
    void withoutBuildTheSeedsShellBranchIsNotADerivation() throws Exception {
        NixException e = failure(nix.settings, request("chain", Map.of()));
        assertThat(e.kind()).isEqualTo(NixFailureKind.NOT_A_DERIVATION);
    }

    @Test
    void syntaxErrorCarriesTheRepositoryFileAndLine() throws Exception {
        NixException e = failure(nix.settings, request("syntax-error", BUILD));
        assertThat(e.kind()).isEqualTo(NixFailureKind.EVALUATION);
        assertThat(e.exitCode()).isEqualTo(NixshipException.USAGE);
        assertThat(e.getMessage())
                .startsWith("examples/demo/default.nix:5:7: Nix evaluation failed: syntax error")
                .doesNotContain(dir.toString());
    }

    @Test
    void stringUnderBuildIsNotADerivation() throws Exception {
        NixException e = failure(nix.settings, request("not-derivation", BUILD));
        assertThat(e.kind()).isEqualTo(NixFailureKind.NOT_A_DERIVATION);
        assertThat(e.exitCode()).isEqualTo(NixshipException.USAGE);
        assertThat(e.getMessage())
                .startsWith(
                        "examples/demo/default.nix: does not evaluate to exactly one derivation");
    }

    @Test
    void failingBuildIsOneLineAndKeepsTheLogsLastLines() throws Exception {
        NixException e = failure(nix.settings, request("failing", BUILD));
        assertThat(e.kind()).isEqualTo(NixFailureKind.BUILD);
        assertThat(e.exitCode()).isEqualTo(NixshipException.FAILURE);
        assertThat(e.getMessage())
                .startsWith("examples/demo/default.nix: the build failed (builder for")
                .contains("failed with exit code 3")
                .doesNotContain("\n");
        assertThat(e.logTail()).anyMatch(line -> line.contains("fatal: missing wheel for pillow"));
        assertThat(nix.log).anyMatch(line -> line.contains("compiling " + fake.greeting()));
    }

    @Test
    void buildPastTheTimeLimitIsStoppedWithItsChildren() throws Exception {
        NixException e =
                failure(nix.settings.withTimeout(Duration.ofSeconds(3)), request("slow", BUILD));
        assertThat(e.kind()).isEqualTo(NixFailureKind.TIMEOUT);
        assertThat(e.getMessage())
                .startsWith(
                        "nix-build was stopped at its time limit of 3s while building '/nix/store/");
        assertThat(ProcessHandle.current().descendants())
                .noneMatch(p -> p.info().commandLine().orElse("").contains("sleep 600"));
    }

    @Test
    void missingNixBuildSaysWhereItLookedAndWhatToChange() throws Exception {
        NixException e =
                failure(nix.settings.withBinDirectory(dir.resolve("bin")), request("chain", BUILD));
        assertThat(e.kind()).isEqualTo(NixFailureKind.NOT_INSTALLED);
        assertThat(e.exitCode()).isEqualTo(NixshipException.FAILURE);
        assertThat(e.getMessage())
                .startsWith("nix-build not found in " + dir.resolve("bin") + " (NIXSHIP_NIX_BIN)")
                .contains("point NIXSHIP_NIX_BIN at the directory holding Nix's programs");
    }

    @Test
    void hostSecretsAreInvisibleToTheEvaluatedExpression() throws Exception {
        Map<String, String> host = new HashMap<>(System.getenv());
        host.put("NIXSHIP_TEST_SECRET", "ghp_should_not_leak");
        NixSettings settings =
                new NixSettings(
                        nix.settings.binDirectory(),
                        true,
                        Duration.ofMinutes(5),
                        HostEnvironment.from(host).nixHost(),
                        line -> {});
        BuildResult result =
                new NixBuilder(new SystemProcessRunner(), settings)
                        .build(request("env-probe", BUILD));
        assertThat(Path.of(result.outPath())).content().startsWith("secret= build=1 ");
    }
}
