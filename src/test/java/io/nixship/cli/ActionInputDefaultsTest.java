package io.nixship.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.nixship.forge.GitHubAppCredentials;
import io.nixship.testsupport.GitHubAppKeys;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

class ActionInputDefaultsTest {
    /** A command shaped like the ones that push: no --image, a required --to. */
    @Command(name = "push")
    static final class PushLike implements Runnable {
        @Option(names = "--to", required = true)
        String to;

        @Option(names = "--dir")
        Path dir;

        @Option(names = "--max-layers")
        Integer maxLayers;

        @Option(names = "--dry-run")
        boolean dryRun;

        @Option(names = "--manifests", split = ",")
        List<String> manifests = List.of();

        @Option(names = "--registry-username")
        String username;

        @Option(names = "--json")
        boolean json;

        @Override
        public void run() {}
    }

    /** A command shaped like verify: it names the image --image. */
    @Command(name = "check")
    static final class CheckLike implements Runnable {
        @Option(names = "--image")
        String image;

        @Option(names = "--to")
        String to;

        @Option(names = "--channel", defaultValue = "nixos-unstable")
        String channel;

        @Option(names = "--registry-host")
        String registryHost;

        @Override
        public void run() {}
    }

    private static <T> T parse(T command, Map<String, String> env, String... args) {
        CommandLine commandLine = new CommandLine(command);
        commandLine.setDefaultValueProvider(new ActionInputDefaults(HostEnvironment.from(env)));
        commandLine.parseArgs(args);
        return command;
    }

    private static CliContext context(Map<String, String> env) {
        return new CliContext(
                new PrintWriter(new StringWriter()),
                new PrintWriter(new StringWriter()),
                new ByteArrayInputStream(new byte[0]),
                env,
                Path.of("."),
                false);
    }

    @Test
    void theRegistryInputIsTheHostExplicitCredentialsAreFor() {
        CheckLike check = parse(new CheckLike(), Map.of("INPUT_REGISTRY", "ghcr.io"));

        assertThat(check.registryHost).isEqualTo("ghcr.io");
    }

    @Test
    void inputsWithHyphenatedUpperCaseNamesBecomeDefaultsOfTheSameNamedOptions() {
        PushLike push =
                parse(
                        new PushLike(),
                        Map.of(
                                "INPUT_IMAGE", "ghcr.io/acme/shop",
                                "INPUT_MAX-LAYERS", "10",
                                "INPUT_DRY-RUN", "true",
                                "INPUT_MANIFESTS", "k8s/,deploy/app.yaml",
                                "INPUT_REGISTRY-USERNAME", "robot"));

        assertThat(push.to).isEqualTo("ghcr.io/acme/shop");
        assertThat(push.maxLayers).isEqualTo(10);
        assertThat(push.dryRun).isTrue();
        assertThat(push.manifests).containsExactly("k8s/", "deploy/app.yaml");
        assertThat(push.username).isEqualTo("robot");
    }

    @Test
    void emptyInputsAreUnsetAndTheCommandLineWins() {
        PushLike push =
                parse(
                        new PushLike(),
                        Map.of(
                                "INPUT_IMAGE",
                                "ghcr.io/acme/shop",
                                "INPUT_MAX-LAYERS",
                                "",
                                "INPUT_DRY-RUN",
                                "false"),
                        "--to",
                        "oci:out");

        assertThat(push.to).isEqualTo("oci:out");
        assertThat(push.maxLayers).isNull();
        assertThat(push.dryRun).isFalse();
    }

    @Test
    void onlyActionInputsAreRead() {
        PushLike push =
                parse(
                        new PushLike(),
                        Map.of("INPUT_JSON", "true", "INPUT_TO", "elsewhere"),
                        "--to",
                        "oci:out");

        assertThat(push.json).isFalse();
        assertThat(push.to).isEqualTo("oci:out");
    }

    @Test
    void theImageInputGoesToImageWhenTheCommandHasItAndAnnotatedDefaultsYieldToInputs() {
        CheckLike check =
                parse(
                        new CheckLike(),
                        Map.of("INPUT_IMAGE", "ghcr.io/acme/shop", "INPUT_CHANNEL", "nixos-24.11"));

        assertThat(check.image).isEqualTo("ghcr.io/acme/shop");
        assertThat(check.to).isNull();
        assertThat(check.channel).isEqualTo("nixos-24.11");
    }

