package io.nixship.nix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("nix")
class DevShellResolverTest {
    @TempDir Path dir;
    private final NixTestSettings nix = new NixTestSettings();

    private String nixpkgs(FakeNixpkgs fake) {
        return new NixpkgsFetcher(new SystemProcessRunner(), nix.settings)
                .fetch(fake.lock(fake.fileUrl()), fake.fileUrl(), "nixship.lock")
                .storePath();
    }

    private Path fixture(String name) throws Exception {
        Path src = dir.resolve("project");
        Files.createDirectories(src);
        Files.copy(
                Path.of(getClass().getResource("/nix/" + name + "/default.nix").toURI()),
                src.resolve("default.nix"));
        return src.resolve("default.nix");
    }

    @Test
    void picksTheShellInputThatIsAPythonEnvironment() throws Exception {
        FakeNixpkgs fake = FakeNixpkgs.create(dir);
        String env =
                new DevShellResolver(new SystemProcessRunner(), nix.settings)
                        .pythonEnvironment(fixture("shell"), Map.of(), nixpkgs(fake));
        assertThat(env).endsWith("-nixship-test-python-env");
        assertThat(Path.of(env, "bin", "python3")).content().contains(fake.greeting());
    }

    @Test
    void shellWithoutPythonIsReported() throws Exception {
        FakeNixpkgs fake = FakeNixpkgs.create(dir);
        assertThatThrownBy(
                        () ->
                                new DevShellResolver(new SystemProcessRunner(), nix.settings)
                                        .pythonEnvironment(
                                                fixture("chain"), Map.of(), nixpkgs(fake)))
                .isInstanceOf(NixException.class)
                .hasMessageContaining("the dev shell has no input with bin/python3");
    }
}
