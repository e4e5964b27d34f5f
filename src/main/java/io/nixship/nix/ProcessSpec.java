package io.nixship.nix;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One child process: an argv list (never a shell string), its complete environment (nothing is
 * inherited), a time limit, and where its stderr lines go as they arrive. {@code tailLines} of
 * stderr are kept for error messages.
 */
public record ProcessSpec(
        List<String> argv,
        Map<String, String> environment,
        Optional<Path> directory,
        Duration timeout,
        Consumer<String> log,
        int tailLines) {
    public ProcessSpec {
        argv = List.copyOf(argv);
        environment = Map.copyOf(environment);
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("argv is empty");
        }
    }

    public String program() {
        return argv.get(0);
    }
}
