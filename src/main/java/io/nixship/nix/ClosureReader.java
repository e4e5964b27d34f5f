package io.nixship.nix;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * The runtime closure of a built path with each path's NAR size and references, from two Nix calls
 * that exist in every Nix since 2.0: {@code nix-store --query --requisites} and {@code nix-store
 * --dump-db PATHS} (the registration records: path, NAR hash, NAR size, deriver, reference count,
 * references).
 */
public final class ClosureReader {
    private final NixCommands nix;

    public ClosureReader(ProcessRunner runner, NixSettings settings) {
        this.nix = new NixCommands(runner, settings);
    }

    /** The closure of {@code outPath}, paths sorted. */
    public Closure read(String outPath) {
        ProcessResult requisites =
                nix.runChecked("nix-store", List.of("--query", "--requisites", outPath));
        List<String> paths =
                requisites
                        .stdout()
                        .lines()
                        .map(String::trim)
                        .filter(l -> !l.isEmpty())
                        .sorted()
                        .toList();
        List<String> args = new ArrayList<>();
        args.add("--dump-db");
        args.addAll(paths);
        ProcessResult dump = nix.runChecked("nix-store", args);
        List<StorePathInfo> infos = parseDumpDb(dump.stdout());
        List<String> described = infos.stream().map(StorePathInfo::path).toList();
        if (!described.equals(paths)) {
            throw new NixException(
                    NixFailureKind.OTHER,
                    "nix-store --dump-db described "
                            + described.size()
                            + " paths for a closure of "
                            + paths.size(),
                    List.of());
        }
        return new Closure(outPath, infos);
    }

    /**
     * The closure, refused before any image is written when its total NAR size is over {@code
     * maxBytes}.
     *
     * @throws NixException {@link NixFailureKind#CLOSURE_TOO_LARGE}, naming the largest paths
     */
    public Closure read(String outPath, OptionalLong maxBytes) {
        Closure closure = read(outPath);
        checkSize(closure, maxBytes);
        return closure;
    }

    static void checkSize(Closure closure, OptionalLong maxBytes) {
        if (maxBytes.isEmpty() || closure.totalNarSize() <= maxBytes.getAsLong()) {
            return;
        }
        List<String> largest =
                closure.paths().stream()
                        .sorted(Comparator.comparingLong(StorePathInfo::narSize).reversed())
                        .limit(5)
                        .map(p -> p.name() + " " + humanSize(p.narSize()))
                        .toList();
        throw new NixException(
                NixFailureKind.CLOSURE_TOO_LARGE,
                "the closure of "
                        + closure.outPath()
                        + " is "
                        + humanSize(closure.totalNarSize())
                        + ", over the limit of "
                        + humanSize(maxBytes.getAsLong())
                        + " (nix.maxClosureSize); largest: "
                        + String.join(", ", largest),
                List.of());
    }

    /**
     * Parses {@code nix-store --dump-db} output; each path's references exclude the path itself.
     */
    static List<StorePathInfo> parseDumpDb(String output) {
        List<String> lines = output.lines().toList();
        List<StorePathInfo> infos = new ArrayList<>();
        int i = 0;
        while (i < lines.size()) {
            if (lines.get(i).isEmpty()) {
                i++;
                continue;
            }
            String path = lines.get(i);
            long narSize = number(lines, i + 2);
            // i + 1 is the NAR hash, i + 3 the deriver (empty for sources).
            int count = (int) number(lines, i + 4);
            if (i + 5 + count > lines.size()) {
                throw malformed(i);
            }
            List<String> references =
                    lines.subList(i + 5, i + 5 + count).stream()
                            .filter(ref -> !ref.equals(path))
                            .sorted()
                            .toList();
            infos.add(new StorePathInfo(path, narSize, references));
            i += 5 + count;
        }
        infos.sort(Comparator.comparing(StorePathInfo::path));
        return infos;
    }

    private static long number(List<String> lines, int index) {
        if (index >= lines.size()) {
            throw malformed(index);
        }
        try {
            return Long.parseLong(lines.get(index).trim());
        } catch (NumberFormatException e) {
            throw malformed(index);
        }
    }

    private static NixException malformed(int line) {
        return new NixException(
                NixFailureKind.OTHER,
                "unexpected nix-store --dump-db output at line " + (line + 1),
                List.of());
    }

    static String humanSize(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }
}
