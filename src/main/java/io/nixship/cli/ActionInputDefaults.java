package io.nixship.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Turns the GitHub Action's inputs into option defaults. The runner hands a container action its
 * inputs as {@code INPUT_<NAME>} variables (name upper-cased, hyphens kept: {@code
 * registry-username} gives {@code INPUT_REGISTRY-USERNAME}); an option {@code --NAME} whose name is
 * an action input takes that value as its default, so whatever options a command has, the inputs
 * reach them without the entrypoint building a command line (and without a shell ever seeing the
 * values). Options given on the command line still win; empty inputs count as unset.
 *
 * <p>Secrets are never options: {@code registry-password} is read from the environment by {@link
 * RegistryOptions}, {@code github-token} becomes the GitHub token, {@code github-app-id}, {@code
 * github-app-private-key} the App and {@code manifests-token} the GitOps repository's token in
 * {@link HostEnvironment#from}; all are masked where they are read.
 */
final class ActionInputDefaults implements CommandLine.IDefaultValueProvider {
    /** Inputs that are the default of the option with the same long name. */
    static final List<String> OPTION_INPUTS =
            List.of(
                    "image",
                    "manifests",
                    "manifests-repository",
                    "manifests-branch",
                    "channel",
                    "channel-url",
                    "registry-username",
                    "dry-run",
                    "automerge",
                    "max-layers");

    /**
     * The path of the project's .nixship.yaml: the default of {@code --config}, else its directory
     * is {@code --dir}.
     */
    static final String CONFIG = "config";

    /** A registry host put in front of an {@code image} input that names none. */
    static final String REGISTRY = "registry";

    /** The option the {@code registry} input is also the default of: the credentials' host. */
    private static final String REGISTRY_HOST_OPTION = "registry-host";

    static final String REGISTRY_PASSWORD = "registry-password";

    static final String GITHUB_TOKEN = "github-token";

    static final String MANIFESTS_TOKEN = "manifests-token";

    static final String GITHUB_APP_ID = "github-app-id";

    static final String GITHUB_APP_PRIVATE_KEY = "github-app-private-key";

    /** Read by docker/entrypoint.sh, not by the CLI. */
    static final String COMMAND = "command";

    /** Every input action.yml declares, in its order. */
    static final List<String> ALL_INPUTS =
            List.of(
                    COMMAND,
                    CONFIG,
                    "image",
                    "manifests",
                    "manifests-repository",
                    "manifests-branch",
                    MANIFESTS_TOKEN,
                    "channel",
                    "channel-url",
                    REGISTRY,
                    "registry-username",
                    REGISTRY_PASSWORD,
                    GITHUB_TOKEN,
                    GITHUB_APP_ID,
                    GITHUB_APP_PRIVATE_KEY,
                    "dry-run",
                    "automerge",
                    "max-layers");

    private static final String CONFIG_FILE_NAME = ".nixship.yaml";

    private final HostEnvironment host;

    ActionInputDefaults(HostEnvironment host) {
        this.host = host;
    }

    @Override
    public String defaultValue(ArgSpec arg) {
        if (!(arg instanceof OptionSpec option) || option.usageHelp() || option.versionHelp()) {
            return null;
        }
        String longName = option.longestName();
        if (!longName.startsWith("--")) {
            return null;
        }
        String name = longName.substring(2);
        CommandSpec command = option.command();
        return switch (name) {
            case "image" -> image().orElse(null);
            // Commands that push name their destination --to; the image input is that destination.
            case "to" -> command.findOption("--image") == null ? image().orElse(null) : null;
            case CONFIG -> host.actionInput(CONFIG).orElse(null);
            case REGISTRY_HOST_OPTION -> host.actionInput(REGISTRY).orElse(null);
            case "dir" ->
                    command.findOption("--" + CONFIG) == null
                            ? projectDirectory(command).orElse(null)
                            : null;
            default -> OPTION_INPUTS.contains(name) ? host.actionInput(name).orElse(null) : null;
        };
    }

    private Optional<String> image() {
        Optional<String> registry = host.actionInput(REGISTRY);
        return host.actionInput("image")
                .map(
                        image ->
                                registry.isPresent() && !namesRegistryHost(image)
                                        ? registry.get() + "/" + image
                                        : image);
    }

    /**
     * Docker's rule: the first path component is a host when it has a dot or a port, or is
     * localhost.
     */
    private static boolean namesRegistryHost(String image) {
        int slash = image.indexOf('/');
        if (slash < 0) {
            return false;
        }
        String first = image.substring(0, slash);
        return first.contains(".") || first.contains(":") || first.equals("localhost");
    }

    private Optional<String> projectDirectory(CommandSpec command) {
        Optional<String> config = host.actionInput(CONFIG);
        if (config.isEmpty()) {
            return Optional.empty();
        }
        Path file = Path.of(config.get());
        if (file.getFileName() == null || !file.getFileName().toString().equals(CONFIG_FILE_NAME)) {
            throw new CommandLine.ParameterException(
                    command.commandLine(),
                    "the config input '"
                            + config.get()
                            + "' does not name a "
                            + CONFIG_FILE_NAME
                            + " file; give the path of the project's "
                            + CONFIG_FILE_NAME
                            + " from the repository root, e.g. services/api/"
                            + CONFIG_FILE_NAME);
        }
        Path parent = file.getParent();
        return Optional.of(parent == null ? "." : parent.toString());
    }
}
