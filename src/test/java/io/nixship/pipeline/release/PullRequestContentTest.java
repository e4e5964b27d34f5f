package io.nixship.pipeline.release;

import static org.assertj.core.api.Assertions.assertThat;

import io.nixship.forge.MarkdownLimit;
import org.junit.jupiter.api.Test;

class PullRequestContentTest {
    private static final String SHA = "0123456789abcdef0123456789abcdef01234567";
    private static final String NIXPKGS = "fedcba9876543210fedcba9876543210fedcba98";

    private static PullRequestContent content(String freeze) {
        return new PullRequestContent(
                "acme/shop-api",
                "ghcr.io/acme/shop-api:1.0@sha256:aaa",
                "ghcr.io/acme/shop-api:2.0@sha256:bbb",
                SHA,
                "https://github.com/acme/shop/commit/" + SHA,
                NIXPKGS,
                freeze,
                null);
    }

    @Test
    void titleNamesTheImageAndTheNewTag() {
        assertThat(content("").title()).isEqualTo("nixship: update acme/shop-api to shop-api:2.0");
    }

    @Test
    void bodyShowsOldAndNewReferenceTheFreezeAndLinks() {
        String body = content("| requests | 2.31.0 | 2.32.3 |\n").body();

        assertThat(body)
                .contains("| Before | `ghcr.io/acme/shop-api:1.0@sha256:aaa` |")
                .contains("| After | `ghcr.io/acme/shop-api:2.0@sha256:bbb` |")
                .contains("[0123456789ab](https://github.com/acme/shop/commit/" + SHA + ")")
                .contains(
                        "nixpkgs [fedcba987654](https://github.com/NixOS/nixpkgs/commit/"
                                + NIXPKGS
                                + ")")
                .contains("| requests | 2.31.0 | 2.32.3 |");
    }

    @Test
    void aHugeFreezeIsCutToStayUnderGitHubsLimitWithANote() {
        StringBuilder freeze =
                new StringBuilder("<details><summary>Full freeze</summary>\n\n```\n");
        for (int i = 0; i < 20_000; i++) {
            freeze.append("package-").append(i).append("==1.0.").append(i).append('\n');
        }
        freeze.append("```\n</details>\n");

        String body = content(freeze.toString()).body();

        assertThat(body.length()).isLessThanOrEqualTo(MarkdownLimit.GITHUB_MAX_CHARS);
        assertThat(body)
                .contains("more lines left out to stay within GitHub's size limit")
                .contains("see the job summary for the full diff")
                .contains("_Opened by nixship.");
        String beforeNote = body.substring(0, body.indexOf("more lines left out"));
        assertThat(beforeNote.split("```", -1)).hasSize(3);
        assertThat(beforeNote).contains("</details>");
    }

    @Test
    void shortMarkdownIsLeftAsIs() {
        assertThat(MarkdownLimit.fit("a\nb\n", 100, "x")).isEqualTo("a\nb\n");
    }

    @Test
    void untrustedReferencesCannotBreakTheTable() {
        String body = new PullRequestContent("a", "x|`y`\nz", "n", SHA, "u", null, "", null).body();

        assertThat(body).contains("| Before | `x\\|'y' z` |").doesNotContain("nixpkgs [");
    }
}
