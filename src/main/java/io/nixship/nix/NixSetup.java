package io.nixship.nix;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Recognises Nix failures caused by this machine's Nix set-up (build users, sandbox, store
 * permissions, daemon) rather than by the project, and says in one line what to change. Only Nix's
 * own {@code error:} lines count, except the builder-exec failure, which Nix relays from the
 * builder's side without that prefix.
 */
final class NixSetup {
    private static final Pattern ERROR = Pattern.compile("^\\s*error:\\s*(.*)$");
    private static final Pattern MISSING_GROUP =
            Pattern.compile("the group '([^']*)' specified in 'build-users-group' does not exist");
    private static final Pattern NO_CHROOT_REFUSED =
            Pattern.compile(
                    "has '__noChroot' set, but that's not allowed when 'sandbox' is 'true'");
    private static final Pattern BUILDER_EXEC =
            Pattern.compile("executing '(/[^']+)': (No such file or directory|Permission denied)");
    private static final Pattern SANDBOX_START =
            Pattern.compile(
                    "(cloning builder process|unable to start build process|setting up a private"
                            + " network namespace|while setting up the build environment|sandbox)[^\\n]*");
    private static final Pattern NOT_PERMITTED =
            Pattern.compile(
                    "(Operation not permitted|Permission denied|Invalid argument|not supported)$");
    private static final Pattern DAEMON_SOCKET =
            Pattern.compile("cannot connect to socket at '([^']+)': (.*)$");
    private static final Pattern PATH_DENIED =
            Pattern.compile(
                    "'?(/[^':]*)'?(?: to [0-9]+)?: (Permission denied|Operation not permitted|Read-only file system)$");
    private static final Pattern REMOUNT = Pattern.compile("remounting (/\\S+) writable: (.*)$");

    private NixSetup() {}

    /** The one-line explanation when {@code stderr} shows a set-up problem; empty otherwise. */
    static Optional<String> diagnose(List<String> stderr, NixSettings settings) {
        String conf = configFile(settings);
        for (String line : stderr) {
            Matcher exec = BUILDER_EXEC.matcher(line);
            // Only a program the host has but the builder could not run points at the sandbox; a
            // builder
            // path that exists nowhere is the project's own mistake and reads as a failed build.
            if (exec.find()
                    && !inside(Path.of(exec.group(1)), storeDir(settings))
                    && Files.exists(Path.of(exec.group(1)))) {
                return Optional.of(
                        "Nix set-up: builders cannot run "
                                + exec.group(1)
                                + " ("
                                + exec.group(2)
                                + "): with sandbox = true they see only the Nix store and sandbox-paths; set sandbox = relaxed in "
                                + conf
                                + " (derivations marked __noChroot then see the host) or add "
                                + exec.group(1)
                                + " to sandbox-paths");
            }
        }
        for (String line : stderr) {
            Matcher error = ERROR.matcher(line);
            if (!error.matches()) {
                continue;
            }
            Optional<String> problem = problem(error.group(1).trim(), settings, conf);
            if (problem.isPresent()) {
                return problem;
            }
        }
        return Optional.empty();
    }

    private static Optional<String> problem(String message, NixSettings settings, String conf) {
        Matcher group = MISSING_GROUP.matcher(message);
        if (group.find()) {
            return Optional.of(
                    "Nix set-up: the build-users-group '"
                            + group.group(1)
                            + "' does not exist on this machine: create it and its build users (scripts/setup-debian-host does)"
                            + " or set build-users-group = in "
                            + conf);
        }
        if (NO_CHROOT_REFUSED.matcher(message).find()) {
            return Optional.of(
                    "Nix set-up: sandbox = true in "
                            + conf
                            + " refuses derivations marked __noChroot"
                            + " (the builds copy from the host): set sandbox = relaxed there");
        }
        Matcher daemon = DAEMON_SOCKET.matcher(message);
        if (daemon.find()) {
            return Optional.of(
                    "Nix set-up: no nix-daemon answers at "
                            + daemon.group(1)
                            + " ("
                            + daemon.group(2)
                            + "): start nix-daemon, or unset NIX_REMOTE to use the store directly as its owner");
        }
        Matcher remount = REMOUNT.matcher(message);
        if (remount.find()) {
            return Optional.of(unwritable(remount.group(1), remount.group(2)));
        }
        Matcher denied = PATH_DENIED.matcher(message);
        if (denied.find() && isNixPath(Path.of(denied.group(1)), settings)) {
            return Optional.of(unwritable(denied.group(1), denied.group(2)));
        }
        Matcher sandbox = SANDBOX_START.matcher(message);
        if (message.startsWith("unable to start build process")
                || (sandbox.find() && NOT_PERMITTED.matcher(message).find())) {
            return Optional.of(
                    "Nix set-up: the build sandbox cannot start here ("
                            + message
                            + "): allow user"
                            + " namespaces (or run with the privileges Nix needs), or set sandbox = false in "
                            + conf
                            + " (containers usually cannot sandbox)");
        }
        return Optional.empty();
    }

    private static String unwritable(String path, String reason) {
        String advice =
                reason.equals("Read-only file system") || reason.equals("Invalid argument")
                        ? "the Nix store and its state directory must be on a writable file system: mount them"
                                + " read-write, or go through a nix-daemon (NIX_REMOTE=daemon)"
                        : "run nixship as the user that owns the Nix store (root for a single-user install, as"
                                + " scripts/setup-debian-host sets up), or go through a nix-daemon (NIX_REMOTE=daemon)";
        return "Nix set-up: cannot write " + path + " (" + reason + "): " + advice;
    }

    /** A path Nix itself manages: the store, the state directory, or a directory above them. */
    private static boolean isNixPath(Path path, NixSettings settings) {
        Path state = Path.of(settings.host().variable("NIX_STATE_DIR", "/nix/var/nix"));
        Path store = storeDir(settings);
        return inside(path, store)
                || inside(path, state)
                || inside(store, path)
                || inside(state, path);
    }

    private static boolean inside(Path path, Path directory) {
        return directory.normalize().getNameCount() > 0
                && path.normalize().startsWith(directory.normalize());
    }

    private static Path storeDir(NixSettings settings) {
        return Path.of(settings.host().variable("NIX_STORE_DIR", "/nix/store"));
    }

    private static String configFile(NixSettings settings) {
        return settings.host().variable("NIX_CONF_DIR", "/etc/nix") + "/nix.conf";
    }
}
