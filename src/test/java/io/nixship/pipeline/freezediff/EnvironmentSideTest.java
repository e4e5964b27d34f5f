package io.nixship.pipeline.freezediff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nixship.NixshipException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class EnvironmentSideTest {
    private static final Path HERE = Path.of("/work/project");

    @Test
    void sidesAreReadByPrefixThenByShape() {
        assertThat(EnvironmentSide.parse("docker://ghcr.io/acme/app:v1", HERE))
                .isInstanceOfSatisfying(
                        EnvironmentSide.RegistryImage.class,
                        side ->
                                assertThat(side.reference().canonical())
                                        .isEqualTo("ghcr.io/acme/app:v1"));
        assertThat(EnvironmentSide.parse("localhost:5000/app@sha256:" + "0".repeat(64), HERE))
                .isInstanceOf(EnvironmentSide.RegistryImage.class);
        assertThat(EnvironmentSide.parse("ghcr.io/acme/app", HERE))
                .isInstanceOfSatisfying(
                        EnvironmentSide.RegistryImage.class,
                        side -> assertThat(side.reference().tag()).isEqualTo("latest"));
        assertThat(EnvironmentSide.parse("oci:build/image:v1", HERE))
                .isInstanceOfSatisfying(
                        EnvironmentSide.Layout.class,
                        side -> {
                            assertThat(side.reference().directory())
                                    .isEqualTo(HERE.resolve("build/image"));
                            assertThat(side.reference().tag()).contains("v1");
                        });
        assertThat(EnvironmentSide.parse("lock:../next.lock", HERE))
                .isEqualTo(new EnvironmentSide.Lock(Path.of("/work/next.lock")));
        assertThat(EnvironmentSide.parse("sub/nixship.lock", HERE))
                .isEqualTo(new EnvironmentSide.Lock(HERE.resolve("sub/nixship.lock")));
        assertThat(EnvironmentSide.parse("git:main", HERE))
                .isEqualTo(new EnvironmentSide.Commit("main"));
        assertThat(EnvironmentSide.parse("origin/main", HERE))
                .isEqualTo(new EnvironmentSide.Commit("origin/main"));
        assertThat(EnvironmentSide.parse("HEAD~1", HERE))
                .isEqualTo(new EnvironmentSide.Commit("HEAD~1"));
    }

    @Test
    void badSidesAreUsageErrors() {
        assertThatThrownBy(() -> EnvironmentSide.parse("  ", HERE))
                .isInstanceOf(NixshipException.class);
        assertThatThrownBy(() -> EnvironmentSide.parse("docker://ghcr.io/Acme/app:v1", HERE))
                .isInstanceOf(NixshipException.class)
                .hasMessageContaining("lowercase");
    }
}
