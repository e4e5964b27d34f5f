package io.nixship.pipeline.freezediff;

import io.nixship.NixshipException;
import io.nixship.config.NixshipConfig;
import io.nixship.forge.PullRequestEvent;
import io.nixship.freeze.Environment;
import io.nixship.freeze.FreezeDiff;
import io.nixship.freeze.FreezeDiffMarkdown;
import io.nixship.manifest.ImageReference;
import io.nixship.pipeline.build.ImageBuildService;
import io.nixship.pipeline.port.CommentResult;
import io.nixship.pipeline.port.PullRequestComments;
import io.nixship.source.CommitSource;
import io.nixship.source.SourceSnapshot;
import io.nixship.source.TemporaryDirectory;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The freeze diff of a pull request as one sticky comment: the head commit is built (nothing pushed
 * or written), the base is the image the base commit's manifests reference (read from the registry,
 * no layers), else the base commit built; the markdown goes into the comment keyed by the image
 * repository.
 */
public final class PullRequestFreezeDiff {
    private final EnvironmentSources sources;
    private final Optional<String> githubRepository;
    private final Consumer<String> log;

    /** {@code githubRepository} names the default image of a project without one. */
    public PullRequestFreezeDiff(
            EnvironmentSources sources, Optional<String> githubRepository, Consumer<String> log) {
        this.sources = sources;
        this.githubRepository = githubRepository;
        this.log = log;
    }

    /** What was compared, the markdown posted and what became of the comment. */
    public record Outcome(Comparison comparison, String markdown, CommentResult comment) {}

    /** The base and head environments and their diff, without posting anything. */
    public record Comparison(Environment base, Environment head, FreezeDiff diff, String key) {}

    public Comparison compare(String baseRevision, String headRevision) {
        ImageBuildService.BuiltImage head = sources.build(headRevision);
        Environment base = base(baseRevision);
        Environment headEnvironment = head.environment();
        return new Comparison(
                base,
                headEnvironment,
                Environment.compare(base, headEnvironment),
                commentKey(head.config()));
    }

    /** Compares and upserts the sticky comment on {@code event}'s pull request. */
    public Outcome comment(
            PullRequestEvent event,
            String baseRevision,
            String headRevision,
            PullRequestComments comments) {
        Comparison comparison = compare(baseRevision, headRevision);
        String markdown = FreezeDiffMarkdown.render(comparison.diff());
        CommentResult result = comments.upsert(event.number(), comparison.key(), markdown);
        return new Outcome(comparison, markdown, result);
    }

    /**
     * The base: the image the base commit's manifests name for the configured image, read from its
     * registry; when there is none or it cannot be read, the base commit built.
     */
    public Environment base(String baseRevision) {
        Optional<ImageReference> deployed = deployedImage(baseRevision);
        if (deployed.isPresent()) {
            try {
                return sources.fromRegistry(deployed.get());
            } catch (NixshipException e) {
                log.accept(
                        "cannot read "
                                + deployed.get().familiar()
                                + " ("
                                + e.getMessage()
                                + "); building the base commit");
            }
        }
        return sources.fromCommit(baseRevision);
    }

    /**
     * The first reference with a tag or digest that the base commit's manifests hold for the
     * configured image.
     */
    Optional<ImageReference> deployedImage(String baseRevision) {
        try (TemporaryDirectory work = TemporaryDirectory.create("nixship-comment-");
                CommitSource source = CommitSource.open(sources.projectDirectory())) {
            SourceSnapshot snapshot =
                    source.snapshot(baseRevision, work.resolve("base"), githubRepository);
            Optional<ImageReference> found =
                    DeployedImage.find(snapshot.config(), snapshot.directory());
            if (found.isEmpty()) {
                log.accept(
                        "the base commit's manifests name no image of "
                                + snapshot.config().image().orElse("the project")
                                + "; building it");
            }
            return found;
        }
    }

    /**
     * The sticky comment's key: the image repository path, e.g. {@code acme/app}, one comment per
     * image.
     */
    static String commentKey(NixshipConfig config) {
        return config.image().map(image -> ImageReference.parse(image).path()).orElse("python");
    }
}
