package io.nixship.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nixship.NixshipException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayerTarWriterTest {
    private static final String PYTHON = FakeStore.storePath('p', "python3-3.12.4");
    private static final String GLIBC = FakeStore.storePath('g', "glibc-2.39");

    @TempDir Path temp;

    private byte[] tar(Path root, List<String> storePaths) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new LayerTarWriter().writeStorePaths(root, storePaths, out);
        return out.toByteArray();
    }

    private FakeStore pythonAndGlibc(Path root, Instant mtime) throws IOException {
        FakeStore store = new FakeStore(root, mtime);
        store.file(GLIBC, "lib/libc.so.6", "libc", true);
        store.file(PYTHON, "bin/python3.12", "#!python", true);
        store.file(PYTHON, "lib/python3.12/os.py", "import sys\n", false);
        store.symlink(PYTHON, "bin/python3", "python3.12");
        store.symlink(PYTHON, "lib/libc.so.6", GLIBC + "/lib/libc.so.6");
        store.symlink(PYTHON, "lib/dangling", "/nix/store/" + "z".repeat(32) + "-gone/nothing");
        return store;
    }

    @Test
    void keepsSymlinksAsSymlinksIncludingDanglingAndAbsoluteStoreTargets() throws IOException {
        FakeStore store = pythonAndGlibc(temp.resolve("root"), Instant.now());

        TarEntries tar = TarEntries.read(tar(store.root(), List.of(PYTHON)));

        String base = PYTHON.substring(1);
        assertThat(tar.get(base + "/bin/python3").isSymbolicLink()).isTrue();
        assertThat(tar.get(base + "/bin/python3").getLinkName()).isEqualTo("python3.12");
        assertThat(tar.get(base + "/lib/libc.so.6").getLinkName())
                .isEqualTo(GLIBC + "/lib/libc.so.6");
        assertThat(tar.get(base + "/lib/dangling").getLinkName()).endsWith("-gone/nothing");
        assertThat(tar.names()).noneMatch(n -> n.startsWith(GLIBC.substring(1)));
    }

    @Test
    void writesOnlyTheStorePathsUnderParentDirectoriesSortedByName() throws IOException {
        FakeStore store = pythonAndGlibc(temp.resolve("root"), Instant.now());

        TarEntries tar = TarEntries.read(tar(store.root(), List.of(PYTHON, GLIBC)));

        String py = PYTHON.substring(1);
        String libc = GLIBC.substring(1);
        assertThat(tar.names())
                .containsExactly(
                        "nix/",
                        "nix/store/",
                        libc + "/",
                        libc + "/lib/",
                        libc + "/lib/libc.so.6",
                        py + "/",
                        py + "/bin/",
                        py + "/bin/python3",
                        py + "/bin/python3.12",
                        py + "/lib/",
                        py + "/lib/dangling",
                        py + "/lib/libc.so.6",
                        py + "/lib/python3.12/",
                        py + "/lib/python3.12/os.py");
        assertThat(tar.contents).containsEntry(py + "/lib/python3.12/os.py", "import sys\n");
    }

    @Test
    void keepsModesAndOwnsEverythingByRootAtTheFixedMtime() throws IOException {
        FakeStore store = pythonAndGlibc(temp.resolve("root"), Instant.now());
        Files.setPosixFilePermissions(
                store.location(PYTHON).resolve("bin"),
                PosixFilePermissions.fromString("r-xr-xr-x"));

        TarEntries tar = TarEntries.read(tar(store.root(), List.of(PYTHON)));

        String py = PYTHON.substring(1);
        assertThat(tar.get(py + "/bin/python3.12").getMode()).isEqualTo(0555);
        assertThat(tar.get(py + "/lib/python3.12/os.py").getMode()).isEqualTo(0444);
        assertThat(tar.get(py + "/bin/").getMode()).isEqualTo(0555);
        assertThat(tar.get("nix/store/").getMode()).isEqualTo(0755);
        for (TarArchiveEntry entry : tar.entries) {
            assertThat(entry.getLongUserId()).isZero();
            assertThat(entry.getLongGroupId()).isZero();
            assertThat(entry.getUserName()).isEqualTo("root");
            assertThat(entry.getGroupName()).isEqualTo("root");
            assertThat(entry.getLastModifiedDate().toInstant())
                    .isEqualTo(LayerTarWriter.DEFAULT_MTIME);
        }
    }

    @Test
    void writesHardLinkedFilesAsRegularFilesSoStoreOptimisationCannotChangeTheLayer()
            throws IOException {
        String pkg = FakeStore.storePath('h', "hardlinks-1.0");
        FakeStore linked = new FakeStore(temp.resolve("linked"), Instant.EPOCH);
        Path original = linked.file(pkg, "a/data", "same bytes", false);
        linked.hardLink(pkg, "b/data", original);
        FakeStore copied = new FakeStore(temp.resolve("copied"), Instant.EPOCH);
        copied.file(pkg, "a/data", "same bytes", false);
        copied.file(pkg, "b/data", "same bytes", false);

        byte[] fromLinks = tar(linked.root(), List.of(pkg));

        TarEntries tar = TarEntries.read(fromLinks);
        assertThat(tar.get(pkg.substring(1) + "/b/data").isFile()).isTrue();
        assertThat(tar.contents).containsEntry(pkg.substring(1) + "/b/data", "same bytes");
        assertThat(fromLinks).isEqualTo(tar(copied.root(), List.of(pkg)));
    }

    @Test
    void supportsNamesLongerThanTheUstarLimitsAndLongLinkTargets() throws IOException {
        FakeStore store = new FakeStore(temp.resolve("root"), Instant.now());
        String longDir = "d".repeat(60) + "/" + "e".repeat(60);
        String longName = longDir + "/" + "f".repeat(120) + ".py";
        String longTarget = "../".repeat(3) + "t".repeat(200);
        store.file(PYTHON, longName, "long", false);
        store.symlink(PYTHON, "link-with-long-target", longTarget);

        TarEntries tar = TarEntries.read(tar(store.root(), List.of(PYTHON)));

        String fullName = PYTHON.substring(1) + "/" + longName;
        assertThat(fullName.length()).isGreaterThan(255);
        assertThat(tar.contents).containsEntry(fullName, "long");
        assertThat(tar.get(PYTHON.substring(1) + "/link-with-long-target").getLinkName())
                .isEqualTo(longTarget);
    }

    @Test
    void sameTreeInDifferentDirectoriesAtDifferentTimesGivesIdenticalLayers() throws IOException {
        FakeStore first =
                pythonAndGlibc(temp.resolve("first"), Instant.parse("2001-01-01T00:00:00Z"));
        FakeStore second =
                pythonAndGlibc(
                        temp.resolve("elsewhere/second"),
                        Instant.parse("2024-06-30T12:34:56.789Z"));
        LayerCompressor compressor = new LayerCompressor();

        LayerDigests a =
                compressor.compress(
                        out ->
                                new LayerTarWriter()
                                        .writeStorePaths(first.root(), List.of(PYTHON, GLIBC), out),
                        new ByteArrayOutputStream());
        LayerDigests b =
                compressor.compress(
                        out ->
                                new LayerTarWriter()
                                        .writeStorePaths(
                                                second.root(), List.of(PYTHON, GLIBC), out),
                        new ByteArrayOutputStream());

        assertThat(a).isEqualTo(b);
    }

    @Test
    void compressesInOnePassWithDigestsOfBothForms() throws IOException {
        FakeStore store = pythonAndGlibc(temp.resolve("root"), Instant.now());
        byte[] tar = tar(store.root(), List.of(PYTHON));
        ByteArrayOutputStream gz = new ByteArrayOutputStream();

        LayerDigests digests = new LayerCompressor().compress(out -> out.write(tar), gz);

        byte[] compressed = gz.toByteArray();
        assertThat(digests.diffId()).isEqualTo(Digests.sha256(tar));
        assertThat(digests.digest()).isEqualTo(Digests.sha256(compressed));
        assertThat(digests.size()).isEqualTo(compressed.length);
        assertThat(new GZIPInputStream(new ByteArrayInputStream(compressed)).readAllBytes())
                .isEqualTo(tar);
        assertThat(compressed).startsWith(0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff);
    }

    @Test
    void writesStorePathsThatAreASingleFileOrASymlink() throws IOException {
        FakeStore store = new FakeStore(temp.resolve("root"), Instant.now());
        String file = FakeStore.storePath('t', "builder.sh");
        String link = FakeStore.storePath('l', "python-link");
        Files.writeString(store.location(file), "echo hi\n");
        Files.createSymbolicLink(store.location(link), Path.of(PYTHON + "/bin/python3"));

        TarEntries tar = TarEntries.read(tar(store.root(), List.of(file, link)));

        assertThat(tar.names())
                .containsExactly("nix/", "nix/store/", link.substring(1), file.substring(1));
        assertThat(tar.contents).containsEntry(file.substring(1), "echo hi\n");
        assertThat(tar.get(link.substring(1)).getLinkName()).isEqualTo(PYTHON + "/bin/python3");
    }

    @Test
    void refusesAStorePathThatIsMissing() {
        assertThatThrownBy(() -> tar(temp, List.of(PYTHON)))
                .isInstanceOf(NixshipException.class)
                .hasMessageContaining(PYTHON)
                .hasMessageContaining("missing");
    }

    @Test
    void writesTheAppLayerWithTheFilesystemAContainerExpects() throws IOException {
        Path app = Files.createDirectories(temp.resolve("app"));
        Files.writeString(app.resolve("app.py"), "print('hi')\n");
        Files.setPosixFilePermissions(
                app.resolve("app.py"), PosixFilePermissions.fromString("rwx------"));
        Files.createDirectories(app.resolve("static"));
        Files.writeString(app.resolve("static/index.html"), "<p>hi</p>");
        Files.setPosixFilePermissions(
                app.resolve("static/index.html"), PosixFilePermissions.fromString("rw-rw-rw-"));
        String env = FakeStore.storePath('e', "python3-3.12.4-env");
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        new LayerTarWriter().writeAppLayer(new AppLayerContents(app, "/srv/app", env), out);

        TarEntries tar = TarEntries.read(out.toByteArray());
        assertThat(tar.names())
                .containsExactly(
                        "bin",
                        "etc/",
                        "etc/group",
                        "etc/passwd",
                        "srv/",
                        "srv/app/",
                        "srv/app/app.py",
                        "srv/app/static/",
                        "srv/app/static/index.html",
                        "tmp/");
        assertThat(tar.get("bin").getLinkName()).isEqualTo(env + "/bin");
        assertThat(tar.get("tmp/").getMode()).isEqualTo(01777);
        assertThat(tar.get("srv/app/app.py").getMode()).isEqualTo(0755);
        assertThat(tar.get("srv/app/static/index.html").getMode()).isEqualTo(0644);
        assertThat(tar.contents.get("etc/passwd"))
                .contains("root:x:0:0:")
                .contains("nobody:x:65534:65534:");
        assertThat(tar.contents.get("etc/group")).contains("root:x:0:").contains("nobody:x:65534:");
    }

    @Test
    void writesAnEmptyWorkdirWhenThereAreNoAppFiles() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        new LayerTarWriter()
                .writeAppLayer(
                        new AppLayerContents(
                                temp.resolve("absent"), "/opt", FakeStore.storePath('e', "env")),
                        out);

        assertThat(TarEntries.read(out.toByteArray()).names())
                .containsExactly("bin", "etc/", "etc/group", "etc/passwd", "opt/", "tmp/");
    }

    @Test
    void refusesAWorkdirThatWouldHideTheBaseFilesystem() {
        String env = FakeStore.storePath('e', "env");
        assertThatThrownBy(() -> new AppLayerContents(temp, "/etc/app", env))
                .isInstanceOf(NixshipException.class)
                .hasMessageStartingWith("app.workdir: '/etc/app'");
        assertThatThrownBy(() -> new AppLayerContents(temp, "opt", env))
                .hasMessageStartingWith("app.workdir: 'opt'");
        assertThat(new AppLayerContents(temp, "/opt/", env).workdir()).isEqualTo("/opt");
    }
}
