package io.nixship.forge;

import io.nixship.NixshipException;
import io.nixship.pipeline.port.BranchMoved;
import io.nixship.pipeline.port.BranchStore;
import io.nixship.pipeline.port.GitIdentity;
import io.nixship.pipeline.port.PublishRequest;
import io.nixship.pipeline.port.PublishResult;
import java.io.IOException;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheEditor;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.FetchConnection;
import org.eclipse.jgit.transport.FetchResult;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;

/**
 * Commits manifest edits on a {@code nixship/*} branch and pushes it, without touching the working
 * tree or index of the repository it runs in (the Action's checkout): the commit is built from the
 * base commit's tree plus the edits directly in the object database.
 *
 * <p>The push is a lease: it only succeeds if the remote branch still has the value read at the
 * start, so a concurrent run is never silently overwritten. A branch whose tip nixship did not
 * write is never replaced, and a branch built from a newer base is left alone.
 *
 * <p>The token, when there is one, lives only in the credentials provider: never in the remote URL,
 * {@code .git/config}, logs or exception messages.
 */
public final class ManifestBranchPublisher implements BranchStore {
    static final String IMAGE_TRAILER = "Nixship-Image";
    static final String SOURCE_TRAILER = "Nixship-Source";
    private static final String TRACKING_PREFIX = "refs/nixship/remote/";
    private static final String BASE_PREFIX = "refs/nixship/base/";
    private static final int LEASE_ATTEMPTS = 5;

    private final Repository repository;
    private final URIish remote;
    private final CredentialsProvider credentials;
    private final Clock clock;

    public ManifestBranchPublisher(
            Repository repository, URIish remote, CredentialsProvider credentials, Clock clock) {
        if (remote.getPass() != null || remote.getUser() != null) {
            throw NixshipException.usage(
                    "the remote URL for publishing must not contain credentials; pass the token separately");
        }
        this.repository = repository;
        this.remote = remote;
        this.credentials = credentials;
        this.clock = clock;
    }

    /** Pushes over https with a GitHub token ({@code x-access-token}). */
    public static ManifestBranchPublisher withToken(
            Repository repository, String remoteUrl, String token) {
        return new ManifestBranchPublisher(
                repository,
                parse(remoteUrl),
                new UsernamePasswordCredentialsProvider("x-access-token", token),
                Clock.systemUTC());
    }

    /** Pushes to a remote that needs no credentials (file:// in tests, local mirrors). */
    public static ManifestBranchPublisher withoutCredentials(
            Repository repository, String remoteUrl) {
        return new ManifestBranchPublisher(repository, parse(remoteUrl), null, Clock.systemUTC());
    }

    /** {@code $GITHUB_SERVER_URL/$GITHUB_REPOSITORY.git}. */
    public static String remoteUrl(GitHubEnvironment env) {
        return env.serverUrl() + "/" + env.requireRepository() + ".git";
    }

