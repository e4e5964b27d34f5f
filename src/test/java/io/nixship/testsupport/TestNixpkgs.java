package io.nixship.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipParameters;

/**
 * The test nixpkgs under {@code src/test/resources/testnixpkgs}, packed as one tarball per revision
 * the way a channel serves nixpkgs: a single top directory holding {@code default.nix}.
 *
 * <p>The tarballs are byte-for-byte reproducible (sorted entries, owner root, fixed mtime, fixed
 * gzip header), so their hashes are stable across runs and machines with the same sources. They are
 * made once per JVM, under {@code target/testnixpkgs/}. Everything that runs Nix passes {@code
 * substituters =} so nothing reaches the network.
 */
public final class TestNixpkgs {

    /**
     * The two revisions; rev2 bumps requests, Werkzeug and certifi, drops olefile, adds
     * python-dotenv.
     */
    public enum Revision {
        REV1("rev1", "nixos-24.05.1001.e8f1c4a2b7d9", "e8f1c4a2b7d90356c1f0a9b8e7d6c5b4a3928170"),
        REV2("rev2", "nixos-24.05.1002.5b3d9e0f1a2c", "5b3d9e0f1a2c4b6d8e0f1a3c5b7d9e1f3a5c7e9b");

        private final String label;
        private final String release;
        private final String gitRevision;

        Revision(String label, String release, String gitRevision) {
            this.label = label;
            this.release = release;
            this.gitRevision = gitRevision;
        }

        /**
         * {@code rev1} or {@code rev2}: the file under {@code revisions/} and the tarball's name.
         */
        public String label() {
            return label;
        }

        /** A channel release name for locks, e.g. {@code nixos-24.05.1001.e8f1c4a2b7d9}. */
        public String release() {
            return release;
        }

        /** A made-up, fixed 40-hex git revision for locks. */
        public String gitRevision() {
            return gitRevision;
        }
    }

    /** The channel the example and the locks name. */
    public static final String CHANNEL = "nixos-24.05";

    /** Fixed tar mtime: 2024-05-31T00:00:00Z, the nixos-24.05 branch-off. */
    private static final long TAR_MTIME_SECONDS = 1_717_113_600L;

    private static final Path PROJECT_DIR = Path.of(System.getProperty("user.dir"));
    private static final Path SOURCE_DIR = PROJECT_DIR.resolve("src/test/resources/testnixpkgs");
    private static final Path SEED_DEFAULT_NIX =
            PROJECT_DIR.resolve("examples/imgproxy-lite/default.nix");
    private static final Path OUTPUT_DIR = PROJECT_DIR.resolve("target/testnixpkgs");

    /** Source files that describe revisions or regenerate sources; never part of a tarball. */
    private static final List<String> NOT_PACKED =
            List.of("revisions", "generate-libs.py", "README.md");

    private final Map<Revision, Packed> packed;
    private final Map<Revision, Path> seedEnvs = new ConcurrentHashMap<>();
    private final Map<Revision, String> freezes = new ConcurrentHashMap<>();

    private record Packed(Path tarball, String sha256, Path unpackedDir) {}

    /** A packed tarball and what {@code nix-prefetch-url --unpack} reports for it. */
    public record Tarball(Path path, String sha256) {}

    private static final class Holder {
        private static final TestNixpkgs INSTANCE = create();
    }

    private TestNixpkgs(Map<Revision, Packed> packed) {
        this.packed = packed;
    }

    /**
     * The one instance of this JVM; the first call packs both revisions and hashes them with Nix.
     */
    public static TestNixpkgs get() {
        return Holder.INSTANCE;
    }

    /**
     * {@code src/test/resources/testnixpkgs}: usable as {@code NIX_PATH=nixpkgs=...} (it is rev1).
     */
    public static Path sourceDir() {
        return SOURCE_DIR;
    }

    /** {@code examples/imgproxy-lite/default.nix}, the seed-style expression. */
    public static Path seedDefaultNix() {
        return SEED_DEFAULT_NIX;
    }

    public Path tarball(Revision revision) {
        return packed.get(revision).tarball();
    }

    /** {@code file:///.../target/testnixpkgs/rev1.tar.gz}. */
    public String fileUrl(Revision revision) {
        return tarball(revision).toUri().toString();
    }

    /**
     * What {@code nix-prefetch-url --unpack} reports for the tarball: the base32 sha256 of its NAR.
     */
    public String sha256(Revision revision) {
        return packed.get(revision).sha256();
    }

    /**
     * The tarball's top directory, unpacked: holds {@code default.nix}; good for {@code NIX_PATH}.
     */
    public Path unpackedDir(Revision revision) {
        return packed.get(revision).unpackedDir();
    }

    /** {@code NIX_PATH} value that resolves {@code <nixpkgs>} to this revision. */
    public String nixPath(Revision revision) {
        return "nixpkgs=" + unpackedDir(revision);
    }

