package io.nixship.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nixship.NixshipException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ImageReferenceTest {
    private static final String SHA256 = "sha256:" + "0123456789abcdef".repeat(4);
    private static final String SHA384 = "sha384:" + "0123456789abcdef".repeat(6);
    private static final String SHA512 = "sha512:" + "0123456789abcdef".repeat(8);

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            textBlock =
                    """
      nginx                                  | docker.io/library/nginx                      | nginx
      nginx:1.25                             | docker.io/library/nginx:1.25                 | nginx:1.25
      library/nginx:latest                   | docker.io/library/nginx:latest               | nginx:latest
      docker.io/nginx                        | docker.io/library/nginx                      | nginx
      docker.io/library/nginx:1.25           | docker.io/library/nginx:1.25                 | nginx:1.25
      index.docker.io/library/nginx          | docker.io/library/nginx                      | nginx
      index.docker.io/user/app               | docker.io/user/app                           | user/app
      user/app                               | docker.io/user/app                           | user/app
      library/a/b                            | docker.io/library/a/b                        | library/a/b
      localhost/app                          | localhost/app                                | localhost/app
      localhost:5000/app:1                   | localhost:5000/app:1                         | localhost:5000/app:1
      localhost:5000                         | docker.io/library/localhost:5000             | localhost:5000
      127.0.0.1:5000/app                     | 127.0.0.1:5000/app                           | 127.0.0.1:5000/app
      [::1]:5000/app                         | [::1]:5000/app                               | [::1]:5000/app
      [2001:db8::1]/team/app                 | [2001:db8::1]/team/app                       | [2001:db8::1]/team/app
      registry.example.com:443/a/b/c/d:v1    | registry.example.com:443/a/b/c/d:v1          | registry.example.com:443/a/b/c/d:v1
      Registry.Example.com/app               | registry.example.com/app                     | registry.example.com/app
      Foo/bar                                | Foo/bar                                      | Foo/bar
      registry-1.docker.io/library/nginx:1   | docker.io/library/nginx:1                    | nginx:1
      Docker.IO/user/app                     | docker.io/user/app                           | user/app
      INDEX.DOCKER.IO/nginx                  | docker.io/library/nginx                      | nginx
      a__b/c--d_e.f                          | docker.io/a__b/c--d_e.f                      | a__b/c--d_e.f
      app:Tag_with.dots-and_underscores      | docker.io/library/app:Tag_with.dots-and_underscores | app:Tag_with.dots-and_underscores
      ghcr.io/acme/shop:2.0.0@SHA256         | ghcr.io/acme/shop:2.0.0@SHA256               | ghcr.io/acme/shop:2.0.0@SHA256
      app@SHA256                             | docker.io/library/app@SHA256                 | app@SHA256
      app@SHA384                             | docker.io/library/app@SHA384                 | app@SHA384
      app@SHA512                             | docker.io/library/app@SHA512                 | app@SHA512
      example.com/app:v1@SHA256              | example.com/app:v1@SHA256                    | example.com/app:v1@SHA256
      x:_                                    | docker.io/library/x:_                        | x:_
      """)
    void parsesValidReferencesAndFormatsThemBack(String input, String canonical, String familiar) {
        ImageReference reference = ImageReference.parse(digests(input));

        assertThat(reference.canonical()).isEqualTo(digests(canonical));
        assertThat(reference.familiar()).isEqualTo(digests(familiar));
        assertThat(reference.toString()).isEqualTo(digests(familiar));
        assertThat(ImageReference.parse(reference.toString())).isEqualTo(reference);
        assertThat(ImageReference.parse(reference.canonical())).isEqualTo(reference);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            textBlock =
                    """
      EMPTY                                  | is empty
      Nginx                                  | must be lowercase
      docker.io/Library/nginx                | must be lowercase
      nginx:                                 | the tag '' must match
      nginx:-bad                             | the tag '-bad'
      nginx:TAG129                           | must match
      nginx@sha256:abc                       | not algorithm:hex
      nginx@sha256:HEX63                     | sha256 digests have 64 hex characters
      nginx@sha256:UPPER64                   | lowercase hex
      nginx@md5:0123456789abcdef0123456789abcdef | not supported
      nginx@sha512:HEX64                     | sha512 digests have 128 hex characters
      HEX64                                  | image ID
      a//b                                   | does not follow
      a/b/                                   | does not follow
      -nginx                                 | does not follow
      a_/b                                   | does not follow
      a..b                                   | does not follow
      example.com:abc/app                    | does not follow
      ghcr.io/acme/shop:1.0 extra            | the tag '1.0 extra'
      http://example.com/app                 | does not follow
      ghcr.io/acme/shop@                     | the digest '' is not algorithm:hex
      ghcr.io/acme/shop:1@sha256:x@y         | not algorithm:hex
      LONGPATH                               | longer than 255
      """)
    void rejectsInvalidReferencesNamingTheReason(String input, String reason) {
        String reference =
                switch (input) {
                    case "EMPTY" -> "";
                    case "HEX64" -> "0123456789abcdef".repeat(4);
                    case "LONGPATH" -> "ghcr.io/" + "a/".repeat(128) + "b";
                    default ->
                            input.replace("TAG129", "t".repeat(129))
                                    .replace("HEX63", "0123456789abcdef".repeat(4).substring(1))
                                    .replace("UPPER64", "0123456789ABCDEF".repeat(4))
                                    .replace("HEX64", "0123456789abcdef".repeat(4));
                };

        assertThatThrownBy(() -> ImageReference.parse(reference))
                .isInstanceOfSatisfying(
                        NixshipException.class,
                        e -> assertThat(e.exitCode()).isEqualTo(NixshipException.USAGE))
                .hasMessageStartingWith("invalid image reference '")
                .hasMessageContaining(reason);
    }

    @Test
    void acceptsTheLongestTagAndRejectsOneLonger() {
        assertThat(ImageReference.parse("app:" + "t".repeat(128)).tag()).hasSize(128);
        assertThatThrownBy(() -> ImageReference.parse("app:" + "t".repeat(129)))
                .isInstanceOf(NixshipException.class);
    }

    @Test
    void matchesRepositoriesAcrossFamiliarAndCanonicalSpellings() {
        ImageReference familiar = ImageReference.parse("nginx:1.25");

        assertThat(familiar.repository()).isEqualTo("docker.io/library/nginx");
        assertThat(
                        familiar.sameRepository(
                                ImageReference.parse("docker.io/library/nginx@" + SHA256)))
                .isTrue();
        assertThat(familiar.sameRepository(ImageReference.parse("ghcr.io/library/nginx:1.25")))
                .isFalse();
        assertThat(familiar.sameRepository(ImageReference.parse("nginx-unprivileged:1.25")))
                .isFalse();
    }

    @Test
    void withTagAndWithDigestReplaceOnlyThatPartAndValidateIt() {
        ImageReference reference = ImageReference.parse("ghcr.io/acme/shop:1.0.0");

        assertThat(reference.withTag("2.0.0").withDigest(SHA256).familiar())
                .isEqualTo("ghcr.io/acme/shop:2.0.0@" + SHA256);
        assertThat(reference.withTag(null).withDigest(SHA256).toString())
                .isEqualTo("ghcr.io/acme/shop@" + SHA256);
        assertThatThrownBy(() -> reference.withTag("bad tag"))
                .hasMessageContaining("the tag must match");
        assertThatThrownBy(() -> reference.withDigest("sha256:1234"))
                .hasMessageContaining("not algorithm:hex");
    }

    private static String digests(String text) {
        return text.replace("SHA256", SHA256).replace("SHA384", SHA384).replace("SHA512", SHA512);
    }
}
