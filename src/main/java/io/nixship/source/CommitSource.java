package io.nixship.source;

import io.nixship.NixshipException;
import io.nixship.config.NixpkgsLock;
import io.nixship.config.NixshipConfig;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jgit.errors.AmbiguousObjectException;
import org.eclipse.jgit.errors.RevisionSyntaxException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevTree;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.util.FS;

/**
 * Reads a project from a commit's tree with JGit, never from the working tree, so uncommitted edits
 * cannot reach a build. The project may sit in a subdirectory of the repository.
 */
public final class CommitSource implements AutoCloseable {
    /** Blobs above this are refused: source files, not artefacts, belong in a project. */
    private static final long MAX_BLOB_BYTES = 512L << 20;

    /**
     * Git's system-wide config where distribution builds of git keep it. Told to JGit up front
     * because JGit otherwise runs {@code git} twice per process to ask (about 0.3 s of every run);
     * nothing read here (objects at a commit, the origin URL) depends on that file. JGit still
     * honours GIT_CONFIG_NOSYSTEM.
     */
    private static final File GIT_SYSTEM_CONFIG = new File("/etc/gitconfig");

    private final Repository repository;
    private final String projectDirectory;

    private CommitSource(Repository repository, String projectDirectory) {
        this.repository = repository;
        this.projectDirectory = projectDirectory;
    }

    /** Opens the repository containing {@code directory}; the project is that directory. */
    public static CommitSource open(Path directory) {
        Path absolute = directory.toAbsolutePath().normalize();
        Repository repository = discover(absolute);
        Path workTree = repository.getWorkTree().toPath().toAbsolutePath().normalize();
        String relative = workTree.relativize(absolute).toString().replace('\\', '/');
        return new CommitSource(repository, relative);
    }

    /**
     * Opens the repository containing {@code repositoryDirectory} with the project at {@code
     * projectDirectory}, a path relative to the repository root ({@code ""} for the root itself).
     */
    public static CommitSource open(Path repositoryDirectory, String projectDirectory) {
        String project = projectDirectory.replace('\\', '/');
        while (project.startsWith("./")) {
            project = project.substring(2);
        }
        project = project.equals(".") ? "" : project;
        while (project.endsWith("/")) {
            project = project.substring(0, project.length() - 1);
        }
        if (project.startsWith("/") || List.of(project.split("/")).contains("..")) {
            throw NixshipException.usage(
                    "--dir '"
                            + projectDirectory
                            + "' must be a path inside the repository, without '..'");
        }
        return new CommitSource(
                discover(repositoryDirectory.toAbsolutePath().normalize()), project);
    }

    private static Repository discover(Path directory) {
        // JGit keeps this in FS.DETECTED for the process anyway; we only spare it the discovery.
        FS.DETECTED.setGitSystemConfig(GIT_SYSTEM_CONFIG);
        FileRepositoryBuilder builder = new FileRepositoryBuilder().findGitDir(directory.toFile());
        if (builder.getGitDir() == null) {
            throw NixshipException.usage(directory + " is not inside a git repository");
        }
        try {
            Repository repository = builder.setMustExist(true).build();
            if (repository.isBare()) {
                repository.close();
                throw NixshipException.usage(
                        directory + " is a bare repository; run nixship in a clone");
            }
            return repository;
        } catch (IOException e) {
            throw NixshipException.usage(
                    "cannot open the git repository at " + directory + ": " + e.getMessage());
        }
    }

    /**
     * The project directory in the working tree (for paths such as a lock's relative tarball URL).
     */
    public Path projectPath() {
        Path workTree = repository.getWorkTree().toPath();
        return projectDirectory.isEmpty() ? workTree : workTree.resolve(projectDirectory);
    }

    /** The project's path relative to the repository root, {@code ""} at the root. */
    public String projectDirectory() {
        return projectDirectory;
    }

