package io.nixship.reliability;

import io.nixship.testsupport.GitRemoteFixture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;

/**
 * A bare remote (the "GitHub" repository) and the Action's checkout of it, with consecutive commits
 * of the app beside one manifest.
 */
final class ReleaseRepository implements AutoCloseable {
    static final String MANIFEST = "k8s/deployment.yaml";
    static final String BRANCH = "nixship/acme/shop-api";

    private final GitRemoteFixture git;
    final Path remoteDir;

    ReleaseRepository(Path dir) throws Exception {
        git = new GitRemoteFixture(dir);
        remoteDir = git.remoteDir;
        commitAndPush("initial", "app v0\n");
    }

    String remoteUrl() {
        return git.remoteUrl();
    }

    Repository repository() {
        return git.repository();
    }

    /** Commits a change to the app (not the manifest) on main and pushes it. */
    RevCommit commitAndPush(String message, String appContent) throws Exception {
        git.write(MANIFEST, "image: ghcr.io/acme/shop-api:1.0 # keep\n");
        git.write("app.py", appContent);
        return git.commitAndPush(message);
    }

    static Map<String, byte[]> manifestFor(String tag) {
        return Map.of(
                MANIFEST,
                ("image: ghcr.io/acme/shop-api:" + tag + " # keep\n")
                        .getBytes(StandardCharsets.UTF_8));
    }

    ObjectId remoteBranch(String branch) throws IOException {
        return git.remoteBranch(branch);
    }

    RevCommit remoteCommit(String branch) throws IOException {
        return git.remoteCommit(branch);
    }

    @Override
    public void close() {
        git.close();
    }
}
