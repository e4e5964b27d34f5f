package io.nixship.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nixship.NixshipException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NixshipConfigTest {
    private static NixshipConfig parse(String yaml) {
        return NixshipConfig.parse(
                yaml.getBytes(StandardCharsets.UTF_8), ".nixship.yaml", Optional.empty());
    }

    private static String errorOf(String yaml) {
        try {
            parse(yaml);
        } catch (NixshipException e) {
            assertThat(e.exitCode()).isEqualTo(NixshipException.USAGE);
            return e.getMessage();
        }
        throw new AssertionError("expected a usage error for:\n" + yaml);
    }

    @Test
    void emptyFileGivesEveryDefault() {
        NixshipConfig config = parse("");
        assertThat(config.image()).isEmpty();
        assertThat(config.tag()).isEqualTo("git-{sha7}");
        assertThat(config.maxLayers()).isEqualTo(100);
        assertThat(config.nix().file()).isEqualTo("default.nix");
        assertThat(config.nix().env()).containsExactly(Map.entry("BUILD", "1"));
        assertThat(config.nix().channel()).isEmpty();
        assertThat(config.app().workdir()).isEqualTo("/opt");
        assertThat(config.app().copy()).isEmpty();
        assertThat(config.manifests()).isEmpty();
        assertThat(config).isEqualTo(NixshipConfig.defaults(Optional.empty()));
    }

    @Test
    void imageDefaultsToGhcrOfTheLowercasedGithubRepository() {
        NixshipConfig config =
                NixshipConfig.parse(new byte[0], ".nixship.yaml", Optional.of("Acme/ImgProxy"));
        assertThat(config.requireImage()).isEqualTo("ghcr.io/acme/imgproxy");
    }

    @Test
    void missingImageFailsOnlyWhenAsked() {
        NixshipConfig config = parse("app:\n  copy: [app.py]\n");
        assertThatThrownBy(config::requireImage)
                .isInstanceOf(NixshipException.class)
                .hasMessageContaining("image")
                .hasMessageContaining("GITHUB_REPOSITORY");
    }

    @Test
    void readsEveryFieldAndNormalisesPorts() {
        NixshipConfig config =
                parse(
                        """
            image: ghcr.io/acme/app
            tag: "v-{sha7}"
            maxLayers: 50
            nix:
              file: nix/env.nix
              env: {BUILD: 1, FLAVOUR: slim}
              channel: nixos-24.05
              maxClosureSize: 2GiB
            app:
              copy: [app.py, "static/**"]
              workdir: /srv/app
              cmd: [python3, app.py, --serve]
              entrypoint: [/bin/tini, --]
              env: {PORT: "8080"}
              user: nobody
              ports: [8080, 9000/udp]
            manifests: ["k8s/*.yaml"]
            """);
        assertThat(config.image()).contains("ghcr.io/acme/app");
        assertThat(config.tag()).isEqualTo("v-{sha7}");
        assertThat(config.maxLayers()).isEqualTo(50);
        assertThat(config.nix())
                .isEqualTo(
                        new NixConfig(
                                "nix/env.nix",
                                Map.of("BUILD", "1", "FLAVOUR", "slim"),
                                Optional.of("nixos-24.05"),
                                OptionalLong.of(2L << 30)));
        assertThat(config.app().copy()).containsExactly("app.py", "static/**");
        assertThat(config.app().workdir()).isEqualTo("/srv/app");
        assertThat(config.app().cmd()).containsExactly("python3", "app.py", "--serve");
        assertThat(config.app().entrypoint()).containsExactly("/bin/tini", "--");
        assertThat(config.app().env()).containsExactly(Map.entry("PORT", "8080"));
        assertThat(config.app().user()).contains("nobody");
        assertThat(config.app().ports()).containsExactly("8080/tcp", "9000/udp");
        assertThat(config.manifests()).containsExactly("k8s/*.yaml");
    }

    @Test
    void unknownFieldNamesTheDottedFieldTheFileTheLineAndTheKnownFields() {
        String message = errorOf("image: x\napp:\n  workdir: /opt\n  cpy: [app.py]\n");
        assertThat(message)
                .startsWith(".nixship.yaml:4: unknown field 'app.cpy' (known: ")
                .contains("copy")
                .contains("workdir");
    }

    @Test
    void wrongTypeNamesTheFieldAndLine() {
        assertThat(errorOf("app:\n  copy: app.py\n"))
                .isEqualTo(".nixship.yaml:2: field 'app.copy' must be a list");
        assertThat(errorOf("maxLayers: many\n"))
                .startsWith(".nixship.yaml:1: field 'maxLayers' has value 'many'");
        assertThat(errorOf("nix: [a]\n"))
                .startsWith(".nixship.yaml:1: field 'nix' must be a mapping");
    }

    @Test
    void duplicateKeysAreRejected() {
        assertThat(errorOf("image: a\ntag: x\nimage: b\n"))
                .startsWith(".nixship.yaml:3:")
                .contains("duplicate key")
                .contains("image");
    }

    @Test
    void typeTagsAnchorsAndAliasesAreRejected() {
        assertThat(errorOf("image: !!python/object:os.system x\n"))
                .startsWith(".nixship.yaml:1: YAML tag");
        assertThat(errorOf("app:\n  cmd: &c [a]\n  entrypoint: *c\n"))
                .startsWith(".nixship.yaml:2: YAML anchors and aliases are not allowed");
    }

    @Test
    void billionLaughsIsRefusedQuickly() {
        StringBuilder yaml = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x]\n");
        for (char c = 'b'; c <= 'j'; c++) {
            char p = (char) (c - 1);
            yaml.append(c)
                    .append(": &")
                    .append(c)
                    .append(" [*")
                    .append(p)
                    .append(", *")
                    .append(p)
                    .append(", *")
                    .append(p)
                    .append(", *")
                    .append(p)
                    .append("]\n");
        }
        assertThat(errorOf(yaml.toString())).contains("anchors and aliases");
    }

    @Test
    void deepNestingAndOversizedFilesAreRefused() {
        assertThat(errorOf("image: " + "[".repeat(100) + "]".repeat(100) + "\n"))
                .contains("nested deeper");
        byte[] big =
                ("# " + "x".repeat(StrictYaml.MAX_BYTES) + "\n").getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> NixshipConfig.parse(big, ".nixship.yaml", Optional.empty()))
                .hasMessageContaining("larger than");
    }

    @Test
    void byteOrderMarkAndCrlfAreAccepted() {
        NixshipConfig config = parse("\uFEFFimage: ghcr.io/a/b\r\napp:\r\n  copy: [app.py]\r\n");
        assertThat(config.image()).contains("ghcr.io/a/b");
        assertThat(config.app().copy()).containsExactly("app.py");
    }

    @Test
    void invalidValuesNameTheirLine() {
        assertThat(errorOf("app:\n  ports:\n    - 8080\n    - http\n"))
                .isEqualTo(
                        ".nixship.yaml:4: app.ports[1]: 'http' is not a port like 8080 or 8080/tcp");
        assertThat(errorOf("app:\n  workdir: opt\n"))
                .startsWith(".nixship.yaml:2: app.workdir must be");
        assertThat(errorOf("app:\n  copy: [../secret]\n"))
                .startsWith(".nixship.yaml:2: app.copy[0]");
        assertThat(errorOf("nix:\n  file: /etc/x.nix\n")).startsWith(".nixship.yaml:2: nix.file");
        assertThat(errorOf("maxLayers: 1\n"))
                .startsWith(".nixship.yaml:1: maxLayers must be between");
        assertThat(errorOf("nix:\n  env:\n    BAD-NAME: x\n"))
                .startsWith(".nixship.yaml:3: nix.env");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "PATH",
                "NIX_CONFIG",
                "nix_path",
                "LD_PRELOAD",
                "HOME",
                "TMPDIR",
                "SHELL",
                "BASH_ENV",
                "ENV",
                "IFS",
                "JAVA_TOOL_OPTIONS",
                "GIT_SSH_COMMAND",
                "https_proxy",
                "ALL_PROXY",
                "XDG_CONFIG_HOME",
                "SSL_CERT_FILE",
                "GCONV_PATH",
                "GLIBC_TUNABLES"
            })
    void nixEnvRefusesVariablesThatChangeProgramsOrNixConfiguration(String name) {
        assertThat(errorOf("nix:\n  env:\n    " + name + ": x\n"))
                .startsWith(".nixship.yaml:3: nix.env." + name + ": " + name + " may not be set")
                .doesNotContain("\n");
    }

    @Test
    void nixEnvKeepsTheProjectsOwnVariables() {
        NixshipConfig config =
                NixshipConfig.parse(
                        "nix:\n  env: {BUILD: 1, PYTHON_FLAVOUR: slim, PATHOLOGY: on}\n"
                                .getBytes(StandardCharsets.UTF_8),
                        ".nixship.yaml",
                        Optional.empty());

        assertThat(config.nix().env()).containsOnlyKeys("BUILD", "PYTHON_FLAVOUR", "PATHOLOGY");
    }

    @Test
    void syntaxErrorsNameTheLine() {
        assertThat(errorOf("image: a\napp: [\n")).startsWith(".nixship.yaml:");
    }

    @Test
    void topLevelListOrOutOfRangeNumberIsAUsageError() {
        assertThat(errorOf("- a\n- b\n")).startsWith(".nixship.yaml:1: the file must be a mapping");
        assertThat(errorOf("maxLayers: 99999999999\n")).startsWith(".nixship.yaml:1:");
        assertThat(parse("manifests: []\n").manifests()).isEqualTo(List.of());
    }

    @Test
    void aGitOpsRepositoryIsReadWithItsBranchAndManifests() {
        NixshipConfig config =
                parse(
                        "gitops:\n  repository: acme/deploy\n  branch: production\n"
                                + "  manifests: [apps/shop/, kustomize:overlays/prod/kustomization.yaml]\n");

        assertThat(config.gitops())
                .contains(
                        new GitOpsConfig(
                                "acme/deploy",
                                Optional.of("production"),
                                List.of(
                                        "apps/shop/",
                                        "kustomize:overlays/prod/kustomization.yaml")));
        assertThat(parse("image: ghcr.io/acme/shop\n").gitops()).isEmpty();
    }

    @Test
    void aGitOpsRepositoryNeedsOwnerSlashNameAndManifests() {
        assertThat(errorOf("gitops:\n  repository: deploy\n  manifests: [apps/]\n"))
                .contains("gitops.repository must name the manifests repository as owner/name")
                .contains("'deploy'");
        assertThat(errorOf("gitops:\n  repository: acme/deploy\n"))
                .contains("gitops.manifests is empty");
        assertThat(errorOf("gitops:\n  repository: acme/deploy\n  manifests: [/etc/]\n"))
                .contains("gitops.manifests[0]");
    }
}
