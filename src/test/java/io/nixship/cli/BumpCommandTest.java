package io.nixship.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.nixship.testsupport.CliRun;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BumpCommandTest {
    private static final String DIGEST = "sha256:" + "b".repeat(64);
    private static final String POD =
            "kind: Pod\nspec:\n  containers:\n  - image: ghcr.io/acme/shop:1.0.0 # app\n";

    @TempDir Path root;

    @Test
    void checkExitsOneAndChangesNothingWhenTheManifestsAreBehind() throws IOException {
        Files.writeString(root.resolve("pod.yaml"), POD);
        StringWriter out = new StringWriter();

        int exit =
                run(
                        out,
                        "--image",
                        "ghcr.io/acme/shop:2.0.0@" + DIGEST,
                        "--manifests",
                        "pod.yaml",
                        "--check");

        assertThat(exit).isEqualTo(1);
        assertThat(out.toString())
                .contains("+  - image: ghcr.io/acme/shop:2.0.0@" + DIGEST + " # app\n");
        assertThat(Files.readString(root.resolve("pod.yaml"))).isEqualTo(POD);
    }

    @Test
    void bumpEditsInPlacePrintsTheDiffAndAfterwardsCheckPasses() throws IOException {
        Files.writeString(root.resolve("pod.yaml"), POD);
        StringWriter out = new StringWriter();

        int exit =
                run(
                        out,
                        "--image",
                        "ghcr.io/acme/shop:2.0.0@" + DIGEST,
                        "--manifests",
                        "pod.yaml,k8s:pod.yaml",
                        "--pin",
                        "digest");

        assertThat(exit).isZero();
        assertThat(out.toString()).startsWith("--- a/pod.yaml\n+++ b/pod.yaml\n");
        assertThat(Files.readString(root.resolve("pod.yaml")))
                .isEqualTo(POD.replace("shop:1.0.0", "shop@" + DIGEST));
        assertThat(
                        run(
                                new StringWriter(),
                                "--image",
                                "ghcr.io/acme/shop:2.0.0@" + DIGEST,
                                "--manifests",
                                "pod.yaml",
                                "--pin",
                                "digest",
                                "--check"))
                .isZero();
    }

    private int run(StringWriter out, String... args) {
        String[] withCommand = new String[args.length + 1];
        withCommand[0] = "bump";
        System.arraycopy(args, 0, withCommand, 1, args.length);
        CliRun.Result result = new CliRun(root, Map.of()).run(withCommand);
        out.write(result.out());
        return result.exitCode();
    }
}
