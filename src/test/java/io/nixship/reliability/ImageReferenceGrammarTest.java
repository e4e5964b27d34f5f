package io.nixship.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.nixship.testsupport.CliRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Promise 8: {@code nixship bump --image} parses references by the distribution reference grammar:
 * invalid ones exit 2 with the reason and touch no file; valid ones land in the manifest as
 * written.
 */
class ImageReferenceGrammarTest {
    private static final String DIGEST = "sha256:" + "c".repeat(64);
    private static final String MANIFEST =
            "kind: Pod\nspec:\n  containers:\n  - name: a\n    image: ghcr.io/acme/app:1.0\n";

    @TempDir Path tmp;

    private CliRun.Result bump(String image) throws IOException {
        Files.createDirectories(tmp.resolve("k8s"));
        Files.writeString(tmp.resolve("k8s/pod.yaml"), MANIFEST);
        return CliRun.offline(tmp, tmp.resolve("home"))
                .run("bump", "--image", image, "--manifests", "k8s/", "--pin", "tag");
    }

    @ParameterizedTest(name = "{0} is refused: {1}")
    @CsvSource(
            delimiter = '|',
            textBlock =
                    """
      ghcr.io/Acme/app:1.0                                      | must be lowercase
      ghcr.io/acme/app:-1.0                                     | must match
      ghcr.io/acme/app:1.0@sha256:abc                           | sha256
      ghcr.io/acme/app:1.0@sha512:0123                          | sha512
      ghcr.io/acme/app:1.0@md5:d41d8cd98f00b204e9800998ecf8427e | md5
      ghcr.io/acme//app:1.0                                     | invalid image reference
      ghcr.io/acme/app_:1.0                                     | invalid image reference
      ghcr.io/acme/app:1.0:2.0                                  | invalid image reference
      0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef | image ID
      ghcr.io/acme/app:                                         | invalid image reference
      'ghcr.io/acme/app 1.0'                                    | invalid image reference
      """)
    void invalidReferencesAreRefusedWithTheReasonAndNoFileChanges(String reference, String reason)
            throws IOException {
        CliRun.Result result = bump(reference);

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("invalid image reference").contains(reason);
        assertThat(result.err().lines().filter(l -> l.startsWith("nixship: error:"))).hasSize(1);
        assertThat(Files.readString(tmp.resolve("k8s/pod.yaml"))).isEqualTo(MANIFEST);
    }

    @Test
    void emptyReferenceIsRefusedWithTheReason() throws IOException {
        CliRun.Result result = bump("");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("the reference is empty");
    }

    @Test
    void overlongReferenceIsRefusedWithoutEchoingAllOfIt() throws IOException {
        CliRun.Result result = bump("ghcr.io/acme/" + "a".repeat(2000) + ":1.0");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err())
                .contains("longer than 1024 characters")
                .doesNotContain("a".repeat(100));
    }

    @Test
    void repositoryPathOverTheGrammarsLimitIsRefusedNamingTheLimit() throws IOException {
        CliRun.Result result = bump("ghcr.io/acme/" + "a".repeat(300) + ":1.0");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("the repository path is longer than 255 characters");
    }

    @Test
    void uppercaseDigestHexIsRefused() throws IOException {
        CliRun.Result result = bump("ghcr.io/acme/app:2.0@sha256:" + "C".repeat(64));

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("invalid image reference");
    }

    @Test
    void registryWithPortAndDeepPathIsAcceptedAsWritten() throws IOException {
        CliRun.Result result = bump("localhost:5000/team/sub/app:2.0@" + DIGEST);

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(Files.readString(tmp.resolve("k8s/pod.yaml"))).isEqualTo(MANIFEST);
    }

    @Test
    void sameRepositoryIsBumpedToTheNewTagKeepingEveryOtherByte() throws IOException {
        CliRun.Result result = bump("ghcr.io/acme/app:2.0@" + DIGEST);

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(Files.readString(tmp.resolve("k8s/pod.yaml")))
                .isEqualTo(MANIFEST.replace(":1.0", ":2.0"));
    }
}
