package io.nixship.forge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nixship.cli.HostEnvironment;
import io.nixship.testsupport.RunnerCommands;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ActionsOutputTest {
    private static final String TOKEN = "ghs_SECRETtoken0123456789";

    @TempDir Path dir;
    private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    private final PrintWriter log =
            new PrintWriter(new java.io.OutputStreamWriter(logBytes, StandardCharsets.UTF_8), true);

    private ActionsOutput actions() {
        return new ActionsOutput(
                true,
                dir.resolve("output"),
                dir.resolve("summary"),
                log,
                new SecretMasker(),
                () -> UUID.randomUUID().toString());
    }

    private List<String> logLines() {
        return logBytes.toString(StandardCharsets.UTF_8).lines().toList();
    }

    /** Reads a GITHUB_OUTPUT file the way the runner does: name=value or name<<DELIMITER blocks. */
    private static Map<String, String> parseOutputs(Path file) throws Exception {
        Map<String, String> outputs = new LinkedHashMap<>();
        Deque<String> lines = new ArrayDeque<>(Files.readString(file).lines().toList());
        while (!lines.isEmpty()) {
            String line = lines.pop();
            int heredoc = line.indexOf("<<");
            if (heredoc > 0) {
                String delimiter = line.substring(heredoc + 2);
                List<String> value = new ArrayList<>();
                for (String next = lines.pop(); !next.equals(delimiter); next = lines.pop()) {
                    value.add(next);
                }
                outputs.put(line.substring(0, heredoc), String.join("\n", value));
            } else {
                outputs.put(
                        line.substring(0, line.indexOf('=')),
                        line.substring(line.indexOf('=') + 1));
            }
        }
        return outputs;
    }

    @Test
    void writesOutputsAsHeredocsWithARandomDelimiter() throws Exception {
        ActionsOutput actions = actions();

        actions.setOutput("image", "ghcr.io/acme/shop-api:2.0");
        actions.setOutput("diff-markdown", "line one\nline two\n");

        String file = Files.readString(dir.resolve("output"));
        assertThat(file)
                .matches(
                        "(?s)image<<ghadelimiter_[0-9a-f-]{36}\nghcr.io/acme/shop-api:2.0\n"
                                + "ghadelimiter_[0-9a-f-]{36}\ndiff-markdown<<.*");
        assertThat(parseOutputs(dir.resolve("output")))
                .containsExactly(
                        Map.entry("image", "ghcr.io/acme/shop-api:2.0"),
                        Map.entry("diff-markdown", "line one\nline two\n"));
    }

    @Test
    void aValueCannotEndItsBlockOrInjectAnotherOutput() throws Exception {
        String hostile = "x\nEOF\nchanged=true\nghadelimiter_\npr-url<<EOF\nevil\nEOF";
        ActionsOutput actions = actions();

        actions.setOutput("branch", hostile);

        assertThat(parseOutputs(dir.resolve("output")))
                .containsOnlyKeys("branch")
                .containsEntry("branch", hostile);
    }

    @Test
    void aDelimiterThatOccursInTheValueIsDrawnAgain() throws Exception {
        Deque<String> tokens = new ArrayDeque<>(List.of("aaa", "bbb"));
        ActionsOutput actions =
                new ActionsOutput(
                        true, dir.resolve("output"), null, log, new SecretMasker(), tokens::pop);

        actions.setOutput("note", "ghadelimiter_aaa");

        assertThat(Files.readString(dir.resolve("output")))
                .isEqualTo("note<<ghadelimiter_bbb\nghadelimiter_aaa\nghadelimiter_bbb\n");
    }

    @Test
    void rejectsOutputNamesThatCouldBreakTheFile() {
        assertThatThrownBy(() -> actions().setOutput("a<<b", "v"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> actions().setOutput("a\nb", "v"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void appendsMarkdownToTheStepSummary() throws Exception {
        ActionsOutput actions = actions();

        actions.appendSummary("## Image\n\n`ghcr.io/acme/shop-api:2.0`");
        actions.appendSummary("## Diff\n");

        assertThat(Files.readString(dir.resolve("summary")))
                .isEqualTo("## Image\n\n`ghcr.io/acme/shop-api:2.0`\n## Diff\n");
    }

    @Test
    void escapesAnnotationPropertiesAndMessage() {
        actions().error("bad tag 100%\nsecond line", "k8s/a,b:c.yaml", 12);

        assertThat(logLines())
                .containsExactly(
                        "::error file=k8s/a%2Cb%3Ac.yaml,line=12::bad tag 100%25%0Asecond line");
    }

    @Test
    void groupsWrapWorkAndCloseOnFailure() {
        ActionsOutput actions = actions();

        assertThatThrownBy(
                        () ->
                                actions.group(
                                        "build\nimage",
                                        () -> {
                                            throw new IllegalStateException("boom");
                                        }))
                .isInstanceOf(IllegalStateException.class);

        assertThat(logLines()).containsExactly("::group::build image", "::endgroup::");
    }

    @Test
    void masksTheTokenBeforeAnyOtherLineAndNeverPrintsItAgain() throws Exception {
        GitHubEnvironment env =
                HostEnvironment.from(
                                Map.of(
                                        "GITHUB_ACTIONS",
                                        "true",
                                        "GITHUB_TOKEN",
                                        TOKEN,
                                        "GITHUB_OUTPUT",
                                        dir.resolve("output").toString(),
                                        "GITHUB_STEP_SUMMARY",
                                        dir.resolve("summary").toString()))
                        .github();
        ActionsOutput actions = ActionsOutput.forEnvironment(env, log, new SecretMasker());

        actions.log("pushing with " + TOKEN);
        actions.error("auth failed for " + TOKEN, null, null);
        actions.setOutput("debug", "token=" + TOKEN);
        actions.appendSummary("token " + TOKEN);
        actions.log(env.toString());

        List<String> lines = logLines();
        assertThat(lines.get(0)).isEqualTo("::add-mask::" + TOKEN);
        assertThat(lines.subList(1, lines.size()))
                .allSatisfy(l -> assertThat(l).doesNotContain(TOKEN));
        assertThat(lines).contains("pushing with ***", "::error::auth failed for ***");
        assertThat(Files.readString(dir.resolve("output")))
                .doesNotContain(TOKEN)
                .contains("token=***");
        assertThat(Files.readString(dir.resolve("summary"))).isEqualTo("token ***\n");
    }

    @Test
    void masksEachLineOfAMultiLineSecretOnce() {
        ActionsOutput actions = actions();

        actions.addMask("line-one\nline-two");
        actions.addMask("line-one\nline-two");

        assertThat(logLines()).containsExactly("::add-mask::line-one", "::add-mask::line-two");
    }

    @Test
    void untrustedTextThatLooksLikeACommandIsPrintedBetweenStopCommands() {
        Deque<String> tokens = new ArrayDeque<>(List.of("tok123"));
        ActionsOutput actions =
                new ActionsOutput(true, null, null, log, new SecretMasker(), tokens::pop);

        actions.log("PR title: fix\n::set-env name=X::y\r  ::add-mask::z\n##[error]fake");

        assertThat(logBytes.toString(StandardCharsets.UTF_8))
                .isEqualTo(
                        "::stop-commands::tok123\n"
                                + "PR title: fix\n::set-env name=X::y\r  ::add-mask::z\n##[error]fake\n"
                                + "::tok123::\n");
    }

    /** Lines each runner parser accepts although they do not start with ASCII spaces and ::. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "built ok ##[set-output name=pwned]x",
                "\u2003::set-output name=pwned::x",
                "\u00a0::add-mask::x",
                "\u3000\u2028::set-output name=pwned::x",
                "\u0085::set-output name=pwned::x",
                "\t \u000b\u000c::SET-OUTPUT name=pwned::x",
                "text\r\u200a::set-output name=pwned::x"
            })
    void noLineTheRunnerWouldParseAsACommandPassesRaw(String attack) {
        ActionsOutput actions = actions();

        actions.log(attack);
        actions.log("then ::add-mask::ordinary");

        assertThat(RunnerCommands.processed(logBytes.toString(StandardCharsets.UTF_8)))
                .extracting(RunnerCommands.Command::name)
                .map(name -> name.toLowerCase(Locale.ROOT))
                .doesNotContain("set-output", "add-mask");
    }

    @Test
    void textHoldingTheFenceTokenInCapitalsGetsAnotherToken() {
        Deque<String> tokens = new ArrayDeque<>(List.of("tok123", "tok456"));
        ActionsOutput actions =
                new ActionsOutput(true, null, null, log, new SecretMasker(), tokens::pop);

        actions.log("##[TOK123]\n::set-output name=pwned::x");

        String written = logBytes.toString(StandardCharsets.UTF_8);
        assertThat(written).startsWith("::stop-commands::tok456\n");
        assertThat(RunnerCommands.processed(written))
                .extracting(RunnerCommands.Command::name)
                .containsExactly("stop-commands", "tok456");
    }

    @Test
    void plainTextIsPrintedAsIs() {
        actions().log("branch nixship/acme/shop-api: 2 files");

        assertThat(logLines()).containsExactly("branch nixship/acme/shop-api: 2 files");
    }

    @Test
    void outsideActionsNoWorkflowCommandIsWritten() throws Exception {
        ActionsOutput plain =
                new ActionsOutput(false, null, null, log, new SecretMasker(), () -> "unused");

        plain.addMask(TOKEN);
        plain.startGroup("build");
        plain.log("::set-output name=x::" + TOKEN);
        plain.error("bad", "k8s/a.yaml", 3);
        plain.endGroup();
        plain.setOutput("image", "x");
        plain.appendSummary("x");

        assertThat(logLines())
                .containsExactly(
                        "== build", "::set-output name=x::***", "error: k8s/a.yaml:3: bad");
    }
}