    /**
     * A {@code nixship.lock} pinning the revision through its {@code file://} URL, in the shape of
     * {@code examples/imgproxy-lite/nixship.lock}.
     */
    public String lockYaml(Revision revision) {
        return "channel: "
                + CHANNEL
                + "\nrelease: "
                + revision.release()
                + "\nrevision: "
                + revision.gitRevision()
                + "\nurl: "
                + fileUrl(revision)
                + "\nsha256: "
                + sha256(revision)
                + "\n";
    }

    /**
     * Rev1 with {@code lib/minver.nix} saying {@code version}: a nixpkgs that needs a newer Nix
     * than this machine's (e.g. {@code "99.0"}), as nixos-25.11 needs Nix 2.18 where Debian 12 has
     * 2.8.
     */
    public Tarball needingNix(String version) {
        try {
            String label = "rev1-nix-" + version;
            Path tarball = OUTPUT_DIR.resolve(label + ".tar.gz");
            Path partial = Files.createTempFile(OUTPUT_DIR, label, ".tar.gz.partial");
            writeTarball(
                    SOURCE_DIR,
                    Revision.REV1,
                    Map.of(
                            "lib/minver.nix",
                            ("\"" + version + "\"\n").getBytes(StandardCharsets.UTF_8)),
                    partial);
            Files.move(
                    partial,
                    tarball,
                    StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
            return new Tarball(tarball, prefetch(tarball));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The store path of the seed {@code default.nix} built with {@code BUILD=1} against the
     * revision.
     */
    public Path seedEnv(Revision revision) {
        return seedEnvs.computeIfAbsent(revision, this::buildSeedEnv);
    }

    /**
     * What {@code python3 -m pip freeze} prints in the seed environment of the revision (lines
     * ending in a newline), as run by the environment's own interpreter.
     */
    public String expectedFreeze(Revision revision) {
        return freezes.computeIfAbsent(
                revision,
                r ->
                        // A clean environment: nothing like PYTHONPATH from the caller may change
                        // the answer.
                        Processes.run(
                                List.of(
                                        "/usr/bin/env",
                                        "-i",
                                        seedEnv(r).resolve("bin/python3").toString(),
                                        "-m",
                                        "pip",
                                        "freeze"),
                                Map.of()));
    }

    private Path buildSeedEnv(Revision revision) {
        String out =
                Processes.run(
                        List.of(
                                TestNix.program("nix-build"),
                                SEED_DEFAULT_NIX.toString(),
                                "--no-out-link",
                                "--option",
                                "substituters",
                                ""),
                        Map.of("BUILD", "1", "NIX_PATH", nixPath(revision)));
        return Path.of(out.strip());
    }

    private static TestNixpkgs create() {
        try {
            Files.createDirectories(OUTPUT_DIR);
            Map<Revision, Packed> packed = new EnumMap<>(Revision.class);
            for (Revision revision : Revision.values()) {
                packed.put(revision, pack(revision));
            }
            return new TestNixpkgs(packed);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Packed pack(Revision revision) throws IOException {
        Path tarball = OUTPUT_DIR.resolve(revision.label() + ".tar.gz");
        Path partial = Files.createTempFile(OUTPUT_DIR, revision.label(), ".tar.gz.partial");
        writeTarball(SOURCE_DIR, revision, partial);
        Files.move(
                partial,
                tarball,
                StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
        String sha256 = prefetch(tarball);
        // Named by the hash: a directory that exists already has exactly this content.
        Path unpackRoot = OUTPUT_DIR.resolve(revision.label() + "-" + sha256);
        if (!Files.isDirectory(unpackRoot)) {
            Path temp = Files.createTempDirectory(OUTPUT_DIR, revision.label() + ".unpack");
            try {
                unpack(tarball, temp);
                Files.move(temp, unpackRoot, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                // Another JVM may have unpacked the same content first; that is as good.
                if (!Files.isDirectory(unpackRoot)) {
                    throw e;
                }
            } finally {
                deleteRecursively(temp);
            }
        }
        return new Packed(tarball, sha256, unpackRoot.resolve(topDirectory(revision)));
    }

    private static String prefetch(Path tarball) {
        return prefetch(tarball.toUri().toString());
    }

    /**
     * What {@code nix-prefetch-url --unpack URL} reports, as a machine without the tree would check
     * a lock.
     */
    public static String prefetch(String url) {
        return Processes.run(
                        List.of(TestNix.program("nix-prefetch-url"), "--unpack", url), Map.of())
                .strip();
    }

    /** The tarball's single top directory, like a channel's {@code nixpkgs-24.05...}. */
    static String topDirectory(Revision revision) {
        return "testnixpkgs-" + revision.label();
    }

    static void writeTarball(Path sourceDir, Revision revision, Path target) throws IOException {
        writeTarball(sourceDir, revision, Map.of(), target);
    }

    /**
     * Writes one revision as a channel publishes it: the source tree without {@link #NOT_PACKED},
     * plus {@code revision.nix} taken from {@code revisions/<label>.nix} and the channel's {@code
     * .git-revision}, {@code .version} and {@code .version-suffix}; {@code replaced} files (path to
     * content) win.
     */
    static void writeTarball(
            Path sourceDir, Revision revision, Map<String, byte[]> replaced, Path target)
            throws IOException {
        // Directories map to null; sorted so that every directory precedes its contents.
        Map<String, byte[]> entries = new TreeMap<>();
        entries.put("", null);
        try (Stream<Path> walk = Files.walk(sourceDir)) {
            for (Path path : walk.toList()) {
                String relative = sourceDir.relativize(path).toString();
                if (relative.isEmpty() || NOT_PACKED.contains(relative.split("/")[0])) {
                    continue;
                }
                entries.put(
                        Files.isDirectory(path) ? relative + "/" : relative,
                        Files.isDirectory(path) ? null : Files.readAllBytes(path));
            }
        }
        entries.put(
                "revision.nix",
                Files.readAllBytes(sourceDir.resolve("revisions/" + revision.label() + ".nix")));
        String version = revision.release().substring("nixos-".length());
        int suffix = version.indexOf('.', version.indexOf('.') + 1);
        entries.put(".git-revision", revision.gitRevision().getBytes(StandardCharsets.UTF_8));
        entries.put(".version", version.substring(0, suffix).getBytes(StandardCharsets.UTF_8));
        entries.put(".version-suffix", version.substring(suffix).getBytes(StandardCharsets.UTF_8));
        entries.putAll(replaced);

        GzipParameters gzip = new GzipParameters();
        gzip.setModificationTime(0);
        String top = topDirectory(revision) + "/";
        try (OutputStream file = Files.newOutputStream(target);
                GzipCompressorOutputStream gz = new GzipCompressorOutputStream(file, gzip);
                TarArchiveOutputStream tar = new TarArchiveOutputStream(gz)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                boolean directory = entry.getValue() == null;
                TarArchiveEntry tarEntry =
                        new TarArchiveEntry(
                                top + entry.getKey(),
                                directory ? TarArchiveEntry.LF_DIR : TarArchiveEntry.LF_NORMAL);
                tarEntry.setModTime(FileTime.from(TAR_MTIME_SECONDS, TimeUnit.SECONDS));
                tarEntry.setIds(0, 0);
                tarEntry.setNames("root", "root");
                tarEntry.setMode(directory ? 040755 : 0100644);
                if (directory) {
                    tar.putArchiveEntry(tarEntry);
                } else {
                    byte[] content = entry.getValue();
                    tarEntry.setSize(content.length);
                    tar.putArchiveEntry(tarEntry);
                    tar.write(content);
                }
                tar.closeArchiveEntry();
            }
        }
    }

    // The JDK's gzip reader: commons-compress 1.28's needs commons-io 2.20, while github-api pins
    // 2.16.1 on the test classpath.
    private static void unpack(Path tarball, Path into) throws IOException {
        try (InputStream file = Files.newInputStream(tarball);
                TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(file))) {
            for (TarArchiveEntry entry = tar.getNextEntry();
                    entry != null;
                    entry = tar.getNextEntry()) {
                Path target = into.resolve(entry.getName()).normalize();
                if (!target.startsWith(into)) {
                    throw new IOException(
                            "tar entry outside the target directory: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(tar, target);
                }
            }
        }
    }

    static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                path.toFile().setWritable(true);
                Files.delete(path);
            }
        }
    }

    /** Runs host commands (Nix, Python) offline; output is stdout, failures carry stderr. */
    static final class Processes {
        private Processes() {}

        static String run(List<String> command, Map<String, String> extraEnvironment) {
            try {
                Path stderr = Files.createTempFile("testnixpkgs", ".stderr");
                try {
                    ProcessBuilder builder =
                            new ProcessBuilder(command).redirectError(stderr.toFile());
                    builder.environment().put("NIX_CONFIG", "substituters =");
                    builder.environment().putAll(extraEnvironment);
                    Process process = builder.start();
                    process.getOutputStream().close();
                    String out =
                            new String(
                                    process.getInputStream().readAllBytes(),
                                    StandardCharsets.UTF_8);
                    int exit = process.waitFor();
                    if (exit != 0) {
                        throw new IllegalStateException(
                                String.join(" ", command)
                                        + " exited "
                                        + exit
                                        + ":\n"
                                        + Files.readString(stderr));
                    }
                    return out;
                } finally {
                    Files.deleteIfExists(stderr);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted: " + String.join(" ", command), e);
            }
        }
    }
}
