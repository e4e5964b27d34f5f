package io.nixship.reliability;

import io.nixship.testsupport.RunnerCommands;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Reads a log as the GitHub Actions runner does, to find the workflow commands it would run. */
final class ActionsLog {
    /** Commands nixship itself writes; untrusted text must never produce any other. */
    private static final Set<String> OWN = Set.of("group", "endgroup", "add-mask", "error");

    private ActionsLog() {}

    /**
     * Lines the runner would execute as workflow commands although nixship did not write them (by
     * {@link RunnerCommands}, the runner's own rules): any command but nixship's own and its
     * stop-commands fences, and any command but an error annotation that carries {@code marker}
     * (the payload the test injected).
     */
    static List<String> foreignCommands(String log, String marker) {
        List<String> found = new ArrayList<>();
        String fence = null;
        for (RunnerCommands.Command command : RunnerCommands.processed(log)) {
            String name = command.name().toLowerCase(java.util.Locale.ROOT);
            if (name.equals("stop-commands") && fence == null) {
                fence = command.data();
                continue;
            }
            if (fence != null && name.equalsIgnoreCase(fence)) {
                fence = null;
                continue;
            }
            // An ::error annotation's message is escaped data: a payload quoted in it runs nothing.
            boolean payload = command.line().contains(marker) && !name.equals("error");
            if (payload || !OWN.contains(name)) {
                found.add(command.line());
            }
        }
        return found;
    }
}
