package io.nixship.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.nixship.NixshipException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestBumperTest {
    private static final String OLD_DIGEST =
            "sha256:cba06b5736faf67e54b07b561eae94395e774c517a7d910a54369e1263ccfbd4";
    private static final String DIGEST =
            "sha256:11507a0e2f5e69d5dfa40a62a1bd7b6ee57e6bcd85c67c9b8431b36fff21c437";
    private static final ImageReference TARGET =
            ImageReference.parse("ghcr.io/acme/shop:2.0.0@" + DIGEST);
    private static final String POD =
            "kind: Pod\nspec:\n  containers:\n  - name: a\n    image: ghcr.io/acme/shop:1.0.0\n";

    @TempDir Path root;

    @Test
    void planReadsOnlyAndApplyWritesOnlyChangedFiles() throws IOException {
        write("k8s/pod.yaml", POD);
        write("k8s/other.yaml", "kind: Pod\nspec: {containers: [{image: nginx}]}\n");
        ManifestBumper bumper = bumper();

        List<FileEdit> edits =
                bumper.plan(TARGET, List.of(ManifestSpec.parse("k8s")), PinStyle.TAG_AT_DIGEST);

        assertThat(edits).extracting(FileEdit::path).containsExactly(Path.of("k8s/pod.yaml"));
        assertThat(ManifestBumper.wouldChange(edits)).isTrue();
        assertThat(read("k8s/pod.yaml")).isEqualTo(POD);
        bumper.apply(edits);
        assertThat(read("k8s/pod.yaml"))
                .isEqualTo(POD.replace("shop:1.0.0", "shop:2.0.0@" + DIGEST));
        assertThat(
                        ManifestBumper.wouldChange(
                                bumper.plan(
                                        TARGET,
                                        List.of(ManifestSpec.parse("k8s")),
                                        PinStyle.TAG_AT_DIGEST)))
                .isFalse();
    }

    @Test
    void oneBrokenFileFailsThePlanBeforeAnythingIsWritten() throws IOException {
        write("a/pod.yaml", POD);
        write("b/broken.yaml", "kind: Pod\nspec: [unclosed\n");

        assertThatThrownBy(
                        () ->
                                bumper().plan(
                                                TARGET,
                                                List.of(
                                                        ManifestSpec.parse("a"),
                                                        ManifestSpec.parse("b")),
                                                PinStyle.TAG))
                .isInstanceOf(NixshipException.class)
                .hasMessageStartingWith("b/broken.yaml:");
        assertThat(read("a/pod.yaml")).isEqualTo(POD);
    }

    @Test
    void manifestsEntryMatchingNothingIsAUsageErrorNamingIt() {
        assertThatThrownBy(
                        () ->
                                bumper().plan(
                                                TARGET,
                                                List.of(ManifestSpec.parse("deploy/*.yaml")),
                                                PinStyle.TAG))
                .isInstanceOfSatisfying(
                        NixshipException.class,
                        e -> assertThat(e.exitCode()).isEqualTo(NixshipException.USAGE))
                .hasMessageStartingWith("manifests entry 'deploy/*.yaml' matches no file");
    }

    @Test
    void directoriesAreSearchedForYamlSkippingHiddenDirectoriesAndGlobsMatchFiles()
            throws IOException {
        write("deploy/base/pod.yaml", POD);
        write("deploy/overlay/prod/pod.yml", POD);
        write("deploy/README.md", "image: ghcr.io/acme/shop:1.0.0\n");
        write("deploy/.cache/pod.yaml", POD);
        LocalManifestFiles files = new LocalManifestFiles(root);

        assertThat(files.expand("deploy"))
                .containsExactly(
                        Path.of("deploy/base/pod.yaml"), Path.of("deploy/overlay/prod/pod.yml"));
        assertThat(files.expand("deploy/**/pod.y*ml"))
                .containsExactly(
                        Path.of("deploy/base/pod.yaml"), Path.of("deploy/overlay/prod/pod.yml"));
        assertThat(files.expand("./deploy/*/pod.yaml"))
                .containsExactly(Path.of("deploy/base/pod.yaml"));
        assertThat(files.expand("deploy/README.md")).containsExactly(Path.of("deploy/README.md"));
    }

    @Test
    void atomicWriteKeepsTheFilePermissionsAndLeavesNoTemporaryFile() throws IOException {
        write("pod.yaml", POD);
        Files.setPosixFilePermissions(
                root.resolve("pod.yaml"), PosixFilePermissions.fromString("rw-r-----"));

        new LocalManifestFiles(root)
                .writeAtomically(Path.of("pod.yaml"), "new\n".getBytes(StandardCharsets.UTF_8));

        assertThat(read("pod.yaml")).isEqualTo("new\n");
        assertThat(
                        PosixFilePermissions.toString(
                                Files.getPosixFilePermissions(root.resolve("pod.yaml"))))
                .isEqualTo("rw-r-----");
        try (var listing = Files.list(root)) {
            assertThat(listing).containsExactly(root.resolve("pod.yaml"));
        }
    }

    @Test
    void followsSymlinksInsideTheRootButNeverOutsideIt(@TempDir Path outside) throws IOException {
        write("real/pod.yaml", POD);
        Files.createSymbolicLink(root.resolve("link.yaml"), root.resolve("real/pod.yaml"));
        Files.writeString(outside.resolve("secret.yaml"), POD);
        Files.createSymbolicLink(root.resolve("escape.yaml"), outside.resolve("secret.yaml"));
        ManifestBumper bumper = bumper();

        bumper.apply(bumper.plan(TARGET, List.of(ManifestSpec.parse("link.yaml")), PinStyle.TAG));

        assertThat(Files.isSymbolicLink(root.resolve("link.yaml"))).isTrue();
        assertThat(read("real/pod.yaml")).contains("shop:2.0.0");
        assertThatThrownBy(
                        () ->
                                bumper.plan(
                                        TARGET,
                                        List.of(ManifestSpec.parse("escape.yaml")),
                                        PinStyle.TAG))
                .isInstanceOf(NixshipException.class)
                .hasMessageStartingWith("refusing to use escape.yaml: it resolves to");
        assertThat(Files.readString(outside.resolve("secret.yaml"))).isEqualTo(POD);
    }

    @Test
    void unifiedDiffShowsHunksWithThreeLinesOfContext() throws IOException {
        write("pod.yaml", "# 1\n# 2\n# 3\n# 4\n" + POD + "# 6\n# 7\n# 8\n# 9\n");

        String diff =
                UnifiedDiff.render(
                        bumper().plan(
                                        TARGET,
                                        List.of(ManifestSpec.parse("pod.yaml")),
                                        PinStyle.TAG));

        assertThat(diff)
                .isEqualTo(
                        """
        --- a/pod.yaml
        +++ b/pod.yaml
        @@ -6,7 +6,7 @@
         spec:
           containers:
           - name: a
        -    image: ghcr.io/acme/shop:1.0.0
        +    image: ghcr.io/acme/shop:2.0.0
         # 6
         # 7
         # 8
        """);
    }

    @Test
    void unifiedDiffMarksAMissingFinalNewline() throws IOException {
        write("pod.yaml", POD.strip());

        String diff =
                UnifiedDiff.render(
                        bumper().plan(
                                        TARGET,
                                        List.of(ManifestSpec.parse("pod.yaml")),
                                        PinStyle.TAG));

        assertThat(diff)
                .endsWith(
                        "-    image: ghcr.io/acme/shop:1.0.0\n\\ No newline at end of file\n"
                                + "+    image: ghcr.io/acme/shop:2.0.0\n\\ No newline at end of file\n");
    }

    @Test
    void kubectlKustomizeRendersTheBumpedImage() throws Exception {
        assumeThat(Files.isExecutable(Path.of("/usr/bin/kubectl")))
                .as("kubectl is installed")
                .isTrue();
        ManifestCorpusTest.copyTree(
                ManifestCorpusTest.corpus().resolve("kustomize-images/in"), root);
        ManifestBumper bumper = bumper();
        bumper.apply(bumper.plan(TARGET, List.of(ManifestSpec.parse(".")), PinStyle.TAG_AT_DIGEST));

        Process kubectl =
                new ProcessBuilder("/usr/bin/kubectl", "kustomize", root.toString())
                        .redirectErrorStream(true)
                        .start();
        String rendered =
                new String(kubectl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(kubectl.waitFor(2, TimeUnit.MINUTES)).isTrue();

        assertThat(kubectl.exitValue()).as(rendered).isZero();
        assertThat(rendered)
                .contains("- image: ghcr.io/acme/shop:2.0.0@" + DIGEST + "\n        name: web")
                .contains("- image: ghcr.io/acme/shop:2.0.0@" + DIGEST + "\n        name: sidecar")
                .contains("- image: nginx:1.25\n")
                .doesNotContain(OLD_DIGEST);
    }

    private ManifestBumper bumper() {
        return new ManifestBumper(new LocalManifestFiles(root));
    }

    private void write(String path, String content) throws IOException {
        Files.createDirectories(root.resolve(path).getParent());
        Files.writeString(root.resolve(path), content);
    }

    private String read(String path) throws IOException {
        return Files.readString(root.resolve(path));
    }
}
