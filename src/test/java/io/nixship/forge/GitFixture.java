package io.nixship.forge;

import io.nixship.testsupport.GitRemoteFixture;
import java.nio.file.Path;

/** The remote the forge tests release from: one manifest and a README on main. */
final class GitFixture {
    private GitFixture() {}

    static GitRemoteFixture withManifest(Path dir) throws Exception {
        GitRemoteFixture git = new GitRemoteFixture(dir);
        git.write("k8s/deployment.yaml", "image: ghcr.io/acme/shop-api:1.0 # keep\n");
        git.write("README.md", "shop\n");
        git.commitAndPush("initial");
        return git;
    }
}
