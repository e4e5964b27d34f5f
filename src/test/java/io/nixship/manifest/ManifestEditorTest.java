package io.nixship.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.nixship.NixshipException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ManifestEditorTest {
    private static final String DIGEST = "sha256:" + "b".repeat(64);
    private static final ImageReference TARGET =
            ImageReference.parse("ghcr.io/acme/shop:2.0.0@" + DIGEST);
    private final ManifestEditor editor = new ManifestEditor();

    @Test
    void reportsEachChangedReferenceWithItsLine() {
        String yaml =
                "kind: Pod\nspec:\n  containers:\n  - name: a\n    image: ghcr.io/acme/shop:1.0.0\n";

        FileEdit edit = edit("pod.yaml", yaml, ManifestKind.AUTO, PinStyle.TAG_AT_DIGEST);

        assertThat(edit.changes())
                .containsExactly(
                        new Change(
                                5, "ghcr.io/acme/shop:1.0.0", "ghcr.io/acme/shop:2.0.0@" + DIGEST));
        assertThat(text(edit.newBytes()))
                .isEqualTo(yaml.replace("shop:1.0.0", "shop:2.0.0@" + DIGEST));
    }

    @Test
    void pinByDigestDropsTheTagFromImageStrings() {
        FileEdit edit =
                edit(
                        "pod.yaml",
                        "kind: Pod\nspec: {containers: [{image: \"ghcr.io/acme/shop:1.0.0\"}]}\n",
                        ManifestKind.KUBERNETES,
                        PinStyle.DIGEST);

        assertThat(text(edit.newBytes()))
                .isEqualTo(
                        "kind: Pod\nspec: {containers: [{image: \"ghcr.io/acme/shop@"
                                + DIGEST
                                + "\"}]}\n");
    }

    @Test
    void helmMapWithoutTagGainsOneAtTheEntryIndentation() {
        String yaml = "app:\n  image:\n    repository: ghcr.io/acme/shop  # pinned by nixship\n";

        FileEdit edit = edit("values.yaml", yaml, ManifestKind.AUTO, PinStyle.TAG);

        assertThat(text(edit.newBytes())).isEqualTo(yaml + "    tag: 2.0.0\n");
    }

    @Test
    void kustomizeKeysAddedToACrlfFileWithoutFinalNewlineUseCrlf() {
        String yaml = "images:\r\n  - name: ghcr.io/acme/shop\r\n    newTag: '1.0.0' # current";

        FileEdit edit = edit("kustomization.yaml", yaml, ManifestKind.AUTO, PinStyle.TAG_AT_DIGEST);

        assertThat(text(edit.newBytes()))
                .isEqualTo(
                        "images:\r\n  - name: ghcr.io/acme/shop\r\n    newTag: '2.0.0' # current\r\n    digest: "
                                + DIGEST);
    }

    @Test
    void helmMapWithoutDigestKeyCarriesTheDigestInTheTagUnderDigestPinning() {
        String yaml = "image:\n  repository: ghcr.io/acme/shop\n  tag: v1\n  pullPolicy: Always\n";

        FileEdit edit = edit("values.yaml", yaml, ManifestKind.AUTO, PinStyle.DIGEST);

        assertThat(text(edit.newBytes()))
                .isEqualTo(yaml.replace("tag: v1", "tag: 2.0.0@" + DIGEST));
        assertThat(edit.changes())
                .containsExactly(
                        new Change(3, "ghcr.io/acme/shop:v1", "ghcr.io/acme/shop:2.0.0@" + DIGEST));
    }

    @Test
    void tagThatReadsAsAnotherTypeGainsQuotes() {
        String yaml = "image:\n  repository: ghcr.io/acme/shop\n  tag: v1\n";

        for (String tag : new String[] {"123", "1.10", "1e3", "true", "on", "null", "0x1f"}) {
            FileEdit edit =
                    edit("values.yaml", yaml, ManifestKind.AUTO, PinStyle.TAG, TARGET.withTag(tag));
            assertThat(text(edit.newBytes()))
                    .as(tag)
                    .isEqualTo(yaml.replace("tag: v1", "tag: \"" + tag + "\""));
        }
    }

    @Test
    void markerCommentSelectsValuesUnderOtherKeysInAnyFile() {
        String yaml =
                "kind: Config\nrelease:\n  artefact: \"ghcr.io/acme/shop:1.0.0\"  #  nixship:image\n  other: ghcr.io/acme/shop:1.0.0\n";

        FileEdit edit = edit("config.yaml", yaml, ManifestKind.KUBERNETES, PinStyle.TAG);

        assertThat(text(edit.newBytes())).isEqualTo(yaml.replaceFirst("shop:1.0.0", "shop:2.0.0"));
    }

    @Test
    void templatedValuesAreLeftAlone() {
        String yaml =
                "image: \"${REGISTRY}/acme/shop:1.0.0\"\nworker:\n  image: \"{{ .Values.repo }}:1.0.0\"\n";

        assertThat(edit("values.yaml", yaml, ManifestKind.AUTO, PinStyle.TAG).changed()).isFalse();
    }

    @Test
    void imageInABlockScalarIsRefusedNamingTheLine() {
        String yaml =
                "kind: Pod\nspec:\n  containers:\n  - image: |-\n      ghcr.io/acme/shop:1.0.0\n";

        assertThatThrownBy(() -> edit("pod.yaml", yaml, ManifestKind.AUTO, PinStyle.TAG))
                .isInstanceOf(NixshipException.class)
                .hasMessageStartingWith("pod.yaml:4: the image is written as a block scalar");
    }

    @Test
    void imageWrittenWithEscapesIsRefused() {
        String yaml =
                "kind: Pod\nspec:\n  containers:\n  - image: \"ghcr.io/acme/shop\\x3a1.0.0\"\n";

        assertThatThrownBy(() -> edit("pod.yaml", yaml, ManifestKind.AUTO, PinStyle.TAG))
                .isInstanceOf(NixshipException.class)
                .hasMessageStartingWith(
                        "pod.yaml:4: the image is written with escapes or across lines");
    }

    @Test
    void digestOnlyTargetSetsDigestsAndEmptiesTheStaleTag() {
        ImageReference digestOnly = ImageReference.parse("ghcr.io/acme/shop@" + DIGEST);
        String values =
                "image:\n  repository: ghcr.io/acme/shop\n  tag: \"1.0.0\"\n  digest: \"\"\n"
                        + "job:\n  image: ghcr.io/acme/shop:1.0.0\n";

        FileEdit edit = edit("values.yaml", values, ManifestKind.AUTO, PinStyle.DIGEST, digestOnly);

        assertThat(text(edit.newBytes()))
                .isEqualTo(
                        values.replace("digest: \"\"", "digest: \"" + DIGEST + "\"")
                                .replace("tag: \"1.0.0\"", "tag: \"\"")
                                .replace(
                                        "image: ghcr.io/acme/shop:1.0.0",
                                        "image: ghcr.io/acme/shop@" + DIGEST));
        assertThatThrownBy(
                        () ->
                                edit(
                                        "values.yaml",
                                        "image:\n  repository: ghcr.io/acme/shop\n  tag: v1\n",
                                        ManifestKind.AUTO,
                                        PinStyle.DIGEST,
                                        digestOnly))
                .hasMessageStartingWith("values.yaml:3: this Helm image map has no digest key");
    }

    @Test
    void digestPinNeedsADigestInTheTarget() {
        assertThatThrownBy(
                        () ->
                                edit(
                                        "pod.yaml",
                                        "kind: Pod\n",
                                        ManifestKind.AUTO,
                                        PinStyle.DIGEST,
                                        ImageReference.parse("ghcr.io/acme/shop:2.0.0")))
                .isInstanceOfSatisfying(
                        NixshipException.class,
                        e -> assertThat(e.exitCode()).isEqualTo(NixshipException.USAGE))
                .hasMessageContaining("has no digest");
    }

    @Test
    void verifierRejectsAnyChangeBesideTheIntendedNode() {
        YamlDocument before = YamlDocument.parse("a.yaml", bytes("a: 1\nb: [x, y]\n"));
        YamlDocument intended = YamlDocument.parse("a.yaml", bytes("a: '2'\nb: [x, y]\n"));
        YamlDocument collateral = YamlDocument.parse("a.yaml", bytes("a: '2'\nb: [x, z]\n"));
        YamlDocument wrongType = YamlDocument.parse("a.yaml", bytes("a: 2\nb: [x, y]\n"));
        Map<NodePath, String> expected = Map.of(NodePath.root(0).child("a"), "2");

        assertThat(YamlTrees.difference(before.documents(), intended.documents(), expected))
                .isNull();
        assertThat(YamlTrees.difference(before.documents(), collateral.documents(), expected))
                .isEqualTo("the value at document 1: .b[1] changed");
        assertThat(YamlTrees.difference(before.documents(), wrongType.documents(), expected))
                .isEqualTo("the node at document 1: .a does not hold the string '2'");
    }

    @Test
    void locatorReportsTheReferencesInUseForTheAlreadyCurrentCheck() {
        String yaml =
                "images:\n- name: shop\n  newName: ghcr.io/acme/shop\n  newTag: \"2.0.0\"\n  digest: "
                        + DIGEST
                        + "\n";

        assertThat(
                        new ManifestLocator()
                                .locate(
                                        "kustomization.yaml",
                                        bytes(yaml),
                                        ManifestKind.KUSTOMIZATION,
                                        TARGET))
                .containsExactly(
                        new ImageSite(
                                "kustomization.yaml", 4, ImageSite.Form.KUSTOMIZE_ENTRY, TARGET));
        assertThat(
                        edit("kustomization.yaml", yaml, ManifestKind.AUTO, PinStyle.TAG_AT_DIGEST)
                                .changed())
                .isFalse();
    }

    @Test
    void helmValuesInAFoldedBlockStayStaleAndSayWhy() {
        String yaml =
                "apiVersion: argoproj.io/v1alpha1\nkind: Application\nspec:\n  source:\n"
                        + "    helm:\n      values: >\n"
                        + "        image: {repository: ghcr.io/acme/shop, tag: 1.0.0}\n";

        ManifestEditor.Surveyed surveyed = survey(yaml, PinStyle.TAG);

        assertThat(surveyed.edit().changed()).isFalse();
        assertThat(surveyed.references())
                .singleElement()
                .satisfies(
                        found -> {
                            assertThat(found.line()).isEqualTo(7);
                            assertThat(found.moved()).isFalse();
                            assertThat(found.after()).isEqualTo("ghcr.io/acme/shop:2.0.0");
                            assertThat(found.notMoved())
                                    .startsWith("helm.values is a folded block (>)");
                        });
    }

    @Test
    void aOneLineValuesStringThatWouldNeedEscapesStaysStale() {
        String yaml =
                "apiVersion: argoproj.io/v1alpha1\nkind: Application\nspec:\n  source:\n"
                        + "    helm:\n"
                        + "      values: \"image: {repository: ghcr.io/acme/shop, tag: 1.0.0}\"\n";

        ManifestEditor.Surveyed surveyed =
                editor.survey(
                        Path.of("app.yaml"),
                        bytes(yaml),
                        ManifestKind.AUTO,
                        ImageReference.parse("ghcr.io/acme/shop:2.0"),
                        PinStyle.TAG);

        assertThat(surveyed.edit().changed()).isFalse();
        assertThat(surveyed.references().getFirst().notMoved())
                .startsWith("the edit needs quotes or line breaks");
    }

    @Test
    void helmParametersWithoutATagParameterStayStaleAndSayWhichToAdd() {
        String yaml =
                "apiVersion: argoproj.io/v1alpha1\nkind: Application\nspec:\n  source:\n"
                        + "    helm:\n      parameters:\n"
                        + "      - {name: image.repository, value: ghcr.io/acme/shop}\n"
                        + "      - {name: image.digest, value: \"\"}\n";

        ManifestEditor.Surveyed surveyed = survey(yaml, PinStyle.TAG);

        assertThat(surveyed.edit().changed()).isFalse();
        assertThat(surveyed.references())
                .singleElement()
                .satisfies(
                        found -> {
                            assertThat(found.form()).isEqualTo(ImageSite.Form.HELM_PARAMETERS);
                            assertThat(found.before()).isEqualTo("ghcr.io/acme/shop");
                            assertThat(found.notMoved())
                                    .startsWith("there is no image.tag parameter; add one");
                        });
    }

    @Test
    void helmValuesAndParametersReachedTwiceThroughAnAliasAreOneReferenceEach() {
        String yaml =
                "apiVersion: argoproj.io/v1alpha1\nkind: Application\nspec:\n  sources:\n"
                        + "  - &chart\n    helm:\n      parameters:\n"
                        + "      - {name: image.repository, value: ghcr.io/acme/shop}\n"
                        + "      - {name: image.tag, value: 1.0.0}\n"
                        + "      values: |\n        worker: {image: ghcr.io/acme/shop:1.0.0}\n"
                        + "  - *chart\n";

        ManifestEditor.Surveyed surveyed = survey(yaml, PinStyle.TAG);

        assertThat(surveyed.references())
                .extracting(FoundReference::line, FoundReference::moved)
                .containsExactly(tuple(9, true), tuple(11, true));
        assertThat(text(surveyed.edit().newBytes())).isEqualTo(yaml.replace("1.0.0", "2.0.0"));
    }

    @Test
    void helmValuesThatAreNotYamlAreAnErrorAtTheirLineInTheFile() {
        String yaml =
                "apiVersion: argoproj.io/v1alpha1\nkind: Application\nspec:\n  source:\n"
                        + "    helm:\n      values: |\n        image: [unclosed\n";

        assertThatThrownBy(() -> survey(yaml, PinStyle.TAG))
                .isInstanceOfSatisfying(
                        NixshipException.class, e -> assertThat(e.exitCode()).isEqualTo(2))
                .hasMessageStartingWith("app.yaml:8: invalid YAML")
                .hasMessageEndingWith("(in helm.values)");
    }

    private ManifestEditor.Surveyed survey(String yaml, PinStyle pin) {
        return editor.survey(
                Path.of("app.yaml"),
                bytes(yaml),
                ManifestKind.AUTO,
                ImageReference.parse("ghcr.io/acme/shop:2.0.0"),
                pin);
    }

    private FileEdit edit(String file, String yaml, ManifestKind kind, PinStyle pin) {
        return edit(file, yaml, kind, pin, TARGET);
    }

    private FileEdit edit(
            String file, String yaml, ManifestKind kind, PinStyle pin, ImageReference target) {
        return editor.edit(Path.of(file), bytes(yaml), kind, target, pin);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