    /** Resolves a full or short SHA, branch, tag or other revision expression to its commit. */
    public ResolvedCommit resolve(String revision) {
        try {
            ObjectId id = repository.resolve(revision + "^{commit}");
            if (id == null) {
                throw NixshipException.usage(
                        "commit '" + revision + "' not found in " + repository.getWorkTree());
            }
            try (RevWalk walk = new RevWalk(repository)) {
                RevCommit commit = walk.parseCommit(id);
                return new ResolvedCommit(
                        commit.getName(), Instant.ofEpochSecond(commit.getCommitTime()));
            }
        } catch (AmbiguousObjectException e) {
            throw NixshipException.usage(
                    "commit '" + revision + "' is ambiguous; give more characters of the SHA");
        } catch (RevisionSyntaxException e) {
            throw NixshipException.usage("'" + revision + "' is not a valid revision");
        } catch (IOException e) {
            throw NixshipException.failure(
                    "cannot read commit '" + revision + "': " + e.getMessage(), e);
        }
    }

    /** A project file's content at a commit, or empty when the commit has no such file. */
    public Optional<byte[]> readFile(ResolvedCommit commit, String projectRelativePath) {
        String path = repositoryPath(projectRelativePath);
        try (RevWalk walk = new RevWalk(repository)) {
            RevTree tree = walk.parseCommit(ObjectId.fromString(commit.id())).getTree();
            try (TreeWalk entry = TreeWalk.forPath(repository, path, tree)) {
                if (entry == null
                        || (entry.getRawMode(0) & FileMode.TYPE_MASK) != FileMode.TYPE_FILE) {
                    return Optional.empty();
                }
                return Optional.of(
                        load(entry.getObjectReader(), entry.getObjectId(0), path).getBytes());
            }
        } catch (IOException e) {
            throw NixshipException.failure(
                    "cannot read " + path + " at " + commit.shortId() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes the project subtree at {@code revision} into {@code target} (created; must not exist
     * or be empty), keeping exec bits and symlinks, and parses its {@code .nixship.yaml} and {@code
     * nixship.lock}.
     *
     * @throws NixshipException usage error when the commit, the Nix file or an {@code app.copy}
     *     entry is missing, or the config or lock is invalid
     */
    public SourceSnapshot snapshot(
            String revision, Path target, Optional<String> githubRepository) {
        ResolvedCommit commit = resolve(revision);
        String configName = repositoryPath(NixshipConfig.FILE_NAME);
        NixshipConfig config = config(commit, githubRepository);
        Optional<NixpkgsLock> lock = lock(commit);
        if (readFile(commit, config.nix().file()).isEmpty()) {
            throw NixshipException.usage(
                    repositoryPath(config.nix().file())
                            + " not found at commit "
                            + commit.shortId()
                            + " (commit it, or set nix.file in "
                            + configName
                            + ")");
        }
        List<String> files = listProject(commit);
        List<String> appFiles = new ArrayList<>();
        for (String entry : config.app().copy()) {
            PathPatterns pattern = new PathPatterns(List.of(entry));
            List<String> matched = files.stream().filter(pattern::includes).toList();
            if (matched.isEmpty()) {
                throw NixshipException.usage(
                        configName
                                + ": app.copy entry '"
                                + entry
                                + "' matches no file at commit "
                                + commit.shortId());
            }
            matched.stream().filter(path -> !appFiles.contains(path)).forEach(appFiles::add);
        }
        appFiles.sort(null);
        // Written only once everything checks out, so a bad config leaves no half-written
        // directory.
        writeProject(commit, target);
        return new SourceSnapshot(commit, target, files, appFiles, remoteUrl(), config, lock);
    }

    /** The project's {@code .nixship.yaml} at {@code commit}, or the defaults when it has none. */
    public NixshipConfig config(ResolvedCommit commit, Optional<String> githubRepository) {
        String configName = repositoryPath(NixshipConfig.FILE_NAME);
        return readFile(commit, NixshipConfig.FILE_NAME)
                .map(bytes -> NixshipConfig.parse(bytes, configName, githubRepository))
                .orElseGet(() -> NixshipConfig.defaults(githubRepository));
    }

    /** The project's {@code nixship.lock} at {@code commit}, if it has one. */
    public Optional<NixpkgsLock> lock(ResolvedCommit commit) {
        return readFile(commit, NixpkgsLock.FILE_NAME)
                .map(bytes -> NixpkgsLock.parse(bytes, repositoryPath(NixpkgsLock.FILE_NAME)));
    }

    /** The {@code origin} remote (else the first remote) as a credential-free web URL. */
    public Optional<String> remoteUrl() {
        var config = repository.getConfig();
        Set<String> remotes = config.getSubsections("remote");
        String name =
                remotes.contains("origin")
                        ? "origin"
                        : remotes.stream().sorted().findFirst().orElse(null);
        if (name == null) {
            return Optional.empty();
        }
        String url = config.getString("remote", name, "url");
        return url == null ? Optional.empty() : RemoteUrls.publicUrl(url);
    }

    /** One file or symlink of the project at a commit, path relative to the project. */
    private interface EntryVisitor {
        void visit(String relative, int mode, TreeWalk tree) throws IOException;
    }

    /**
     * Visits the project's files and symlinks in tree order; submodules are skipped (not in the
     * commit).
     */
    private void forEachEntry(ResolvedCommit commit, EntryVisitor visitor) throws IOException {
        try (RevWalk walk = new RevWalk(repository);
                TreeWalk tree = new TreeWalk(repository)) {
            tree.addTree(walk.parseCommit(ObjectId.fromString(commit.id())).getTree());
            tree.setRecursive(true);
            String prefix = projectDirectory.isEmpty() ? "" : projectDirectory + "/";
            while (tree.next()) {
                String path = tree.getPathString();
                int mode = tree.getRawMode(0);
                if (path.startsWith(prefix)
                        && (mode & FileMode.TYPE_MASK) != FileMode.TYPE_GITLINK) {
                    visitor.visit(path.substring(prefix.length()), mode, tree);
                }
            }
        }
    }

    private List<String> listProject(ResolvedCommit commit) {
        List<String> paths = new ArrayList<>();
        try {
            forEachEntry(commit, (relative, mode, tree) -> paths.add(relative));
        } catch (IOException e) {
            throw NixshipException.failure(
                    "cannot read commit " + commit.shortId() + ": " + e.getMessage(), e);
        }
        if (paths.isEmpty()) {
            throw NixshipException.usage(
                    "'" + projectDirectory + "' has no files at commit " + commit.shortId());
        }
        paths.sort(null);
        return paths;
    }

    private void writeProject(ResolvedCommit commit, Path target) {
        try {
            prepareTarget(target);
            Path root = target.toAbsolutePath().normalize();
            Set<String> written = new HashSet<>();
            Set<String> links = new HashSet<>();
            Set<String> directories = new HashSet<>();
            forEachEntry(
                    commit,
                    (relative, mode, tree) -> {
                        Path destination = safeDestination(root, relative, commit);
                        boolean symlink = (mode & FileMode.TYPE_MASK) == FileMode.TYPE_SYMLINK;
                        refuseAmbiguous(relative, symlink, written, links, directories, commit);
                        createRealDirectories(root, relative, commit);
                        ObjectLoader blob =
                                load(
                                        tree.getObjectReader(),
                                        tree.getObjectId(0),
                                        tree.getPathString());
                        if (symlink) {
                            String link = new String(blob.getBytes(), StandardCharsets.UTF_8);
                            Files.createSymbolicLink(destination, Path.of(link));
                        } else {
                            // CREATE_NEW and NOFOLLOW_LINKS: never through a link, never over a
                            // file.
                            try (InputStream in = blob.openStream();
                                    OutputStream out =
                                            Files.newOutputStream(
                                                    destination,
                                                    StandardOpenOption.CREATE_NEW,
                                                    StandardOpenOption.WRITE,
                                                    LinkOption.NOFOLLOW_LINKS)) {
                                in.transferTo(out);
                            }
                            boolean executable = FileMode.EXECUTABLE_FILE.equals(mode);
                            Files.getFileAttributeView(
                                            destination,
                                            PosixFileAttributeView.class,
                                            LinkOption.NOFOLLOW_LINKS)
                                    .setPermissions(
                                            PosixFilePermissions.fromString(
                                                    executable ? "rwxr-xr-x" : "rw-r--r--"));
                        }
                    });
        } catch (FileAlreadyExistsException e) {
            throw NixshipException.failure(
                    "cannot write the source: " + e.getFile() + " already exists", e);
        } catch (IOException e) {
            throw NixshipException.failure(
                    "cannot write commit "
                            + commit.shortId()
                            + " to "
                            + target
                            + ": "
                            + e.getMessage(),
                    e);
        }
    }

    private static void prepareTarget(Path target) throws IOException {
        if (Files.isDirectory(target)) {
            try (var entries = Files.list(target)) {
                if (entries.findAny().isPresent()) {
                    throw NixshipException.failure(
                            target
                                    + " is not empty; nixship writes sources into a fresh directory");
                }
            }
        } else {
            Files.createDirectories(target);
        }
    }

    /**
     * Refuses a crafted tree whose entries overlap: the same path twice, or an entry under a path
     * that is a symlink (in either order), which would write through the link out of the snapshot.
     */
    private static void refuseAmbiguous(
            String relative,
            boolean symlink,
            Set<String> written,
            Set<String> links,
            Set<String> directories,
            ResolvedCommit commit) {
        String problem = null;
        if (!written.add(relative) || directories.contains(relative)) {
            problem = "has the path '" + relative + "' twice";
        }
        for (int slash = relative.indexOf('/');
                problem == null && slash >= 0;
                slash = relative.indexOf('/', slash + 1)) {
            String ancestor = relative.substring(0, slash);
            if (links.contains(ancestor) || written.contains(ancestor)) {
                problem = "has '" + relative + "' under the symlink or file '" + ancestor + "'";
            }
            directories.add(ancestor);
        }
        if (problem != null) {
            throw NixshipException.usage(
                    "commit " + commit.shortId() + " " + problem + "; refusing to write it");
        }
        if (symlink) {
            links.add(relative);
        }
    }

    /** Creates the entry's parent directories one by one, each a real directory, never a link. */
    private static void createRealDirectories(Path root, String relative, ResolvedCommit commit)
            throws IOException {
        Path directory = root;
        String[] segments = relative.split("/");
        for (int i = 0; i < segments.length - 1; i++) {
            directory = directory.resolve(segments[i]);
            if (!Files.exists(directory, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectory(directory);
            } else if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
                throw NixshipException.usage(
                        "commit "
                                + commit.shortId()
                                + " has '"
                                + relative
                                + "' under '"
                                + root.relativize(directory)
                                + "', which is not a directory; refusing to write it");
            }
        }
    }

    /** Refuses tree paths that would escape the target: crafted trees can hold {@code ..} names. */
    private static Path safeDestination(Path root, String relative, ResolvedCommit commit) {
        for (String segment : relative.split("/")) {
            if (segment.isEmpty()
                    || segment.equals(".")
                    || segment.equals("..")
                    || segment.equals(Constants.DOT_GIT)) {
                throw NixshipException.usage(
                        "commit "
                                + commit.shortId()
                                + " has an unsafe path '"
                                + relative
                                + "'; refusing to write it");
            }
        }
        Path destination = root.resolve(relative).normalize();
        if (!destination.startsWith(root)) {
            throw NixshipException.usage(
                    "commit "
                            + commit.shortId()
                            + " has an unsafe path '"
                            + relative
                            + "'; refusing to write it");
        }
        return destination;
    }

    private static ObjectLoader load(ObjectReader reader, ObjectId id, String path)
            throws IOException {
        ObjectLoader loader = reader.open(id, Constants.OBJ_BLOB);
        if (loader.getSize() > MAX_BLOB_BYTES) {
            throw NixshipException.usage(
                    path + " is " + loader.getSize() + " bytes; larger than nixship reads");
        }
        return loader;
    }

    private String repositoryPath(String projectRelativePath) {
        return projectDirectory.isEmpty()
                ? projectRelativePath
                : projectDirectory + "/" + projectRelativePath;
    }

    @Override
    public void close() {
        repository.close();
    }
}
