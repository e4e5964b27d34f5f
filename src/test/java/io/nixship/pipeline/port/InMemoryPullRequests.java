package io.nixship.pipeline.port;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Open pull requests by head branch, as the forge keeps them; failures are queued by tests. */
public final class InMemoryPullRequests implements PullRequests {
    private final Map<String, PullRequestSpec> open = new LinkedHashMap<>();
    private final Map<String, Integer> numbers = new LinkedHashMap<>();
    private final Deque<Runnable> beforeCall = new ArrayDeque<>();
    private final List<PullRequestSpec> calls = new ArrayList<>();
    private int next = 1;

    @Override
    public PullRequestResult synchronize(PullRequestSpec spec) {
        calls.add(spec);
        Optional.ofNullable(beforeCall.poll()).ifPresent(Runnable::run);
        String head = spec.headBranch();
        if (!spec.branchDiffersFromBase()) {
            if (!open.containsKey(head)) {
                return PullRequestResult.none();
            }
            open.remove(head);
            return result(PullRequestResult.Operation.CLOSED, head);
        }
        PullRequestResult.Operation operation =
                open.containsKey(head)
                        ? PullRequestResult.Operation.UPDATED
                        : PullRequestResult.Operation.CREATED;
        open.put(head, spec);
        numbers.computeIfAbsent(head, branch -> next++);
        return result(operation, head);
    }

    /** Another run opens the pull request for {@code spec}'s branch. */
    public void openedByAnotherRun(PullRequestSpec spec) {
        open.put(spec.headBranch(), spec);
        numbers.computeIfAbsent(spec.headBranch(), branch -> next++);
    }

    /** The next call runs {@code action} first (throw from it to fail the call). */
    public void beforeNextCall(Runnable action) {
        beforeCall.add(action);
    }

    public Map<String, PullRequestSpec> open() {
        return Map.copyOf(open);
    }

    public List<PullRequestSpec> calls() {
        return List.copyOf(calls);
    }

    private PullRequestResult result(PullRequestResult.Operation operation, String head) {
        int number = numbers.get(head);
        return new PullRequestResult(operation, number, "https://forge.example/pull/" + number);
    }
}