    @Test
    void theRegistryInputPrefixesAnImageWithoutAHostOnly() {
        assertThat(
                        parse(
                                        new PushLike(),
                                        Map.of(
                                                "INPUT_IMAGE",
                                                "acme/shop",
                                                "INPUT_REGISTRY",
                                                "ghcr.io"))
                                .to)
                .isEqualTo("ghcr.io/acme/shop");
        assertThat(
                        parse(
                                        new PushLike(),
                                        Map.of(
                                                "INPUT_IMAGE",
                                                "registry.example.com:5000/shop",
                                                "INPUT_REGISTRY",
                                                "ghcr.io"))
                                .to)
                .isEqualTo("registry.example.com:5000/shop");
        assertThat(
                        parse(
                                        new PushLike(),
                                        Map.of(
                                                "INPUT_IMAGE",
                                                "localhost/shop",
                                                "INPUT_REGISTRY",
                                                "ghcr.io"))
                                .to)
                .isEqualTo("localhost/shop");
    }

    @Test
    void theConfigInputNamesTheProjectDirectory() {
        assertThat(
                        parse(
                                        new PushLike(),
                                        Map.of("INPUT_CONFIG", "services/api/.nixship.yaml"),
                                        "--to",
                                        "x")
                                .dir)
                .isEqualTo(Path.of("services/api"));
        assertThat(parse(new PushLike(), Map.of("INPUT_CONFIG", ".nixship.yaml"), "--to", "x").dir)
                .isEqualTo(Path.of("."));
    }

    @Test
    void aConfigInputThatIsNotANixshipYamlIsAUsageErrorNamingTheValue() {
        StringWriter err = new StringWriter();
        CliContext context =
                new CliContext(
                        new PrintWriter(new StringWriter()),
                        new PrintWriter(err),
                        new ByteArrayInputStream(new byte[0]),
                        Map.of("INPUT_CONFIG", "services/api/nixship.yml"),
                        Path.of("/nonexistent"),
                        false);

        int exit = NixshipCli.commandLine(context).execute("build");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString())
                .startsWith(
                        "nixship: the config input 'services/api/nixship.yml' does not name a .nixship.yaml file;");
    }

    @Test
    void theGitHubTokenInputBecomesGitHubTokenAndWinsOverTheVariable() {
        CliContext withInput =
                context(Map.of("INPUT_GITHUB-TOKEN", "ghs_input", "GITHUB_TOKEN", "ghs_workflow"));
        CliContext emptyInput =
                context(Map.of("INPUT_GITHUB-TOKEN", "", "GITHUB_TOKEN", "ghs_workflow"));

        assertThat(withInput.host().github().token()).isEqualTo("ghs_input");
        assertThat(emptyInput.host().github().token()).isEqualTo("ghs_workflow");
    }

    @Test
    void theGitHubAppAndManifestsTokenInputsWinOverTheVariables() {
        CliContext withApp =
                context(
                        Map.of(
                                "INPUT_GITHUB-APP-ID",
                                "1234",
                                "INPUT_GITHUB-APP-PRIVATE-KEY",
                                GitHubAppKeys.generate().pkcs1Pem(),
                                "INPUT_MANIFESTS-TOKEN",
                                "ghp_deploy",
                                "NIXSHIP_MANIFESTS_TOKEN",
                                "ghp_variable"));

        assertThat(withApp.host().githubApp()).map(GitHubAppCredentials::appId).contains("1234");
        assertThat(withApp.host().manifestsToken()).contains("ghp_deploy");
        assertThat(context(Map.of()).host().githubApp()).isEmpty();
    }

    @Test
    void everySubcommandGetsTheInputDefaults() {
        CommandLine commandLine = NixshipCli.commandLine(context(Map.of()));

        List<String> without = new ArrayList<>();
        commandLine
                .getSubcommands()
                .forEach(
                        (name, sub) -> {
                            if (!(sub.getDefaultValueProvider() instanceof ActionInputDefaults)) {
                                without.add(name);
                            }
                        });
        assertThat(commandLine.getSubcommands()).isNotEmpty();
        assertThat(without).as("subcommands added after setDefaultValueProvider").isEmpty();
    }

    @Test
    void theInputListIsExactlyActionYmlsInputs() throws IOException {
        JsonNode action = new YAMLMapper().readTree(Files.readString(Path.of("action.yml")));
        List<String> declared = new ArrayList<>();
        action.get("inputs").fieldNames().forEachRemaining(declared::add);

        assertThat(ActionInputDefaults.ALL_INPUTS).containsExactlyElementsOf(declared);
        assertThat(declared).containsAll(ActionInputDefaults.OPTION_INPUTS);
    }

    @Test
    void secretsAreNeverOptionDefaults() {
        assertThat(ActionInputDefaults.OPTION_INPUTS)
                .doesNotContain(
                        ActionInputDefaults.REGISTRY_PASSWORD,
                        ActionInputDefaults.GITHUB_TOKEN,
                        ActionInputDefaults.GITHUB_APP_PRIVATE_KEY,
                        ActionInputDefaults.MANIFESTS_TOKEN);
        assertThat(
                        HostEnvironment.from(Map.of("INPUT_REGISTRY-PASSWORD", "  "))
                                .actionInput("registry-password"))
                .isEqualTo(Optional.empty());
    }
}
