package io.nixship.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nixship.NixshipException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.eclipse.jgit.diff.DiffAlgorithm;
import org.eclipse.jgit.diff.Edit;
import org.eclipse.jgit.diff.RawText;
import org.eclipse.jgit.diff.RawTextComparator;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each directory under manifest/corpus holds {@code in/} (manifests before), {@code out/} (the
 * exact bytes expected after the bump) and {@code case.properties} (image, pin, manifests).
 */
class ManifestCorpusTest {
    @TempDir Path workspace;

    static Stream<String> cases() throws IOException {
        try (Stream<Path> dirs = Files.list(corpus())) {
            return dirs.map(dir -> dir.getFileName().toString()).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void bumpProducesExactlyTheExpectedBytes(String name) throws IOException {
        Path caseDir = corpus().resolve(name);
        copyTree(caseDir.resolve("in"), workspace);
        Properties properties = properties(caseDir);
        ManifestBumper bumper = new ManifestBumper(new LocalManifestFiles(workspace));
        ImageReference target = ImageReference.parse(properties.getProperty("image"));
        PinStyle pin = PinStyle.parse(properties.getProperty("pin"));
        List<ManifestSpec> specs =
                Arrays.stream(properties.getProperty("manifests").split(","))
                        .map(ManifestSpec::parse)
                        .toList();

        String refused = properties.getProperty("refused");
        if (refused != null) {
            assertThatThrownBy(() -> bumper.plan(target, specs, pin))
                    .isInstanceOf(NixshipException.class)
                    .hasMessageContaining(refused)
                    .hasMessageEndingWith("nothing was written");
            assertThat(files(caseDir.resolve("out"))).isNotEmpty();
            for (Path expected : files(caseDir.resolve("out"))) {
                Path relative = caseDir.resolve("out").relativize(expected);
                assertThat(Files.readAllBytes(workspace.resolve(relative)))
                        .as(relative.toString())
                        .isEqualTo(Files.readAllBytes(expected));
            }
            return;
        }
        List<FileEdit> edits = bumper.plan(target, specs, pin);
        bumper.apply(edits);

        for (Change change : edits.stream().flatMap(edit -> edit.changes().stream()).toList()) {
            ImageReference written = ImageReference.parse(change.newReference());
            assertThat(written.sameRepository(target)).as(change.toString()).isTrue();
            assertThat(ImageReference.parse(change.oldReference()).sameRepository(target))
                    .as(change.toString())
                    .isTrue();
            if (pin != PinStyle.TAG) {
                assertThat(written.digest()).as(change.toString()).isEqualTo(target.digest());
            }
            if (pin != PinStyle.DIGEST) {
                assertThat(written.tag()).as(change.toString()).isEqualTo(target.tag());
            }
        }

        for (Path expected : files(caseDir.resolve("out"))) {
            Path relative = caseDir.resolve("out").relativize(expected);
            byte[] before = Files.readAllBytes(caseDir.resolve("in").resolve(relative));
            byte[] after = Files.readAllBytes(workspace.resolve(relative));
            assertThat(new String(after, StandardCharsets.UTF_8))
                    .as(relative.toString())
                    .isEqualTo(new String(Files.readAllBytes(expected), StandardCharsets.UTF_8));
            assertThat(after).as(relative.toString()).isEqualTo(Files.readAllBytes(expected));
            assertOnlyImageBytesDiffer(before, after);
        }
        assertThat(ManifestBumper.wouldChange(bumper.plan(target, specs, pin)))
                .as("a second bump finds nothing to change")
                .isFalse();
    }

    /** Changed lines differ only in image characters; added lines only add tag or digest keys. */
    private static void assertOnlyImageBytesDiffer(byte[] before, byte[] after) {
        RawText a = new RawText(before);
        RawText b = new RawText(after);
        for (Edit edit :
                DiffAlgorithm.getAlgorithm(DiffAlgorithm.SupportedAlgorithm.HISTOGRAM)
                        .diff(RawTextComparator.DEFAULT, a, b)) {
            if (edit.getLengthA() == edit.getLengthB()) {
                for (int i = 0; i < edit.getLengthA(); i++) {
                    String oldLine = a.getString(edit.getBeginA() + i);
                    String newLine = b.getString(edit.getBeginB() + i);
                    String oldSkeleton = skeleton(oldLine);
                    String newSkeleton = skeleton(newLine);
                    // Only runs of image characters change; a flow mapping may gain one ", key:
                    // value".
                    assertThat(
                                    newSkeleton.equals(oldSkeleton)
                                            || newSkeleton
                                                    .replaceFirst(", X X", "")
                                                    .equals(oldSkeleton))
                            .as("only image text differs between%n%s%n%s", oldLine, newLine)
                            .isTrue();
                }
            } else if (edit.getLengthA() == 0) {
                for (int i = 0; i < edit.getLengthB(); i++) {
                    assertThat(b.getString(edit.getBeginB() + i))
                            .matches("\\s*(digest|newTag|tag): \\S+\\r?");
                }
            } else if (edit.getLengthA() == 1 && edit.getLengthB() > 1) {
                // A key line whose value changed, followed by the tag or digest keys added.
                assertThat(skeleton(b.getString(edit.getBeginB())))
                        .isEqualTo(skeleton(a.getString(edit.getBeginA())));
                for (int i = 1; i < edit.getLengthB(); i++) {
                    assertThat(b.getString(edit.getBeginB() + i))
                            .matches("\\s*(digest|newTag|tag): \\S+\\r?");
                }
            } else {
                throw new AssertionError("unexpected change of lines " + edit);
            }
        }
    }

    private static String skeleton(String line) {
        return line.replaceAll("[\\w.:/@\"'-]+", "X");
    }

    static Path corpus() {
        try {
            return Path.of(ManifestCorpusTest.class.getResource("/manifest/corpus").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Properties properties(Path caseDir) throws IOException {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(caseDir.resolve("case.properties"))) {
            properties.load(in);
        }
        return properties;
    }

    static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            return paths.filter(Files::isRegularFile).sorted().toList();
        }
    }

    static void copyTree(Path from, Path to) throws IOException {
        List<Path> sources = new ArrayList<>(files(from));
        sources.forEach(
                source -> {
                    Path target = to.resolve(from.relativize(source).toString());
                    try {
                        Files.createDirectories(target.getParent());
                        Files.copy(source, target);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
    }
}
