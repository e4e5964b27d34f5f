package io.nixship.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.TimeZone;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.PersonIdent;

/**
 * The bundled example ({@code examples/imgproxy-lite}) as its own git repository in a temp dir, its
 * lock pinned to a test nixpkgs revision by {@code file://} URL, committed with a fixed identity.
 */
public final class ExampleProject {
    public static final Path SOURCE = Path.of("examples/imgproxy-lite").toAbsolutePath();

    private final Path dir;
    private final Git git;
    private Instant clock = Instant.parse("2026-01-02T03:04:05Z");

    private ExampleProject(Path dir, Git git) {
        this.dir = dir;
        this.git = git;
    }

    /** Copies the example into {@code dir}, pins {@code revision}, and commits everything. */
    public static ExampleProject create(Path dir, TestNixpkgs.Revision revision) {
        return create(dir, TestNixpkgs.get().lockYaml(revision), "example at " + revision.label());
    }

    /**
     * Copies the example into {@code dir} with {@code lockYaml} as its nixship.lock, and commits
     * everything.
     */
    public static ExampleProject create(Path dir, String lockYaml, String message) {
        try {
            copyTree(SOURCE, dir);
            Files.writeString(dir.resolve("nixship.lock"), lockYaml);
            Git git = Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call();
            ExampleProject project = new ExampleProject(dir, git);
            project.commitAll(message);
            return project;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GitAPIException e) {
            throw new IllegalStateException(e);
        }
    }

    public Path dir() {
        return dir;
    }

    public Git git() {
        return git;
    }

    /** Writes a file in the work tree without committing it. */
    public ExampleProject write(String relative, String content) {
        try {
            Path file = dir.resolve(relative);
            Files.createDirectories(file.getParent());
            Files.writeString(file, content, StandardCharsets.UTF_8);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public ExampleProject pin(TestNixpkgs.Revision revision) {
        return write("nixship.lock", TestNixpkgs.get().lockYaml(revision));
    }

    /**
     * Commits every change in the work tree, one minute after the previous commit; returns its SHA.
     */
    public String commitAll(String message) {
        try {
            git.add().addFilepattern(".").call();
            git.add().setUpdate(true).addFilepattern(".").call();
            clock = clock.plusSeconds(60);
            PersonIdent who =
                    new PersonIdent(
                            "Example Dev",
                            "dev@example.com",
                            clock,
                            TimeZone.getTimeZone("UTC").toZoneId());
            return git.commit()
                    .setMessage(message)
                    .setAuthor(who)
                    .setCommitter(who)
                    .setSign(false)
                    .call()
                    .getName();
        } catch (GitAPIException e) {
            throw new IllegalStateException(e);
        }
    }

    public String head() {
        try {
            return git.getRepository().resolve("HEAD").getName();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path source : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(
                            source,
                            target,
                            StandardCopyOption.REPLACE_EXISTING,
                            StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }
}
