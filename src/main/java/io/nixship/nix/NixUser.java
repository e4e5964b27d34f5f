package io.nixship.nix;

import io.nixship.NixshipException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The unprivileged user every Nix command runs as, through the Nix daemon, when {@value #VARIABLE}
 * names one (the action image's entrypoint does): evaluation and the client side of every build
 * then cannot read the environment or memory of nixship's own process, which holds the secrets.
 * Unset, Nix runs as nixship's own user, as before.
 */
record NixUser(String name, Path home) {
    static final String VARIABLE = "NIXSHIP_NIX_USER";
    private static final Path PASSWD = Path.of("/etc/passwd");

    /** The user {@value #VARIABLE} names, with its home from {@code /etc/passwd}. */
    static Optional<NixUser> named(String name) {
        if (name == null || name.isBlank()) {
            return Optional.empty();
        }
        List<String> entries;
        try {
            entries = Files.readAllLines(PASSWD);
        } catch (IOException e) {
            throw NixshipException.failure(
                    "cannot read " + PASSWD + " to find " + VARIABLE + "=" + name, e);
        }
        for (String entry : entries) {
            String[] fields = entry.split(":", -1);
            if (fields.length >= 7 && fields[0].equals(name)) {
                return Optional.of(new NixUser(name, Path.of(fields[5])));
            }
        }
        throw NixshipException.usage(
                VARIABLE + "=" + name + " is not a user of this machine (" + PASSWD + ")");
    }

    /**
     * The argv prefix that runs a command as this user: its own uid, gid and groups, and no way
     * back to more privileges ({@code no_new_privs}).
     */
    List<String> switchCommand() {
        return List.of(
                "setpriv",
                "--reuid=" + name,
                "--regid=" + name,
                "--init-groups",
                "--no-new-privs",
                "--");
    }
}
