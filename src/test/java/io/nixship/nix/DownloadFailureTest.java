package io.nixship.nix;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Nix's own wording for failed downloads, as Nix 2.8 prints it; the real-Nix cases are in {@code
 * NixNetworkErrorsTest}. nixpkgs' {@code fetchurl} runs curl inside its builder, which the test
 * nixpkgs has no copy of, so its lines are quoted here.
 */
class DownloadFailureTest {
    @Test
    void nixpkgsFetchurlNamesTheLastMirrorTriedAndCurlsReason() {
        List<String> lines =
                List.of(
                        "building '/nix/store/0c7b2mwm0a3c0y2ijb0yhq8f9z1a5b0l-source.tar.gz.drv'...",
                        "",
                        "trying https://example.invalid/source.tar.gz",
                        "curl: (6) Could not resolve host: example.invalid",
                        "error: cannot download source.tar.gz from any mirror",
                        "error: builder for '/nix/store/0c7b2mwm0a3c0y2ijb0yhq8f9z1a5b0l-source.tar.gz.drv' failed with exit code 1");

        assertThat(DownloadFailure.in(lines).map(failure -> failure.describe("default.nix")))
                .contains(
                        "cannot download https://example.invalid/source.tar.gz for default.nix: the host name does not"
                                + " resolve (Could not resolve host: example.invalid (6)); check the network and the URL, then re-run");
    }

    @Test
    void retriesAloneAreNotAFailureAndNeitherIsAFailingBuilder() {
        List<String> lines =
                List.of(
                        "warning: error: unable to download 'https://cache.example/nix-cache-info': Couldn't connect to server (7);"
                                + " retrying in 310 ms",
                        "warning: unable to download 'https://cache.example/nix-cache-info': Couldn't connect to server (7)",
                        "error: builder for '/nix/store/0c7b2mwm0a3c0y2ijb0yhq8f9z1a5b0l-app.drv' failed with exit code 2");

        assertThat(DownloadFailure.in(lines)).isEmpty();
    }

    @Test
    void aFetchTarballDownloadWrappedInTheArchiveReadersErrorIsStillADownloadFailure() {
        // Nix 2.26's wording (Debian 13), as printed for a host that does not resolve.
        List<String> lines =
                List.of(
                        "warning: error: unable to download 'http://no-such-host.invalid/x.tar.gz': Could not resolve hostname (6)"
                                + " Could not resolve host: no-such-host.invalid; retrying in 288 ms",
                        "error:",
                        "       … while calling the 'fetchTarball' builtin",
                        "       error: Failed to open archive (Source threw exception: error: unable to download"
                                + " 'http://no-such-host.invalid/x.tar.gz': Could not resolve hostname (6) Could not resolve host:"
                                + " no-such-host.invalid)");

        assertThat(DownloadFailure.in(lines))
                .hasValueSatisfying(
                        failure -> {
                            assertThat(failure.url())
                                    .isEqualTo("http://no-such-host.invalid/x.tar.gz");
                            assertThat(failure.reason())
                                    .endsWith("Could not resolve host: no-such-host.invalid");
                            assertThat(failure.meaning())
                                    .isEqualTo("the host name does not resolve");
                        });
    }

    @Test
    void anHttpStatusIsTheServersAnswerNotTheNetwork() {
        List<String> lines =
                List.of(
                        "error: unable to download 'https://example.org/gone.tar.gz': HTTP error 404 ('Not Found')");

        assertThat(DownloadFailure.in(lines).map(DownloadFailure::meaning))
                .contains("the server answered HTTP 404");
    }

    @Test
    void aTlsFailureIsNotReadAsAnUnreachableServer() {
        List<String> lines =
                List.of(
                        "error: unable to download 'https://127.0.0.1:8443/x.tar.gz': SSL connect error (35)");

        assertThat(DownloadFailure.in(lines).map(DownloadFailure::meaning))
                .contains("the TLS connection failed");
    }
}
