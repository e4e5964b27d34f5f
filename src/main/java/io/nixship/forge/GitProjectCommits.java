package io.nixship.forge;

import io.nixship.NixshipException;
import io.nixship.manifest.ManifestFiles;
import io.nixship.pipeline.port.ProjectCommits;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * The project's commits read from the object database of the repository the branches are fetched
 * into, so a branch just read from {@link ManifestBranchPublisher} can be inspected too.
 */
public final class GitProjectCommits implements ProjectCommits {
    private final Repository repository;
    private final String projectDirectory;

    /**
     * @param projectDirectory the project's path in the repository, {@code ""} for the root
     */
    public GitProjectCommits(Repository repository, String projectDirectory) {
        this.repository = repository;
        this.projectDirectory = projectDirectory;
    }

    @Override
    public ManifestFiles manifests(String commit) {
        return GitTreeManifestFiles.at(repository, ObjectId.fromString(commit), projectDirectory);
    }

    @Override
    public List<String> parents(String commit) {
        try (RevWalk walk = new RevWalk(repository)) {
            return Arrays.stream(walk.parseCommit(ObjectId.fromString(commit)).getParents())
                    .map(RevCommit::getName)
                    .toList();
        } catch (IOException e) {
            throw NixshipException.failure(
                    "cannot read commit " + commit + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<byte[]> readFile(String commit, String repositoryPath) {
        try (RevWalk walk = new RevWalk(repository);
                TreeWalk entry =
                        TreeWalk.forPath(
                                repository,
                                repositoryPath,
                                walk.parseCommit(ObjectId.fromString(commit)).getTree())) {
            if (entry == null) {
                return Optional.empty();
            }
            return Optional.of(repository.open(entry.getObjectId(0)).getBytes());
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
