package io.nixship.action;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * action.yml is the one source of the action's inputs and outputs: the documented table is
 * generated from it here and must match every copy between the markers, and the example workflows
 * may only use what it declares, with least-privilege permissions and no event text in shell lines.
 */
class ActionMetadataTest {
    static final String START = "<!-- action-inputs:start -->";
    static final String END = "<!-- action-inputs:end -->";
    private static final List<String> COMMANDS =
            List.of("release", "build", "comment", "update-channel", "diff", "verify");
    private static final Pattern KEBAB = Pattern.compile("[a-z]+(-[a-z]+)*");

    private static JsonNode action() throws IOException {
        return new YAMLMapper().readTree(Files.readString(Path.of("action.yml")));
    }

    /** The inputs and outputs tables as the docs show them, generated from action.yml. */
    static String table(JsonNode action) {
        StringBuilder table = new StringBuilder();
        table.append(START).append('\n');
        table.append(
                "<!-- Generated from action.yml by ActionMetadataTest: edit action.yml, then paste the test's expected block. -->\n");
        table.append("| Input | Default | Description |\n| --- | --- | --- |\n");
        for (Map.Entry<String, JsonNode> input : action.get("inputs").properties()) {
            String byDefault = input.getValue().path("default").asText("");
            table.append("| `")
                    .append(input.getKey())
                    .append("` | ")
                    .append(byDefault.isEmpty() ? "" : "`" + byDefault + "`")
                    .append(" | ")
                    .append(cell(input.getValue().get("description").asText()))
                    .append(" |\n");
        }
        table.append("\n| Output | Description |\n| --- | --- |\n");
        for (Map.Entry<String, JsonNode> output : action.get("outputs").properties()) {
            table.append("| `")
                    .append(output.getKey())
                    .append("` | ")
                    .append(cell(output.getValue().get("description").asText()))
                    .append(" |\n");
        }
        return table.append(END).toString();
    }

    private static String cell(String text) {
        return text.strip().replace("\n", " ").replace("|", "\\|");
    }

    @Test
    void everyDocumentedInputsTableMatchesActionYml() throws IOException {
        String expected = table(action());
        List<Path> documents = new ArrayList<>(List.of(Path.of("README.md")));
        try (Stream<Path> docs = Files.walk(Path.of("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(documents::add);
        }
        List<Path> withMarkers = new ArrayList<>();
        for (Path document : documents) {
            if (!Files.exists(document)) {
                continue;
            }
            String text = Files.readString(document);
            int start = text.indexOf(START);
            if (start < 0) {
                continue;
            }
            withMarkers.add(document);
            int end = text.indexOf(END, start);
            assertThat(end).as("%s has %s after %s", document, END, START).isPositive();
            assertThat(text.substring(start, end + END.length()))
                    .as(
                            "the table in %s is generated from action.yml; replace it with this block",
                            document)
                    .isEqualTo(expected);
        }
        assertThat(withMarkers)
                .as("README.md or docs/*.md holds the inputs table between %s and %s", START, END)
                .isNotEmpty();
    }

    @Test
    void actionYmlFollowsTheConventionsOfWellKnownActions() throws IOException {
        JsonNode action = action();
        assertThat(action.path("name").asText()).isEqualTo("nixship");
        assertThat(action.path("description").asText()).isNotBlank();
        assertThat(action.path("branding").path("icon").asText()).isNotBlank();
        assertThat(action.path("branding").path("color").asText()).isNotBlank();
        assertThat(action.path("runs").path("using").asText()).isEqualTo("docker");
        // The Dockerfile on main; on a release branch the image .ci/push-action-image pushed, by
        // digest.
        assertThat(action.path("runs").path("image").asText())
                .matches("Dockerfile|docker://ghcr\\.io/[a-z0-9._/-]+@sha256:[0-9a-f]{64}");
        for (String section : List.of("inputs", "outputs")) {
            action.get(section)
                    .properties()
                    .forEach(
                            entry -> {
                                assertThat(entry.getKey()).as(section).matches(KEBAB);
                                assertThat(entry.getValue().path("description").asText())
                                        .as(entry.getKey())
                                        .isNotBlank();
                            });
        }
        assertThat(action.get("outputs").fieldNames())
                .toIterable()
                .containsExactly(
                        "image",
                        "digest",
                        "tag",
                        "changed",
                        "pr-number",
                        "pr-url",
                        "diff-markdown-file");
        assertThat(action.path("inputs").path("github-token").path("default").asText())
                .isEqualTo("${{ github.token }}");
        String commandHelp = action.path("inputs").path("command").path("description").asText();
        COMMANDS.forEach(command -> assertThat(commandHelp).contains(command));
    }

    @Test
    void theEntrypointAllowsExactlyTheDocumentedCommands() throws IOException {
        Matcher allowed =
                Pattern.compile("(?m)^\\s*(release \\| [a-z| -]+)\\) ;;$")
                        .matcher(Files.readString(Path.of("docker/entrypoint.sh")));
        assertThat(allowed.find()).isTrue();
        assertThat(List.of(allowed.group(1).split("\\s*\\|\\s*")))
                .containsExactlyElementsOf(COMMANDS);
    }

    @Test
    void exampleWorkflowsUseOnlyDeclaredInputsWithLeastPrivilegeAndNoEventTextInShell()
            throws IOException {
        JsonNode action = action();
        List<Path> workflows;
        try (Stream<Path> files = Files.list(Path.of("workflows-examples"))) {
            workflows = files.filter(p -> p.toString().endsWith(".yml")).sorted().toList();
        }
        assertThat(workflows)
                .extracting(p -> p.getFileName().toString())
                .contains(
                        "release.yml",
                        "pull-request.yml",
                        "channel-update.yml",
                        "verify.yml",
                        "monorepo.yml");
        for (Path file : workflows) {
            String text = Files.readString(file);
            JsonNode workflow = new YAMLMapper().readTree(text);
            assertThat(
                            workflow.path("permissions").isObject()
                                    && workflow.path("permissions").isEmpty())
                    .as("%s: permissions: {} at the top", file)
                    .isTrue();
            JsonNode triggers = workflow.has("on") ? workflow.get("on") : workflow.get("true");
            assertThat(triggers.has("pull_request_target"))
                    .as("%s runs on pull_request_target", file)
                    .isFalse();
            workflow.get("jobs")
                    .properties()
                    .forEach(
                            job -> {
                                assertThat(job.getValue().path("permissions").isObject())
                                        .as("%s job %s declares permissions", file, job.getKey())
                                        .isTrue();
                                for (JsonNode step : job.getValue().path("steps")) {
                                    assertThat(step.path("run").asText())
                                            .as("%s: a run: line expands an expression", file)
                                            .doesNotContain("${{");
                                    if (step.path("uses").asText().startsWith("nixship/nixship@")) {
                                        step.path("with")
                                                .fieldNames()
                                                .forEachRemaining(
                                                        input ->
                                                                assertThat(
                                                                                action.get("inputs")
                                                                                        .has(input))
                                                                        .as(
                                                                                "%s uses undeclared input %s",
                                                                                file, input)
                                                                        .isTrue());
                                        assertThat(COMMANDS)
                                                .contains(
                                                        step.path("with").path("command").asText());
                                    }
                                }
                            });
        }
    }
}