    /**
     * Reads the remote branch, then publishes with that value as the lease. When another run moved
     * the branch in between, decides again on top of its commit (replace an older run's, stand back
     * for a newer run's) instead of failing.
     */
    public PublishResult publish(PublishRequest request) {
        for (int attempt = 1; ; attempt++) {
            try {
                return publish(request, read(request.branch()));
            } catch (BranchMoved e) {
                if (attempt >= LEASE_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    /**
     * Fetches the remote branch's commits and returns its value (empty when it does not exist): the
     * lease a later {@link #publish(PublishRequest, Optional)} holds the push to.
     */
    @Override
    public Optional<String> read(String branch) {
        try {
            return Optional.ofNullable(fetchRemoteBranch(branch)).map(ObjectId::name);
        } catch (IOException e) {
            throw readFailed(branch, e);
        }
    }

    /**
     * Publishes the edits if the remote branch still has {@code expectedRemote}; fails without
     * changing anything when it moved since.
     */
    @Override
    public PublishResult publish(PublishRequest request, Optional<String> expectedRemote) {
        try {
            return publishOrThrow(request, expectedRemote.map(ObjectId::fromString).orElse(null));
        } catch (IOException e) {
            throw NixshipException.failure(
                    "publishing branch "
                            + request.branch()
                            + " to "
                            + remote
                            + " failed: "
                            + oneLine(e.getMessage())
                            + accessHint(e),
                    e);
        }
    }

    /**
     * Undoes a push whose pull request could not follow, so the branch never points at a commit its
     * pull request does not describe: puts the branch back to its previous value, or deletes it
     * when this run created it. Leased on the commit this run pushed, so a newer run's push is
     * never undone. Does nothing when the publish pushed nothing.
     */
    @Override
    public void rollBack(PublishRequest request, PublishResult published) {
        if (published.operation() != PublishResult.Operation.CREATED
                && published.operation() != PublishResult.Operation.UPDATED) {
            return;
        }
        try {
            RemoteRefUpdate update =
                    published.previous() == null
                            ? new RemoteRefUpdate(
                                    repository,
                                    (String) null,
                                    request.remoteRef(),
                                    true,
                                    null,
                                    ObjectId.fromString(published.commit()))
                            : new RemoteRefUpdate(
                                    repository,
                                    (String) null,
                                    ObjectId.fromString(published.previous()),
                                    request.remoteRef(),
                                    true,
                                    null,
                                    ObjectId.fromString(published.commit()));
            PushResult result;
            try (Transport transport = openTransport()) {
                result = transport.push(NullProgressMonitor.INSTANCE, List.of(update));
            }
            RemoteRefUpdate.Status status = result.getRemoteUpdate(request.remoteRef()).getStatus();
            if (status != RemoteRefUpdate.Status.OK
                    && status != RemoteRefUpdate.Status.UP_TO_DATE) {
                throw NixshipException.failure(
                        "putting branch " + request.branch() + " back failed: " + status);
            }
        } catch (IOException e) {
            throw NixshipException.failure(
                    "putting branch "
                            + request.branch()
                            + " back on "
                            + remote
                            + " failed: "
                            + oneLine(e.getMessage()),
                    e);
        }
    }

    private PublishResult publishOrThrow(PublishRequest request, ObjectId remoteValue)
            throws IOException {
        try (RevWalk walk = new RevWalk(repository);
                ObjectInserter inserter = repository.newObjectInserter()) {
            RevCommit base = parseBase(walk, request);
            ObjectId tree = treeWithEdits(inserter, base, request.edits());
            inserter.flush();
            if (tree.equals(base.getTree())) {
                return new PublishResult(
                        PublishResult.Operation.NO_CHANGES,
                        request.branch(),
                        name(remoteValue),
                        name(remoteValue));
            }
            if (remoteValue != null) {
                RevCommit remoteTip = walk.parseCommit(remoteValue);
                requireWrittenByNixship(remoteTip, request);
                RevCommit remoteBase = remoteTip.getParent(0);
                if (remoteBase.equals(base) && remoteTip.getTree().equals(tree)) {
                    return new PublishResult(
                            PublishResult.Operation.UP_TO_DATE,
                            request.branch(),
                            name(remoteValue),
                            name(remoteValue));
                }
                if (isStrictlyNewer(walk, remoteBase, base)) {
                    return new PublishResult(
                            PublishResult.Operation.SUPERSEDED,
                            request.branch(),
                            name(remoteValue),
                            name(remoteValue));
                }
            }
            ObjectId commit = insertCommit(inserter, base, tree, request);
            inserter.flush();
            push(request, commit, remoteValue);
            return new PublishResult(
                    remoteValue == null
                            ? PublishResult.Operation.CREATED
                            : PublishResult.Operation.UPDATED,
                    request.branch(),
                    commit.name(),
                    name(remoteValue));
        }
    }

    private NixshipException readFailed(String branch, IOException e) {
        return NixshipException.failure(
                "reading branch "
                        + branch
                        + " from "
                        + remote
                        + " failed: "
                        + oneLine(e.getMessage())
                        + accessHint(e),
                e);
    }

    /**
     * Fetches {@code branch} of the remote (a GitOps repository's base branch) and returns its tip,
     * whose commits are then in the local repository.
     */
    public String readBase(String branch) {
        ObjectId tip;
        try {
            tip = fetchRemoteBranch(branch, BASE_PREFIX);
        } catch (IOException e) {
            throw readFailed(branch, e);
        }
        if (tip == null) {
            throw NixshipException.usage(
                    "branch " + branch + " does not exist on " + remote + "; name an existing one");
        }
        return tip.name();
    }

    /** Reads the remote branch and fetches its commits; null when it does not exist. */
    private ObjectId fetchRemoteBranch(String branch) throws IOException {
        return fetchRemoteBranch(branch, TRACKING_PREFIX);
    }

    private ObjectId fetchRemoteBranch(String branch, String trackingPrefix) throws IOException {
        String remoteRef = "refs/heads/" + branch;
        try (Transport transport = openTransport()) {
            Ref advertised;
            try (FetchConnection connection = transport.openFetch()) {
                advertised = connection.getRef(remoteRef);
            }
            if (advertised == null) {
                return null;
            }
            // A private ref keeps the fetched commits reachable without touching the user's
            // branches.
            FetchResult fetched =
                    transport.fetch(
                            NullProgressMonitor.INSTANCE,
                            List.of(new RefSpec("+" + remoteRef + ":" + trackingPrefix + branch)));
            // The value this fetch saw, whose commits are now local, even if the branch moved
            // since.
            Ref value = fetched.getAdvertisedRef(remoteRef);
            return value == null ? null : value.getObjectId();
        }
    }

    private RevCommit parseBase(RevWalk walk, PublishRequest request) throws IOException {
        try {
            return walk.parseCommit(ObjectId.fromString(request.baseCommit()));
        } catch (MissingObjectException e) {
            throw NixshipException.failure(
                    "base commit "
                            + request.baseCommit()
                            + " is not in the local repository "
                            + repository.getDirectory()
                            + "; fetch it before publishing");
        }
    }

    private ObjectId treeWithEdits(
            ObjectInserter inserter, RevCommit base, Map<String, byte[]> edits) throws IOException {
        DirCache index = DirCache.newInCore();
        DirCacheBuilder builder = index.builder();
        try (ObjectReader reader = repository.newObjectReader()) {
            builder.addTree(new byte[0], DirCacheEntry.STAGE_0, reader, base.getTree());
        }
        builder.finish();
        DirCacheEditor editor = index.editor();
        for (Map.Entry<String, byte[]> edit : edits.entrySet()) {
            ObjectId blob = inserter.insert(Constants.OBJ_BLOB, edit.getValue());
            editor.add(
                    new DirCacheEditor.PathEdit(checkedPath(edit.getKey())) {
                        @Override
                        public void apply(DirCacheEntry entry) {
                            // Keep the executable bit of an existing file; new files are regular
                            // files.
                            if (entry.getRawMode() == 0
                                    || FileMode.TREE.equals(entry.getRawMode())) {
                                entry.setFileMode(FileMode.REGULAR_FILE);
                            }
                            entry.setObjectId(blob);
                        }
                    });
        }
        editor.finish();
        return index.writeTree(inserter);
    }

    private static String checkedPath(String path) {
        String normalised = path.replace('\\', '/');
        if (normalised.isEmpty()
                || normalised.startsWith("/")
                || normalised.endsWith("/")
                || List.of(normalised.split("/")).stream()
                        .anyMatch(
                                p ->
                                        p.equals("..")
                                                || p.equals(".")
                                                || p.isEmpty()
                                                || p.equals(".git"))) {
            throw NixshipException.usage(
                    "manifest path '" + path + "' must be a relative path inside the repository");
        }
        return normalised;
    }

    private void requireWrittenByNixship(RevCommit tip, PublishRequest request) {
        boolean ours =
                wrote(request.identity(), tip.getAuthorIdent())
                        && wrote(request.identity(), tip.getCommitterIdent())
                        && !tip.getFooterLines(IMAGE_TRAILER).isEmpty()
                        && tip.getParentCount() == 1;
        if (!ours) {
            throw NixshipException.failure(
                    "branch "
                            + request.branch()
                            + " has commit "
                            + tip.abbreviate(12).name()
                            + " that nixship did not write; nixship will not overwrite it. Merge or delete the"
                            + " branch (and its pull request), then run again");
        }
    }

    /** Whether the remote branch was built on a descendant of our base, i.e. by a newer run. */
    private static boolean isStrictlyNewer(RevWalk walk, RevCommit remoteBase, RevCommit base)
            throws IOException {
        if (remoteBase.equals(base)) {
            return false;
        }
        try {
            return walk.isMergedInto(base, remoteBase);
        } catch (MissingObjectException e) {
            // A shallow history cannot tell; replacing is then the expected behaviour.
            return false;
        } finally {
            walk.reset();
        }
    }

    private ObjectId insertCommit(
            ObjectInserter inserter, RevCommit base, ObjectId tree, PublishRequest request)
            throws IOException {
        CommitBuilder commit = new CommitBuilder();
        commit.setTreeId(tree);
        commit.setParentId(base);
        commit.setAuthor(person(request.identity(), clock.instant()));
        commit.setCommitter(person(request.identity(), clock.instant()));
        commit.setMessage(commitMessage(request));
        return inserter.insert(commit);
    }

    private static PersonIdent person(GitIdentity identity, Instant when) {
        return new PersonIdent(identity.name(), identity.email(), when, ZoneOffset.UTC);
    }

    private static boolean wrote(GitIdentity identity, PersonIdent person) {
        return person != null && identity.email().equalsIgnoreCase(person.getEmailAddress());
    }

    static String commitMessage(PublishRequest request) {
        String old = request.oldReference() == null ? "(none)" : request.oldReference();
        return "nixship: update image to "
                + request.newReference()
                + "\n\n"
                + "Old: "
                + old
                + "\n"
                + "New: "
                + request.newReference()
                + "\n"
                + "Built from commit "
                + request.sourceCommit()
                + ".\n\n"
                + IMAGE_TRAILER
                + ": "
                + request.newReference()
                + "\n"
                + SOURCE_TRAILER
                + ": "
                + request.sourceCommit()
                + "\n";
    }

    private void push(PublishRequest request, ObjectId commit, ObjectId expectedRemote)
            throws IOException {
        RemoteRefUpdate update =
                new RemoteRefUpdate(
                        repository,
                        (String) null,
                        commit,
                        request.remoteRef(),
                        true,
                        null,
                        expectedRemote == null ? ObjectId.zeroId() : expectedRemote);
        PushResult result;
        try (Transport transport = openTransport()) {
            result = transport.push(NullProgressMonitor.INSTANCE, List.of(update));
        }
        RemoteRefUpdate outcome = result.getRemoteUpdate(request.remoteRef());
        switch (outcome.getStatus()) {
            case OK, UP_TO_DATE -> {}
            case REJECTED_REMOTE_CHANGED ->
                    throw new BranchMoved(
                            "branch "
                                    + request.branch()
                                    + " changed on "
                                    + remote
                                    + " while nixship was publishing (another run pushed); not touching it or its pull"
                                    + " request. Re-run to publish on top of the newest state");
            case REJECTED_OTHER_REASON ->
                    throw isLockFailure(outcome.getMessage())
                            ? new BranchMoved(
                                    "branch "
                                            + request.branch()
                                            + " was being updated by another push on "
                                            + remote
                                            + " ("
                                            + oneLine(outcome.getMessage())
                                            + "); re-run to publish on top of it")
                            : NixshipException.failure(
                                    "the remote refused the push to "
                                            + request.branch()
                                            + ": "
                                            + oneLine(outcome.getMessage())
                                            + "; if the branch is protected, exclude nixship/* from the protection rule");
            default ->
                    throw NixshipException.failure(
                            "push of "
                                    + request.branch()
                                    + " to "
                                    + remote
                                    + " failed: "
                                    + outcome.getStatus());
        }
    }

    /**
     * Git ("cannot lock ref") and JGit ("failed to lock") say so when another push holds the ref.
     */
    private static boolean isLockFailure(String message) {
        return String.valueOf(message).toLowerCase(Locale.ROOT).contains("lock");
    }

    private Transport openTransport() throws IOException {
        Transport transport = Transport.open(repository, remote);
        transport.setCredentialsProvider(credentials);
        return transport;
    }

    /**
     * JGit says "not authorized" or "not permitted" when the token lacks rights on the repository.
     */
    private static String accessHint(IOException e) {
        String message = String.valueOf(e.getMessage());
        return message.contains("not authorized")
                        || message.contains("not permitted")
                        || message.contains("Authentication is required")
                ? "; the token needs contents: write on the repository"
                : "";
    }

    private static String name(ObjectId id) {
        return id == null ? null : id.name();
    }

    private static String oneLine(String message) {
        return message == null ? "no reason given" : message.replaceAll("\\s+", " ").strip();
    }

    private static URIish parse(String remoteUrl) {
        try {
            return new URIish(remoteUrl);
        } catch (URISyntaxException e) {
            throw NixshipException.usage(
                    "the git remote URL for publishing is not valid: " + e.getReason());
        }
    }
}
