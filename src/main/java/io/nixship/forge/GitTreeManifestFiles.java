package io.nixship.forge;

import io.nixship.NixshipException;
import io.nixship.manifest.ManifestFiles;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * Manifests as a commit has them, read from the object database: the release plans its edits on the
 * base commit the branch is built on, never on the working tree. Entries are resolved against the
 * project directory like {@code LocalManifestFiles} does; paths come back repository-relative, the
 * form the branch commit and the diff need. Only regular files count (a symlink's target is not in
 * the tree walk's hands). Read-only: the branch commit is written by {@link
 * ManifestBranchPublisher}.
 */
public final class GitTreeManifestFiles implements ManifestFiles {
    private static final long MAX_MANIFEST_BYTES = 16L << 20;

    private final Repository repository;
    private final String projectDirectory;
    private final String commitName;

    /** Repository-relative path of every regular file at the commit, to its blob. */
    private final Map<String, ObjectId> files;

    private GitTreeManifestFiles(
            Repository repository,
            String projectDirectory,
            String commitName,
            Map<String, ObjectId> files) {
        this.repository = repository;
        this.projectDirectory = projectDirectory;
        this.commitName = commitName;
        this.files = files;
    }

    /**
     * @param projectDirectory the project's path in the repository, {@code ""} for the root
     */
    public static GitTreeManifestFiles at(
            Repository repository, ObjectId commit, String projectDirectory) {
        Map<String, ObjectId> files = new TreeMap<>();
        try (RevWalk walk = new RevWalk(repository);
                TreeWalk tree = new TreeWalk(repository)) {
            tree.addTree(walk.parseCommit(commit).getTree());
            tree.setRecursive(true);
            while (tree.next()) {
                String path = tree.getPathString();
                int type = tree.getRawMode(0) & FileMode.TYPE_MASK;
                if (type == FileMode.TYPE_FILE) {
                    files.put(path, tree.getObjectId(0));
                }
            }
        } catch (IOException e) {
            throw NixshipException.failure(
                    "cannot read commit " + commit.abbreviate(7).name() + ": " + e.getMessage(), e);
        }
        return new GitTreeManifestFiles(
                repository, projectDirectory, commit.abbreviate(7).name(), files);
    }

    @Override
    public List<Path> expand(String pattern) {
        String resolved = repositoryPath(pattern);
        List<Path> matched = new ArrayList<>();
        if (ManifestFiles.firstGlobCharacter(resolved) < 0) {
            String exact = resolved;
            String directory = exact.isEmpty() ? "" : exact + "/";
            for (String file : files.keySet()) {
                if (file.equals(exact)) {
                    matched.add(Path.of(file));
                } else if (file.startsWith(directory)
                        && ManifestFiles.isYaml(file.substring(file.lastIndexOf('/') + 1))
                        && !hiddenBelow(file.substring(directory.length()))) {
                    matched.add(Path.of(file));
                }
            }
        } else {
            PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + resolved);
            for (String file : files.keySet()) {
                if (matcher.matches(Path.of(file))) {
                    matched.add(Path.of(file));
                }
            }
        }
        if (matched.isEmpty()) {
            throw NixshipException.failure(
                    "manifests entry '"
                            + pattern
                            + "' matches no file in "
                            + (projectDirectory.isEmpty() ? "the repository" : projectDirectory)
                            + " at commit "
                            + commitName
                            + "; give an existing file, directory or glob");
        }
        return matched.stream().sorted().toList();
    }

    @Override
    public byte[] read(Path file) {
        String path = file.toString().replace('\\', '/');
        ObjectId blob = files.get(path);
        if (blob == null) {
            throw NixshipException.failure(path + " is not a file at commit " + commitName);
        }
        try {
            return repository
                    .open(blob, Constants.OBJ_BLOB)
                    .getCachedBytes((int) MAX_MANIFEST_BYTES);
        } catch (IOException e) {
            throw NixshipException.failure(
                    "cannot read " + path + " at commit " + commitName + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void writeAtomically(Path file, byte[] content) {
        throw new UnsupportedOperationException(
                "manifests at a commit are read-only; publish a branch instead");
    }

    /**
     * The entry as a repository path: relative to the project, {@code ..} allowed (manifests often
     * sit beside the app, not in it) as long as it stays inside the repository.
     */
    private String repositoryPath(String pattern) {
        String entry = pattern.strip().replace('\\', '/');
        if (entry.startsWith("/")) {
            throw NixshipException.failure(
                    "manifests entry '"
                            + pattern
                            + "' is absolute; give a path relative to the project");
        }
        Path resolved =
                Path.of(projectDirectory.isEmpty() ? "." : projectDirectory)
                        .resolve(entry)
                        .normalize();
        String path = resolved.toString().replace('\\', '/');
        if (path.equals("..") || path.startsWith("../")) {
            throw NixshipException.failure(
                    "manifests entry '"
                            + pattern
                            + "' points outside the repository; keep manifests in it");
        }
        return path.equals(".") ? "" : path;
    }

    /** Skips .git-like dot-directories inside a searched directory, as the local expansion does. */
    private static boolean hiddenBelow(String relative) {
        for (String part : relative.split("/")) {
            if (part.startsWith(".")) {
                return true;
            }
        }
        return false;
    }
}
