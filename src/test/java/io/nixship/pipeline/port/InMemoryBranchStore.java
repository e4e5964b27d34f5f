package io.nixship.pipeline.port;

import io.nixship.NixshipException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Branches in a map, with the lease semantics of the git remote: a push succeeds only while the
 * branch holds the value read. Other runs are simulated by {@link #beforeNextPush} and {@link
 * #afterNextPush}.
 */
public final class InMemoryBranchStore implements BranchStore {
    private final Map<String, String> branches = new HashMap<>();
    private final Map<String, PublishRequest> commits = new HashMap<>();
    private final Deque<Runnable> beforePush = new ArrayDeque<>();
    private final Deque<Runnable> afterPush = new ArrayDeque<>();
    private final List<String> events = new ArrayList<>();
    private int written;
    private boolean rollBackFails;

    @Override
    public Optional<String> read(String branch) {
        return Optional.ofNullable(branches.get(branch));
    }

    @Override
    public PublishResult publish(PublishRequest request, Optional<String> lease) {
        Optional.ofNullable(beforePush.poll()).ifPresent(Runnable::run);
        Optional<String> current = read(request.branch());
        if (!current.equals(lease)) {
            events.add("refused " + request.branch());
            throw new BranchMoved("branch " + request.branch() + " changed while publishing");
        }
        String previous = current.orElse(null);
        if (request.edits().isEmpty()) {
            return new PublishResult(
                    PublishResult.Operation.NO_CHANGES, request.branch(), previous, previous);
        }
        if (previous != null && sameChange(commits.get(previous), request)) {
            return new PublishResult(
                    PublishResult.Operation.UP_TO_DATE, request.branch(), previous, previous);
        }
        String commit = write(request);
        events.add("pushed " + request.branch() + " " + commit);
        Optional.ofNullable(afterPush.poll()).ifPresent(Runnable::run);
        return new PublishResult(
                previous == null
                        ? PublishResult.Operation.CREATED
                        : PublishResult.Operation.UPDATED,
                request.branch(),
                commit,
                previous);
    }

    @Override
    public void rollBack(PublishRequest request, PublishResult published) {
        if (published.operation() != PublishResult.Operation.CREATED
                && published.operation() != PublishResult.Operation.UPDATED) {
            return;
        }
        if (rollBackFails || !read(request.branch()).equals(Optional.of(published.commit()))) {
            throw NixshipException.failure("putting branch " + request.branch() + " back failed");
        }
        events.add("rolled back " + request.branch());
        if (published.previous() == null) {
            branches.remove(request.branch());
        } else {
            branches.put(request.branch(), published.previous());
        }
    }

    /** Another run pushes {@code request} to its branch, as the git remote would take it. */
    public String pushedByAnotherRun(PublishRequest request) {
        return write(request);
    }

    public void beforeNextPush(Runnable otherRun) {
        beforePush.add(otherRun);
    }

    public void afterNextPush(Runnable otherRun) {
        afterPush.add(otherRun);
    }

    public void failRollBacks() {
        rollBackFails = true;
    }

    /** What the branch's commit holds; empty when the branch does not exist. */
    public Optional<PublishRequest> content(String branch) {
        return read(branch).flatMap(this::commit);
    }

    /** What a commit pushed here holds; empty for a commit this store never wrote. */
    public Optional<PublishRequest> commit(String id) {
        return Optional.ofNullable(commits.get(id));
    }

    public List<String> events() {
        return List.copyOf(events);
    }

    private String write(PublishRequest request) {
        String commit = String.format("%040x", ++written);
        commits.put(commit, request);
        branches.put(request.branch(), commit);
        return commit;
    }

    private static boolean sameChange(PublishRequest held, PublishRequest wanted) {
        if (held == null
                || !held.baseCommit().equals(wanted.baseCommit())
                || !held.edits().keySet().equals(wanted.edits().keySet())) {
            return false;
        }
        return held.edits().entrySet().stream()
                .allMatch(
                        edit -> Arrays.equals(edit.getValue(), wanted.edits().get(edit.getKey())));
    }
}
