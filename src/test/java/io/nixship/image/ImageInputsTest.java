package io.nixship.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.nixship.config.NixpkgsLock;
import io.nixship.config.NixshipConfig;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ImageInputsTest {
    private static final String COMMIT = "1111111111111111111111111111111111111111";
    private static final NixshipConfig CONFIG = NixshipConfig.defaults(Optional.empty());
    private static final NixpkgsLock LOCK = lock("0000000000000000000000000000000000000000");
    private static final String FORMAT =
            "nixship-tar-1;mtime=1;gzip-3-blocks-1048576-incompressible-stored";

    private static NixpkgsLock lock(String revision) {
        String yaml =
                "channel: nixos-24.05\nrevision: "
                        + revision
                        + "\nurl: https://example.invalid/nixexprs.tar.xz\nsha256: 1ww9fc8gfym2nvg5q7hn75b8kl3dsas2jw5z0s7fwp5f8iqnqa5c\n";
        return NixpkgsLock.parse(yaml.getBytes(StandardCharsets.UTF_8), "nixship.lock");
    }

    private static ImageInputs inputs(
            String commit,
            String project,
            Optional<String> remote,
            NixpkgsLock lock,
            int maxLayers,
            String format) {
        return ImageInputs.of(
                commit, "git-1111111", CONFIG, project, remote, lock, maxLayers, format);
    }

    @Test
    void theSameInputsGiveTheSameKey() {
        assertThat(inputs(COMMIT, "", Optional.empty(), LOCK, 100, FORMAT).key())
                .isEqualTo(inputs(COMMIT, "", Optional.empty(), LOCK, 100, FORMAT).key())
                .startsWith("sha256:");
    }

    @Test
    void everyInputThatShapesTheImageChangesTheKey() {
        List<ImageInputs> variants =
                List.of(
                        inputs(COMMIT, "", Optional.empty(), LOCK, 100, FORMAT),
                        inputs(
                                "2222222222222222222222222222222222222222",
                                "",
                                Optional.empty(),
                                LOCK,
                                100,
                                FORMAT),
                        inputs(COMMIT, "services/api", Optional.empty(), LOCK, 100, FORMAT),
                        inputs(
                                COMMIT,
                                "",
                                Optional.of("https://github.com/acme/shop"),
                                LOCK,
                                100,
                                FORMAT),
                        inputs(
                                COMMIT,
                                "",
                                Optional.empty(),
                                lock("3333333333333333333333333333333333333333"),
                                100,
                                FORMAT),
                        inputs(COMMIT, "", Optional.empty(), LOCK, 20, FORMAT),
                        inputs(
                                COMMIT,
                                "",
                                Optional.empty(),
                                LOCK,
                                100,
                                "nixship-tar-1;mtime=1;zstd-3"));

        Set<String> keys = new HashSet<>();
        variants.forEach(variant -> keys.add(variant.key()));

        assertThat(keys).hasSize(variants.size());
    }

    @Test
    void aManifestWithoutTheAnnotationOrNotJsonHasNoKey() {
        byte[] annotated =
                "{\"annotations\":{\"io.nixship.inputs\":\"sha256:abc\"}}"
                        .getBytes(StandardCharsets.UTF_8);

        assertThat(ImageInputs.keyIn(annotated)).contains("sha256:abc");
        assertThat(ImageInputs.keyIn("{\"layers\":[]}".getBytes(StandardCharsets.UTF_8))).isEmpty();
        assertThat(ImageInputs.keyIn("not json".getBytes(StandardCharsets.UTF_8))).isEmpty();
    }
}
