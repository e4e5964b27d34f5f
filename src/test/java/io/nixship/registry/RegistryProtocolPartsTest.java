package io.nixship.registry;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nixship.NixshipException;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RegistryProtocolPartsTest {
    @Test
    void targetParsesHostPortRepositoryAndTag() {
        assertThat(RegistryTarget.parse("127.0.0.1:5000/team/app:v1"))
                .isEqualTo(new RegistryTarget("127.0.0.1:5000", "team/app", "v1"));
        assertThat(RegistryTarget.parse("ghcr.io/org/app"))
                .isEqualTo(new RegistryTarget("ghcr.io", "org/app", "latest"));
        assertThat(RegistryTarget.parse("localhost/app:x"))
                .isEqualTo(new RegistryTarget("localhost", "app", "x"));
        assertThat(RegistryTarget.parse("nginx:1.2"))
                .isEqualTo(new RegistryTarget("docker.io", "library/nginx", "1.2"));
        assertThat(RegistryTarget.parse("docker.io/library/nginx").apiHost())
                .isEqualTo("registry-1.docker.io");
        assertThat(RegistryTarget.parse("ghcr.io/org/app:v1").toString())
                .isEqualTo("ghcr.io/org/app:v1");
    }

    @Test
    void targetRejectsBadNamesWithTheValue() {
        assertThatThrownBy(() -> RegistryTarget.parse("ghcr.io/Org/App"))
                .isInstanceOf(NixshipException.class)
                .hasMessageContaining("Org/App");
        assertThatThrownBy(() -> RegistryTarget.parse("ghcr.io/org/app:-bad"))
                .hasMessageContaining("-bad");
        assertThatThrownBy(() -> RegistryTarget.parse("ghcr.io/org/app@sha256:abc"))
                .hasMessageContaining("no digest");
    }

    @Test
    void bearerChallengeParametersAreParsed() {
        AuthChallenge challenge =
                AuthChallenge.parse(
                                "Bearer realm=\"https://auth.example.com/token\",service=\"registry.example.com\",scope=\"repository:a/b:pull,push\"")
                        .orElseThrow();

        assertThat(challenge.isBearer()).isTrue();
        assertThat(challenge.param("realm")).contains("https://auth.example.com/token");
        assertThat(challenge.param("service")).contains("registry.example.com");
        assertThat(challenge.param("scope")).contains("repository:a/b:pull,push");
        assertThat(AuthChallenge.parse("Basic realm=\"x\"").orElseThrow().isBasic()).isTrue();
        assertThat(AuthChallenge.parse(null)).isEmpty();
    }

    @Test
    void backoffGrowsIsCappedAndJittered() {
        RetryPolicy policy =
                new RetryPolicy(
                        8,
                        Duration.ofMillis(500),
                        Duration.ofSeconds(4),
                        Duration.ofSeconds(60),
                        d -> {},
                        () -> 0.999);
        RetryPolicy noJitter =
                new RetryPolicy(
                        8,
                        Duration.ofMillis(500),
                        Duration.ofSeconds(4),
                        Duration.ofSeconds(60),
                        d -> {},
                        () -> 0.0);

        assertThat(policy.delayAfter(1, Optional.empty()))
                .isBetween(Duration.ofMillis(490), Duration.ofMillis(500));
        assertThat(noJitter.delayAfter(1, Optional.empty())).isEqualTo(Duration.ofMillis(250));
        assertThat(policy.delayAfter(3, Optional.empty()))
                .isBetween(Duration.ofMillis(1990), Duration.ofMillis(2000));
        assertThat(policy.delayAfter(10, Optional.empty()))
                .isBetween(Duration.ofMillis(3990), Duration.ofSeconds(4));
        assertThat(policy.delayAfter(1, Optional.of(Duration.ofSeconds(7))))
                .isEqualTo(Duration.ofSeconds(7));
        assertThat(policy.delayAfter(1, Optional.of(Duration.ofHours(1))))
                .isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void plainHttpOnlyForLoopbackAndNamedInsecureHosts() {
        assertThat(RegistryHttp.plainHttpAllowed("127.0.0.1:5000", Set.of())).isTrue();
        assertThat(RegistryHttp.plainHttpAllowed("localhost:5000", Set.of())).isTrue();
        assertThat(RegistryHttp.plainHttpAllowed("[::1]:5000", Set.of())).isTrue();
        assertThat(RegistryHttp.plainHttpAllowed("registry.lan:5000", Set.of())).isFalse();
        assertThat(RegistryHttp.plainHttpAllowed("registry.lan:5000", Set.of("registry.lan")))
                .isTrue();
        assertThat(RegistryHttp.plainHttpAllowed("10.0.0.5:5000", Set.of("10.0.0.5:5000")))
                .isTrue();
        assertThat(RegistryHttp.plainHttpAllowed("10.0.0.5:5000", Set.of())).isFalse();
    }

    @Test
    void errorLineNamesStatusAndRegistryCodesButNotTheQuery() {
        String line =
                RegistryErrors.describe(
                        "r.example.com",
                        "PUT",
                        java.net.URI.create(
                                "https://r.example.com/v2/app/blobs/uploads/x?_state=secretish"),
                        400,
                        "{\"errors\":[{\"code\":\"MANIFEST_BLOB_UNKNOWN\",\"message\":\"blob unknown\\nto registry\"}]}"
                                .getBytes(UTF_8));

        assertThat(line)
                .isEqualTo(
                        "registry r.example.com: PUT /v2/app/blobs/uploads/x answered 400 MANIFEST_BLOB_UNKNOWN (blob unknown to registry)");
        assertThat(RegistryErrors.codes(401, new byte[0])).isEqualTo("UNAUTHORIZED");
        assertThat(RegistryErrors.codes(502, "<html>".getBytes(UTF_8))).isEqualTo("SERVER_ERROR");
    }
}
