package io.nixship.reliability;

import java.util.ArrayList;
import java.util.List;

/** Reads a log as the GitHub Actions runner does, to find the workflow commands it would run. */
final class ActionsLog {
    /** Commands nixship itself writes; untrusted text must never produce any command. */
    private static final List<String> OWN =
            List.of("::group::", "::endgroup::", "::add-mask::", "::error");

    private ActionsLog() {}

    /**
     * Lines the runner would execute as workflow commands although nixship did not write them: any
     * command outside a {@code ::stop-commands::} block that is not one of nixship's own, and any
     * command but an error annotation that carries {@code marker} (the payload the test injected).
     */
    static List<String> foreignCommands(String log, String marker) {
        List<String> found = new ArrayList<>();
        String resume = null;
        for (String line : log.split("\r\n|\r|\n", -1)) {
            String trimmed = line.strip();
            if (resume != null) {
                if (trimmed.equals(resume)) {
                    resume = null;
                }
                continue;
            }
            if (trimmed.startsWith("::stop-commands::")) {
                resume = "::" + trimmed.substring("::stop-commands::".length()) + "::";
                continue;
            }
            boolean command = trimmed.startsWith("::") || trimmed.startsWith("##[");
            // An ::error annotation's message is escaped data (newlines as %0A): a payload quoted
            // in it is
            // shown as text and runs nothing. Any other command carrying the payload was injected.
            boolean payload = trimmed.contains(marker) && !trimmed.startsWith("::error");
            if (command && (payload || OWN.stream().noneMatch(trimmed::startsWith))) {
                found.add(line);
            }
        }
        return found;
    }
}
