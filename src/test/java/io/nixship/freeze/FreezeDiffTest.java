package io.nixship.freeze;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nixship.NixshipException;
import io.nixship.nix.Closure;
import io.nixship.nix.StorePathInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class FreezeDiffTest {
    private static final String OLD_REV = "1e2c9a8f0b7d6c5e4f3a2b1c0d9e8f7a6b5c4d3e";
    private static final String NEW_REV = "9f8e7d6c5b4a39281706f5e4d3c2b1a098765432";

    static final Freeze BEFORE =
            Freeze.parse(
                    String.join(
                            "\n",
                            "blinker==1.6.2",
                            "certifi==2023.7.22",
                            "Flask==2.3.3",
                            "idna==3.4",
                            "Jinja2==3.1.2",
                            "localpkg @ file:///tmp/localpkg-0.1.tar.gz",
                            "pillow==10.0.1",
                            "requests==2.31.0",
                            "six==1.16.0",
                            "urllib3==2.0.7",
                            "waitress==2.1.2",
                            "Werkzeug==3.0.1",
                            ""));

    static final Freeze AFTER =
            Freeze.parse(
                    String.join(
                            "\n",
                            "blinker==1.7.0",
                            "certifi==2023.7.22",
                            "flask==3.0.0",
                            "idna==3.4",
                            "jinja2==3.1.2",
                            "localpkg @ file:///tmp/localpkg-0.2.tar.gz",
                            "pillow==10.1.0rc1",
                            "requests==2.31.0",
                            "typing_extensions==4.8.0",
                            "urllib3==1.26.18",
                            "waitress==2.1.2",
                            "Werkzeug==3.0.1",
                            ""));

    private static final Closure CLOSURE_BEFORE =
            new Closure(
                    "/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-python3-3.12.0-env",
                    List.of(
                            path("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-python3-3.12.0-env", 20_480),
                            path("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-python3-3.12.0", 104_857_600),
                            path(
                                    "cccccccccccccccccccccccccccccccc-python3.12-flask-2.3.3",
                                    1_258_291),
                            path("dddddddddddddddddddddddddddddddd-python3.12-six-1.16.0", 65_536),
                            path("eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee-glibc-2.38", 30_408_704)));

    private static final Closure CLOSURE_AFTER =
            new Closure(
                    "/nix/store/ffffffffffffffffffffffffffffffff-python3-3.12.0-env",
                    List.of(
                            path("ffffffffffffffffffffffffffffffff-python3-3.12.0-env", 20_480),
                            path("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-python3-3.12.0", 104_857_600),
                            path(
                                    "gggggggggggggggggggggggggggggggg-python3.12-flask-3.0.0",
                                    1_310_720),
                            path(
                                    "hhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhh-python3.12-typing-extensions-4.8.0",
                                    180_224),
                            path("eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee-glibc-2.38", 30_408_704)));

    private static StorePathInfo path(String base, long size) {
        return new StorePathInfo("/nix/store/" + base, size, List.of());
    }

    static FreezeDiff fullDiff() {
        return FreezeDiff.of(BEFORE, AFTER)
                .withClosures(CLOSURE_BEFORE, CLOSURE_AFTER)
                .withNixpkgs(OLD_REV, NEW_REV);
    }

    @Test
    void classifiesEachPackageByPep440AndPep503() {
        FreezeDiff diff = FreezeDiff.of(BEFORE, AFTER);

        assertThat(diff.packages())
                .extracting(PackageChange::name, PackageChange::change)
                .containsExactly(
                        tuple("blinker", Change.UPGRADED),
                        tuple("certifi", Change.UNCHANGED),
                        tuple("flask", Change.UPGRADED),
                        tuple("idna", Change.UNCHANGED),
                        tuple("jinja2", Change.UNCHANGED),
                        tuple("localpkg", Change.CHANGED),
                        tuple("pillow", Change.UPGRADED),
                        tuple("requests", Change.UNCHANGED),
                        tuple("six", Change.REMOVED),
                        tuple("typing_extensions", Change.ADDED),
                        tuple("urllib3", Change.DOWNGRADED),
                        tuple("waitress", Change.UNCHANGED),
                        tuple("Werkzeug", Change.UNCHANGED));
        assertThat(diff.summary())
                .isEqualTo("3 upgraded, 1 downgraded, 1 changed, 1 added, 1 removed, 6 unchanged");
        assertThat(diff.hasChanges()).isTrue();
    }

    @Test
    void comparesVersionsNotStrings() {
        assertThat(change("2.0.0", "2.0.1")).isEqualTo(Change.UPGRADED);
        assertThat(change("1.10", "1.9")).isEqualTo(Change.DOWNGRADED);
        assertThat(change("1.0rc1", "1.0")).isEqualTo(Change.UPGRADED);
        assertThat(change("1!1.0", "2.0")).isEqualTo(Change.DOWNGRADED);
        assertThat(change("1.0", "1.0+nix1")).isEqualTo(Change.UPGRADED);
        assertThat(change("2.0", "2.0")).isEqualTo(Change.UNCHANGED);
        assertThat(change("2.0", "2.0.0")).isEqualTo(Change.CHANGED);
    }

    private static Change change(String before, String after) {
        return PackageChange.of(FreezeEntry.pinned("pkg", before), FreezeEntry.pinned("pkg", after))
                .change();
    }

    @Test
    void findsClosurePathsAddedAndRemovedAndSizes() {
        ClosureDiff closure = fullDiff().closure().orElseThrow();

        assertThat(closure.added())
                .extracting(ClosureDiff.StorePathSize::path)
                .containsExactly(
                        "/nix/store/ffffffffffffffffffffffffffffffff-python3-3.12.0-env",
                        "/nix/store/gggggggggggggggggggggggggggggggg-python3.12-flask-3.0.0",
                        "/nix/store/hhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhh-python3.12-typing-extensions-4.8.0");
        assertThat(closure.removed()).hasSize(3);
        assertThat(closure.sizeDelta()).isEqualTo(1_310_720 + 180_224 - 1_258_291 - 65_536);
        assertThat(fullDiff().nixpkgs().orElseThrow().compareUrl())
                .isEqualTo("https://github.com/NixOS/nixpkgs/compare/" + OLD_REV + "..." + NEW_REV);
    }

    @Test
    void rendersTextLikeAFreezeDiff() {
        assertThat(DiffFormat.TEXT.render(fullDiff()))
                .isEqualTo(
                        String.join(
                                "\n",
                                "-blinker==1.6.2",
                                "+blinker==1.7.0",
                                "-Flask==2.3.3",
                                "+flask==3.0.0",
                                "-localpkg @ file:///tmp/localpkg-0.1.tar.gz",
                                "+localpkg @ file:///tmp/localpkg-0.2.tar.gz",
                                "-pillow==10.0.1",
                                "+pillow==10.1.0rc1",
                                "-six==1.16.0",
                                "+typing_extensions==4.8.0",
                                "-urllib3==2.0.7",
                                "+urllib3==1.26.18",
                                "",
                                "3 upgraded, 1 downgraded, 1 changed, 1 added, 1 removed, 6 unchanged",
                                "closure: 5 -> 5 store paths (+3 -3), 130.3 MiB -> 130.4 MiB (+163.2 KiB)",
                                "nixpkgs: "
                                        + OLD_REV
                                        + " -> "
                                        + NEW_REV
                                        + " https://github.com/NixOS/nixpkgs/compare/"
                                        + OLD_REV
                                        + "..."
                                        + NEW_REV,
                                ""));
    }

    @Test
    void saysNothingChangedInOneLine() {
        FreezeDiff same = FreezeDiff.of(AFTER, AFTER).withClosures(CLOSURE_AFTER, CLOSURE_AFTER);

        assertThat(same.hasChanges()).isFalse();
        assertThat(DiffFormat.MARKDOWN.render(same))
                .isEqualTo("**No Python package changes** (12 packages, same closure).\n");
        assertThat(DiffFormat.TEXT.render(FreezeDiff.of(AFTER, AFTER)))
                .isEqualTo("No Python package changes (12 packages).\n");
    }

    @Test
    void rendersMarkdownAsTheReviewedGoldenFile() {
        assertThat(DiffFormat.MARKDOWN.render(fullDiff()))
                .isEqualTo(FreezeFixtures.text("freeze/diff-golden.md"));
    }

    @Test
    void markdownHasTheTableRowsAndCollapsedBlocks() {
        String markdown = DiffFormat.MARKDOWN.render(fullDiff());

        assertThat(markdown)
                .contains("| Package | Before | After | Change |")
                .contains("| `flask` | `2.3.3` | `3.0.0` | ⬆️ upgraded |")
                .contains("| `six` | `1.16.0` | — | ➖ removed |")
                .contains("| `typing_extensions` | — | `4.8.0` | ➕ added |")
                .contains("| `urllib3` | `2.0.7` | `1.26.18` | ⬇️ downgraded |")
                .contains(
                        "(https://github.com/NixOS/nixpkgs/compare/"
                                + OLD_REV
                                + "..."
                                + NEW_REV
                                + ")")
                .doesNotContain("| `certifi` |");
        assertThat(markdown.split("<details>", -1)).hasSize(3);
        assertThat(markdown.split("</details>", -1)).hasSize(3);
    }

    @Test
    void foldsLongListsToStayUnderTheLimit() {
        List<FreezeEntry> before = new ArrayList<>();
        List<FreezeEntry> after = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            String name = String.format("package-with-a-rather-long-name-%04d", i);
            before.add(FreezeEntry.pinned(name, "1.0." + i));
            after.add(FreezeEntry.pinned(name, "1.1." + i));
        }
        FreezeDiff diff = FreezeDiff.of(new Freeze(before), new Freeze(after));

        String markdown = FreezeDiffMarkdown.render(diff);

        assertThat(markdown.length()).isLessThanOrEqualTo(FreezeDiffMarkdown.DEFAULT_MAX_CHARS);
        assertThat(markdown)
                .contains("| … and ")
                .contains("Omitted to keep this comment within GitHub's size limit.");
        assertThat(
                        FreezeDiffMarkdown.render(
                                FreezeDiff.of(
                                        new Freeze(before.subList(0, 50)),
                                        new Freeze(after.subList(0, 50)))))
                .doesNotContain("… and");
    }

    @Test
    void rendersJsonWithAStableStructure() throws Exception {
        String json = DiffFormat.JSON.render(fullDiff());
        JsonNode root = new ObjectMapper().readTree(json);

        assertThat(root.fieldNames())
                .toIterable()
                .containsExactly(
                        "changed",
                        "summary",
                        "packages",
                        "closure",
                        "nixpkgs",
                        "freezeBefore",
                        "freezeAfter");
        assertThat(root.get("changed").asBoolean()).isTrue();
        assertThat(root.get("summary").get("upgraded").asInt()).isEqualTo(3);
        JsonNode six = root.get("packages").get(8);
        assertThat(six.get("name").asText()).isEqualTo("six");
        assertThat(six.get("change").asText()).isEqualTo("removed");
        assertThat(six.get("after").isNull()).isTrue();
        assertThat(root.get("packages").get(2).get("canonicalName").asText()).isEqualTo("flask");
        assertThat(root.get("closure").get("added")).hasSize(3);
        assertThat(root.get("nixpkgs").get("compareUrl").asText())
                .endsWith(OLD_REV + "..." + NEW_REV);
        assertThat(root.get("freezeAfter").asText()).isEqualTo(AFTER.render());
        assertThat(json).isEqualTo(DiffFormat.JSON.render(fullDiff())).endsWith("}\n");
        assertThat(
                        new ObjectMapper()
                                .readTree(DiffFormat.JSON.render(FreezeDiff.of(BEFORE, AFTER)))
                                .get("closure")
                                .isNull())
                .isTrue();
    }

    @Test
    void parsesFormatNamesAndRejectsOthers() {
        assertThat(DiffFormat.parse("Markdown")).isEqualTo(DiffFormat.MARKDOWN);
        assertThatThrownBy(() -> DiffFormat.parse("html"))
                .isInstanceOf(NixshipException.class)
                .hasMessage("--format 'html' is not one of text, markdown, json");
    }

    @Test
    void hostileNamesAndVersionsAreOneCodeSpanEachSoNothingRendersOrLinks() {
        List<String> hostile =
                List.of(
                        "@octocat",
                        "#123",
                        "GH-1",
                        "https://evil.example/x",
                        "www.evil.example",
                        "[click](https://evil.example)",
                        "![img](https://evil.example/i.png)",
                        "*bold* _em_ ~~gone~~",
                        "`tick`s``",
                        "<img src=x onerror=alert(1)>",
                        "# heading",
                        "a|b\\|c",
                        "x\\");
        List<FreezeEntry> entries = new ArrayList<>();
        for (int i = 0; i < hostile.size(); i++) {
            entries.add(new FreezeEntry(hostile.get(i), hostile.get(i), "pkg" + i));
        }

        String markdown =
                DiffFormat.MARKDOWN.render(FreezeDiff.of(Freeze.empty(), new Freeze(entries)));

        Pattern row = Pattern.compile("(?m)^\\| (.+) \\| — \\| (.+) \\| ➕ added \\|$");
        Matcher rows = row.matcher(markdown);
        List<String> cells = new ArrayList<>();
        while (rows.find()) {
            cells.add(rows.group(1));
            cells.add(rows.group(2));
        }
        assertThat(cells).hasSize(2 * hostile.size());
        for (String cell : cells) {
            Matcher span = Pattern.compile("(`+)(.*)\\1", Pattern.DOTALL).matcher(cell);
            assertThat(span.matches()).as(cell).isTrue();
            String content = span.group(2);
            assertThat(content).as(cell).doesNotContain(span.group(1));
            // Unescaped as GitHub's table parser does before the span is read.
            String shown = content.replace("\\|", "|").replace("\\\\", "\\");
            if (shown.startsWith(" ") && shown.endsWith(" ") && shown.length() > 1) {
                shown = shown.substring(1, shown.length() - 1);
            }
            assertThat(hostile).as(cell).contains(shown);
            assertThat(content.replace("\\|", "")).as(cell).doesNotContain("|");
        }
    }
}
