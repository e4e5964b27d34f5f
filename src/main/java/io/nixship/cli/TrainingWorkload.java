package io.nixship.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The ahead-of-time cache's training run (scripts/aot-train): nixship command lines run one after
 * another in one JVM, since {@code -XX:AOTCacheOutput} records a single JVM's classes and method
 * profiles. Each non-blank line of the workload file is one command line, its words separated by
 * tabs. Exits 1 after naming every command that failed (the cache is written all the same).
 */
public final class TrainingWorkload {
    private TrainingWorkload() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println(
                    "usage: TrainingWorkload FILE (one command line a line, tab-separated)");
            System.exit(2);
        }
        List<String> failed = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(args[0]))) {
            if (line.isBlank()) {
                continue;
            }
            String[] words = line.split("\t");
            int code = NixshipCli.commandLine(CliContext.system(), words).execute(words);
            if (code != 0) {
                failed.add("'" + String.join(" ", words) + "' exited " + code);
            }
        }
        failed.forEach(failure -> System.err.println("training run: " + failure));
        System.exit(failed.isEmpty() ? 0 : 1);
    }
}
