package io.nixship.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nixship.NixshipException;
import io.nixship.registry.HostCredentials;
import io.nixship.registry.RegistryCredentials;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BoundCredentialsTest {
    private static final Optional<RegistryCredentials> GIVEN =
            Optional.of(new RegistryCredentials("robot", "s3cret"));

    /** The image a contributor's .nixship.yaml names; asking for it fails the test. */
    private static String hostileImage() {
        throw new AssertionError("the checkout's image was consulted");
    }

    @Test
    void aGivenRegistryHostReceivesTheCredentialsAndTheCheckoutsImageIsNotRead() {
        Optional<HostCredentials> bound =
                UseCases.boundCredentials(
                        GIVEN, Optional.of("ghcr.io"), true, BoundCredentialsTest::hostileImage);

        assertThat(bound).contains(new HostCredentials("ghcr.io", GIVEN.orElseThrow()));
        assertThat(bound.orElseThrow().forHost("evil.host")).isEmpty();
    }

    @Test
    void aPullRequestWithCredentialsAndNoRegistryHostIsAUsageErrorNamingTheFix() {
        assertThatThrownBy(
                        () ->
                                UseCases.boundCredentials(
                                        GIVEN,
                                        Optional.empty(),
                                        true,
                                        BoundCredentialsTest::hostileImage))
                .isInstanceOf(NixshipException.class)
                .hasMessageContaining("set --registry-host HOST (the registry action input)")
                .hasMessageNotContaining("s3cret")
                .matches(e -> ((NixshipException) e).exitCode() == NixshipException.USAGE);
    }

    @Test
    void aTrustedCheckoutWithoutRegistryHostBindsThemToItsImagesHost() {
        Optional<HostCredentials> bound =
                UseCases.boundCredentials(
                        GIVEN, Optional.empty(), false, () -> "registry.example:5000/acme/shop");

        assertThat(bound.orElseThrow().host()).isEqualTo("registry.example:5000");
    }

    @Test
    void withoutExplicitCredentialsAPullRequestNeedsNoRegistryHost() {
        assertThat(
                        UseCases.boundCredentials(
                                Optional.empty(),
                                Optional.empty(),
                                true,
                                BoundCredentialsTest::hostileImage))
                .isEmpty();
    }

    @Test
    void aRegistryHostWithAPathIsAUsageError() {
        assertThatThrownBy(
                        () ->
                                UseCases.boundCredentials(
                                        GIVEN,
                                        Optional.of("ghcr.io/acme"),
                                        false,
                                        BoundCredentialsTest::hostileImage))
                .isInstanceOf(NixshipException.class)
                .hasMessageStartingWith("--registry-host: 'ghcr.io/acme' is not a registry host");
    }
}
