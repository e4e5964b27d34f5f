package io.nixship.reliability;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.transport.RefSpec;

/**
 * A bare remote (the "GitHub" repository) and the Action's checkout of it, with consecutive
 * commits.
 */
final class ReleaseRepository implements AutoCloseable {
    static final String MANIFEST = "k8s/deployment.yaml";
    static final String BRANCH = "nixship/acme/shop-api";

    private static final PersonIdent DEVELOPER =
            new PersonIdent(
                    "Dev",
                    "dev@example.com",
                    Instant.parse("2024-05-01T10:00:00Z"),
                    ZoneOffset.UTC);

    final Path remoteDir;
    final Git checkout;

    ReleaseRepository(Path dir) throws Exception {
        remoteDir = dir.resolve("remote.git");
        Git.init()
                .setBare(true)
                .setDirectory(remoteDir.toFile())
                .setInitialBranch("main")
                .call()
                .close();
        checkout =
                Git.init()
                        .setDirectory(dir.resolve("checkout").toFile())
                        .setInitialBranch("main")
                        .call();
        commitAndPush("initial", "app v0\n");
    }

    String remoteUrl() {
        return remoteDir.toUri().toString();
    }

    Repository repository() {
        return checkout.getRepository();
    }

    /** Commits a change to the app (not the manifest) on main and pushes it. */
    RevCommit commitAndPush(String message, String appContent) throws Exception {
        Path root = checkout.getRepository().getWorkTree().toPath();
        Files.createDirectories(root.resolve("k8s"));
        Files.writeString(root.resolve(MANIFEST), "image: ghcr.io/acme/shop-api:1.0 # keep\n");
        Files.writeString(root.resolve("app.py"), appContent);
        checkout.add().addFilepattern(".").call();
        RevCommit commit =
                checkout.commit()
                        .setMessage(message)
                        .setSign(false)
                        .setAuthor(DEVELOPER)
                        .setCommitter(DEVELOPER)
                        .call();
        checkout.push().setRemote(remoteUrl()).setRefSpecs(new RefSpec("main:main")).call();
        return commit;
    }

    static Map<String, byte[]> manifestFor(String tag) {
        return Map.of(
                MANIFEST,
                ("image: ghcr.io/acme/shop-api:" + tag + " # keep\n")
                        .getBytes(StandardCharsets.UTF_8));
    }

    ObjectId remoteBranch(String branch) throws IOException {
        try (Git remote = Git.open(remoteDir.toFile())) {
            return remote.getRepository().resolve("refs/heads/" + branch);
        }
    }

    RevCommit remoteCommit(String branch) throws IOException {
        try (Git remote = Git.open(remoteDir.toFile())) {
            Repository repository = remote.getRepository();
            return repository.parseCommit(repository.resolve("refs/heads/" + branch));
        }
    }

    @Override
    public void close() {
        checkout.close();
    }
}
