package io.nixship.testsupport;

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
 * A bare "GitHub" remote and a clone of it with {@code origin} pointing at it, like the Action's
 * checkout; both start empty.
 */
public final class GitRemoteFixture implements AutoCloseable {
    public static final PersonIdent DEVELOPER =
            new PersonIdent(
                    "Dev",
                    "dev@example.com",
                    Instant.parse("2024-05-01T10:00:00Z"),
                    ZoneOffset.UTC);

    public final Path remoteDir;
    public final Git checkout;

    public GitRemoteFixture(Path dir) throws Exception {
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
        checkout.getRepository().getConfig().setString("remote", "origin", "url", remoteUrl());
        checkout.getRepository().getConfig().save();
    }

    public String remoteUrl() {
        return remoteDir.toUri().toString();
    }

    public Repository repository() {
        return checkout.getRepository();
    }

    public void write(String path, String content) throws IOException {
        Path file = checkout.getRepository().getWorkTree().toPath().resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, StandardCharsets.UTF_8);
    }

    public RevCommit commitAndPush(String message) throws Exception {
        checkout.add().addFilepattern(".").call();
        RevCommit commit =
                checkout.commit()
                        .setMessage(message)
                        .setSign(false)
                        .setAuthor(DEVELOPER)
                        .setCommitter(DEVELOPER)
                        .call();
        checkout.push().setRemote("origin").setRefSpecs(new RefSpec("main:main")).call();
        return commit;
    }

    /** A second clone that pushes to the remote behind nixship's back. */
    public Git otherClone(Path dir) throws Exception {
        return Git.cloneRepository().setURI(remoteUrl()).setDirectory(dir.toFile()).call();
    }

    public ObjectId remoteBranch(String branch) throws IOException {
        try (Repository remote = Git.open(remoteDir.toFile()).getRepository()) {
            return remote.resolve("refs/heads/" + branch);
        }
    }

    public String fileOnRemoteBranch(String branch, String path) throws IOException {
        try (Repository remote = Git.open(remoteDir.toFile()).getRepository();
                org.eclipse.jgit.treewalk.TreeWalk walk =
                        org.eclipse.jgit.treewalk.TreeWalk.forPath(
                                remote,
                                path,
                                remote.parseCommit(remote.resolve("refs/heads/" + branch))
                                        .getTree())) {
            if (walk == null) {
                return null;
            }
            return new String(remote.open(walk.getObjectId(0)).getBytes(), StandardCharsets.UTF_8);
        }
    }

    public RevCommit remoteCommit(String branch) throws IOException {
        try (Repository remote = Git.open(remoteDir.toFile()).getRepository()) {
            return remote.parseCommit(remote.resolve("refs/heads/" + branch));
        }
    }

    public static Map<String, byte[]> edit(String path, String content) {
        return Map.of(path, content.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        checkout.close();
    }
}
