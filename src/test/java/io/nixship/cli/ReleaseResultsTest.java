package io.nixship.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.nixship.Json;
import org.junit.jupiter.api.Test;

/** The bytes of {@code release --json}: its fields, their order and which are left out. */
class ReleaseResultsTest {
    private static final BuildResults.BuiltLayers PUSHED =
            new BuildResults.BuiltLayers(4, 1, 2, 1, 1, 3, 0);

    @Test
    void aReleaseThatOpenedAPullRequestListsEveryField() {
        String json =
                Json.compact(
                        new ReleaseResults.Released(
                                "created",
                                7,
                                "https://github.com/acme/shop/pull/7",
                                true,
                                "r.example/acme/shop:git-1234567@sha256:ab",
                                "nixship/shop",
                                PUSHED,
                                1024L,
                                "created",
                                "abc123",
                                "manifests moved"));

        assertThat(json)
                .isEqualTo(
                        "{\"operation\":\"created\",\"number\":7,"
                                + "\"url\":\"https://github.com/acme/shop/pull/7\",\"changed\":true,"
                                + "\"image\":\"r.example/acme/shop:git-1234567@sha256:ab\","
                                + "\"branch\":\"nixship/shop\",\"layers\":{\"total\":4,\"fromCache\":1,"
                                + "\"reused\":2,\"compressed\":1,\"uploaded\":1,\"skipped\":3,"
                                + "\"mounted\":0},\"bytesUploaded\":1024,\"branchOperation\":\"created\","
                                + "\"branchCommit\":\"abc123\",\"note\":\"manifests moved\"}");
    }

    @Test
    void withoutAPullRequestPushBranchOrNoteThoseFieldsAreLeftOut() {
        String json =
                Json.compact(
                        new ReleaseResults.Released(
                                "none",
                                null,
                                null,
                                false,
                                "r.example/acme/shop:git-1234567",
                                "nixship/shop",
                                new BuildResults.BuiltLayers(4, 4, 0, 0, null, null, null),
                                null,
                                null,
                                null,
                                null));

        assertThat(json)
                .isEqualTo(
                        "{\"operation\":\"none\",\"changed\":false,"
                                + "\"image\":\"r.example/acme/shop:git-1234567\","
                                + "\"branch\":\"nixship/shop\",\"layers\":{\"total\":4,\"fromCache\":4,"
                                + "\"reused\":0,\"compressed\":0}}");
    }

    @Test
    void aDryRunShowsThePullRequestItWouldOpen() {
        String json =
                Json.compact(
                        new ReleaseResults.DryRun(
                                true,
                                "r.example/acme/shop:git-1234567",
                                "nixship/shop",
                                true,
                                "--- a/deploy.yaml\n",
                                "Deploy shop",
                                "body",
                                PUSHED));

        assertThat(json)
                .isEqualTo(
                        "{\"dryRun\":true,\"image\":\"r.example/acme/shop:git-1234567\","
                                + "\"branch\":\"nixship/shop\",\"changed\":true,"
                                + "\"diff\":\"--- a/deploy.yaml\\n\",\"title\":\"Deploy shop\","
                                + "\"body\":\"body\",\"layers\":{\"total\":4,\"fromCache\":1,"
                                + "\"reused\":2,\"compressed\":1,\"uploaded\":1,\"skipped\":3,"
                                + "\"mounted\":0}}");
    }
}
