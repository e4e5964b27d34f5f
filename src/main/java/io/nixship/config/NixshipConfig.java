package io.nixship.config;

import io.nixship.NixshipException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A project's {@code .nixship.yaml} with every default applied. {@code image} is empty when neither
 * the file nor the GitHub repository names one; {@link #requireImage()} fails only when a command
 * actually needs it.
 */
public record NixshipConfig(
        Optional<String> image,
        String tag,
        int maxLayers,
        NixConfig nix,
        AppConfig app,
        List<String> manifests,
        Optional<GitOpsConfig> gitops) {
    public static final String FILE_NAME = ".nixship.yaml";
    public static final String DEFAULT_TAG = "git-{sha7}";
    public static final int DEFAULT_MAX_LAYERS = 100;

    public NixshipConfig {
        manifests = List.copyOf(manifests);
    }

    /** The configuration of a project without a {@code .nixship.yaml}. */
    public static NixshipConfig defaults(Optional<String> githubRepository) {
        return ConfigReader.apply(null, null, githubRepository);
    }

    /**
     * Parses a {@code .nixship.yaml}; {@code fileName} is how errors name it (e.g. {@code
     * examples/app/.nixship.yaml}); {@code githubRepository} ({@code owner/name}) names the default
     * image.
     *
     * @throws NixshipException usage error naming file, line and field
     */
    public static NixshipConfig parse(
            byte[] content, String fileName, Optional<String> githubRepository) {
        return ConfigReader.read(content, fileName, githubRepository);
    }

    /**
     * The {@code .nixship.yaml} of a project as it is on disk (the developer's working tree, not a
     * commit), defaults applied when there is none.
     */
    public static NixshipConfig readProject(
            Path projectDirectory, Optional<String> githubRepository) {
        Path file = projectDirectory.resolve(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            return defaults(githubRepository);
        }
        try {
            return parse(Files.readAllBytes(file), file.toString(), githubRepository);
        } catch (IOException e) {
            throw NixshipException.usage("cannot read " + file + ": " + e.getMessage());
        }
    }

    /** The image repository, or a usage error saying how to set one. */
    public String requireImage() {
        return image.orElseThrow(
                () ->
                        NixshipException.usage(
                                FILE_NAME
                                        + ": no image: set 'image' (e.g. ghcr.io/org/app) or GITHUB_REPOSITORY"));
    }
}
