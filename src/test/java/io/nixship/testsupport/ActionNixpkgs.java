package io.nixship.testsupport;

import io.nixship.testsupport.TestNixpkgs.Revision;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The nixpkgs of the action image's scenarios, {@code src/test/resources/actionnixpkgs} (see its
 * default.nix: built from /bin/sh and coreutils only, so the Debian 13 image's Nix builds the same
 * store paths as the host's), packed per revision like {@link TestNixpkgs} and served by a {@link
 * ChannelServer}, so that a container on the host network fetches it over HTTP as from a real
 * channel.
 */
public final class ActionNixpkgs {
    private static final Path PROJECT_DIR = Path.of(System.getProperty("user.dir"));
    private static final Path SOURCE_DIR = PROJECT_DIR.resolve("src/test/resources/actionnixpkgs");
    private static final Path OUTPUT_DIR = PROJECT_DIR.resolve("target/actionnixpkgs");

    /**
     * Revision 2 needs the Nix that nixpkgs needs from nixos-25.11 on; the image has it, the host
     * does not.
     */
    private static final Map<String, byte[]> CURRENT_MINVER =
            Map.of("lib/minver.nix", "\"2.18\"\n".getBytes(StandardCharsets.UTF_8));

    private record Packed(Path tarball, String sha256) {}

    private final Map<Revision, Packed> packed;

    private ActionNixpkgs(Map<Revision, Packed> packed) {
        this.packed = packed;
    }

    /** Packs both revisions and hashes them with the host's Nix. */
    public static ActionNixpkgs pack() {
        try {
            Files.createDirectories(OUTPUT_DIR);
            Map<Revision, Packed> packed = new EnumMap<>(Revision.class);
            for (Revision revision : Revision.values()) {
                Path tarball = OUTPUT_DIR.resolve(revision.label() + ".tar.gz");
                Path partial =
                        Files.createTempFile(OUTPUT_DIR, revision.label(), ".tar.gz.partial");
                TestNixpkgs.writeTarball(
                        SOURCE_DIR,
                        revision,
                        revision == Revision.REV2 ? CURRENT_MINVER : Map.of(),
                        partial);
                Files.move(
                        partial,
                        tarball,
                        StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.ATOMIC_MOVE);
                String sha256 =
                        TestNixpkgs.Processes.run(
                                        List.of(
                                                TestNix.program("nix-prefetch-url"),
                                                "--unpack",
                                                tarball.toUri().toString()),
                                        Map.of())
                                .strip();
                packed.put(revision, new Packed(tarball, sha256));
            }
            return new ActionNixpkgs(packed);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Publishes the revision on {@code channels} as a release of {@link TestNixpkgs#CHANNEL}, which
     * moves there.
     */
    public String publish(ChannelServer channels, Revision revision) {
        String release = ChannelServer.releaseName(TestNixpkgs.CHANNEL, revision);
        channels.publish(
                TestNixpkgs.CHANNEL,
                release,
                revision.gitRevision(),
                packed.get(revision).tarball());
        return release;
    }

    /** A nixship.lock pinning the revision at its URL on {@code channels} (publish it first). */
    public String lockYaml(ChannelServer channels, Revision revision) {
        String release = ChannelServer.releaseName(TestNixpkgs.CHANNEL, revision);
        return "channel: "
                + TestNixpkgs.CHANNEL
                + "\nrelease: "
                + release
                + "\nrevision: "
                + revision.gitRevision()
                + "\nurl: "
                + channels.tarballUrl(TestNixpkgs.CHANNEL, release)
                + "\nsha256: "
                + packed.get(revision).sha256()
                + "\n";
    }
}
