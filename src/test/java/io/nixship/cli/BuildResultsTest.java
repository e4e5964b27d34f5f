package io.nixship.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.nixship.Json;
import org.junit.jupiter.api.Test;

/** The bytes of {@code build --json}: its fields, their order and which appear without a push. */
class BuildResultsTest {
    private static final String REFERENCE = "r.example/acme/shop:git-1234567@sha256:ab";

    @Test
    void aPushedBuildListsEveryField() {
        String json =
                Json.compact(
                        new BuildResults.Built(
                                REFERENCE,
                                "sha256:ab",
                                "git-1234567",
                                false,
                                "1234567890",
                                3000L,
                                9000L,
                                12,
                                new BuildResults.BuiltLayers(5, 2, 1, 2, 3, 1, 1),
                                2500L,
                                "a==1\n"));

        assertThat(json)
                .isEqualTo(
                        "{\"reference\":\""
                                + REFERENCE
                                + "\",\"digest\":\"sha256:ab\",\"tag\":\"git-1234567\","
                                + "\"upToDate\":false,\"commit\":\"1234567890\",\"size\":3000,"
                                + "\"closureSize\":9000,\"storePaths\":12,\"layers\":{\"total\":5,"
                                + "\"fromCache\":2,\"reused\":1,\"compressed\":2,\"uploaded\":3,"
                                + "\"skipped\":1,\"mounted\":1},\"bytesUploaded\":2500,"
                                + "\"freeze\":\"a==1\\n\"}");
    }

    @Test
    void aBuildWithoutAPushHasNoPushFields() {
        String json =
                Json.compact(
                        new BuildResults.Built(
                                REFERENCE,
                                "sha256:ab",
                                "git-1234567",
                                false,
                                "1234567890",
                                3000L,
                                9000L,
                                12,
                                new BuildResults.BuiltLayers(5, 2, 1, 2, null, null, null),
                                null,
                                ""));

        assertThat(json)
                .isEqualTo(
                        "{\"reference\":\""
                                + REFERENCE
                                + "\",\"digest\":\"sha256:ab\",\"tag\":\"git-1234567\","
                                + "\"upToDate\":false,\"commit\":\"1234567890\",\"size\":3000,"
                                + "\"closureSize\":9000,\"storePaths\":12,\"layers\":{\"total\":5,"
                                + "\"fromCache\":2,\"reused\":1,\"compressed\":2},\"freeze\":\"\"}");
    }

    @Test
    void anUpToDateImageSaysWhatThePushSkipped() {
        assertThat(
                        Json.compact(
                                new BuildResults.UpToDate(
                                        REFERENCE,
                                        "sha256:ab",
                                        "git-1234567",
                                        true,
                                        3000L,
                                        new BuildResults.PushedLayers(5, 0, 5),
                                        0L)))
                .isEqualTo(
                        "{\"reference\":\""
                                + REFERENCE
                                + "\",\"digest\":\"sha256:ab\",\"tag\":\"git-1234567\","
                                + "\"upToDate\":true,\"size\":3000,\"layers\":{\"total\":5,"
                                + "\"uploaded\":0,\"skipped\":5},\"bytesUploaded\":0}");
        assertThat(
                        Json.compact(
                                new BuildResults.UpToDate(
                                        REFERENCE,
                                        "sha256:ab",
                                        "git-1234567",
                                        true,
                                        null,
                                        null,
                                        null)))
                .isEqualTo(
                        "{\"reference\":\""
                                + REFERENCE
                                + "\",\"digest\":\"sha256:ab\",\"tag\":\"git-1234567\","
                                + "\"upToDate\":true}");
    }
}
