package io.nixship.image;

import io.nixship.NixshipException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Writes layer tars that are the same bytes wherever and whenever they are written.
 *
 * <p>Hand-written on commons-compress rather than Jib: Jib dereferences symlinks, and a Nix closure
 * is full of them (into other store paths, relative, sometimes dangling), so they must stay
 * symlinks.
 *
 * <p>Every entry is owned by root (0/0, "root"/"root"), has the same mtime, and entries are sorted
 * by name. Modes are the filesystem's (the store is read-only and canonical, so this is stable).
 * The parents {@code nix/} and {@code nix/store/} are written with mode 0755 in every store layer,
 * so layer order never changes them. Hard links are written as separate regular files: whether two
 * store files share an inode depends on the machine's store optimisation, and the layer must not.
 * Long names and link targets use PAX headers, whose contents depend only on the entry.
 */
public final class LayerTarWriter {
    public static final Instant DEFAULT_MTIME = Instant.ofEpochSecond(1);

    private static final int DIRECTORY_MODE = 0755;
    private static final int FILE_MODE = 0644;
    private static final int EXECUTABLE_MODE = 0755;
    private static final int SYMLINK_MODE = 0777;
    private static final int STICKY_WORLD_WRITABLE_MODE = 01777;
    private static final String ETC_PASSWD =
            "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n";
    private static final String ETC_GROUP = "root:x:0:\nnobody:x:65534:\n";

    private final FileTime mtime;

    public LayerTarWriter() {
        this(DEFAULT_MTIME);
    }

    /**
     * Entries get {@code mtime}, truncated to whole seconds so no PAX time header is ever needed.
     */
    public LayerTarWriter(Instant mtime) {
        if (mtime.getEpochSecond() < 0) {
            throw new IllegalArgumentException("layer mtime must not be before 1970: " + mtime);
        }
        this.mtime = FileTime.from(Instant.ofEpochSecond(mtime.getEpochSecond()));
    }

    public Instant mtime() {
        return mtime.toInstant();
    }

    /**
     * Writes the store paths as found under {@code fsRoot} (the real store is {@code fsRoot = /};
     * tests use a temp dir holding {@code nix/store/...}). Symlinks are never followed.
     */
    public void writeStorePaths(Path fsRoot, Collection<String> storePaths, OutputStream out)
            throws IOException {
        List<Item> items = new ArrayList<>();
        items.add(Item.directory("nix/", DIRECTORY_MODE));
        items.add(Item.directory("nix/store/", DIRECTORY_MODE));
        for (String storePath : storePaths) {
            String base = StorePaths.requireStorePath(storePath);
            Path location = fsRoot.resolve("nix/store").resolve(base);
            if (!Files.exists(location, LinkOption.NOFOLLOW_LINKS)) {
                throw NixshipException.failure(
                        "store path "
                                + storePath
                                + " is missing under "
                                + fsRoot
                                + "; rebuild it (nix-build) or check the closure");
            }
            addTree(location, "nix/store/" + base, true, items);
        }
        write(items, out);
    }

    /**
     * Writes the app layer: {@code /bin} pointing into the environment, {@code /etc/passwd} and
     * {@code /etc/group} with root and nobody, {@code /tmp} (1777), and the app files at the
     * workdir. App file modes are normalised (0755 if the owner may execute, else 0644) so the
     * umask of the machine that checked them out does not matter.
     */
    public void writeAppLayer(AppLayerContents app, OutputStream out) throws IOException {
        List<Item> items = new ArrayList<>();
        items.add(Item.symlink("bin", app.environmentPath() + "/bin"));
        items.add(Item.directory("etc/", DIRECTORY_MODE));
        items.add(Item.bytes("etc/group", FILE_MODE, ETC_GROUP.getBytes(StandardCharsets.UTF_8)));
        items.add(Item.bytes("etc/passwd", FILE_MODE, ETC_PASSWD.getBytes(StandardCharsets.UTF_8)));
        items.add(Item.directory("tmp/", STICKY_WORLD_WRITABLE_MODE));
        String workdir = app.workdir().substring(1);
        String[] parts = workdir.split("/");
        StringBuilder parent = new StringBuilder();
        for (int i = 0; i < parts.length - 1; i++) {
            parent.append(parts[i]).append('/');
            items.add(Item.directory(parent.toString(), DIRECTORY_MODE));
        }
        if (Files.isDirectory(app.appDirectory(), LinkOption.NOFOLLOW_LINKS)) {
            addTree(app.appDirectory(), workdir, false, items);
        } else {
            items.add(Item.directory(workdir + "/", DIRECTORY_MODE));
        }
        write(items, out);
    }

    private static void addTree(Path root, String rootName, boolean keepModes, List<Item> items)
            throws IOException {
        Files.walkFileTree(
                root,
                new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
                            throws IOException {
                        items.add(
                                Item.directory(
                                        nameOf(dir) + "/",
                                        keepModes ? modeOf(dir) : DIRECTORY_MODE));
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                            throws IOException {
                        String name = nameOf(file);
                        if (attrs.isSymbolicLink()) {
                            items.add(Item.symlink(name, Files.readSymbolicLink(file).toString()));
                        } else if (attrs.isRegularFile()) {
                            int mode = modeOf(file);
                            if (!keepModes) {
                                mode = (mode & 0100) != 0 ? EXECUTABLE_MODE : FILE_MODE;
                            }
                            items.add(Item.file(name, mode, attrs.size(), file));
                        } else {
                            throw NixshipException.failure(
                                    file
                                            + " is neither a file, a directory nor a symlink; a layer cannot hold it");
                        }
                        return FileVisitResult.CONTINUE;
                    }

                    private String nameOf(Path path) {
                        String relative = root.relativize(path).toString();
                        return relative.isEmpty() ? rootName : rootName + "/" + relative;
                    }
                });
    }

    private static int modeOf(Path path) throws IOException {
        return (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
    }

    private void write(List<Item> items, OutputStream out) throws IOException {
        items.sort(Comparator.comparing(Item::name));
        TarArchiveOutputStream tar =
                new TarArchiveOutputStream(
                        new UnclosedOutputStream(out), StandardCharsets.UTF_8.name());
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        tar.setAddPaxHeadersForNonAsciiNames(true);
        for (Item item : items) {
            TarArchiveEntry entry = new TarArchiveEntry(item.name(), item.type(), true);
            entry.setMode(item.mode());
            entry.setUserId(0);
            entry.setGroupId(0);
            entry.setUserName("root");
            entry.setGroupName("root");
            entry.setModTime(mtime);
            if (item.type() == TarConstants.LF_SYMLINK) {
                entry.setLinkName(item.linkTarget());
            }
            if (item.type() == TarConstants.LF_NORMAL) {
                entry.setSize(item.size());
            }
            tar.putArchiveEntry(entry);
            if (item.type() == TarConstants.LF_NORMAL) {
                copyContent(item, tar);
            }
            tar.closeArchiveEntry();
        }
        tar.finish();
        tar.close();
    }

    private static void copyContent(Item item, OutputStream tar) throws IOException {
        if (item.bytes() != null) {
            tar.write(item.bytes());
            return;
        }
        long copied;
        try (InputStream in = Files.newInputStream(item.file(), LinkOption.NOFOLLOW_LINKS)) {
            copied = in.transferTo(tar);
        }
        if (copied != item.size()) {
            throw NixshipException.failure(
                    item.file()
                            + " changed size while being archived ("
                            + item.size()
                            + " bytes expected, "
                            + copied
                            + " read); store paths must not change");
        }
    }

    /** One tar entry to write; {@code file} or {@code bytes} gives a regular file's content. */
    private record Item(
            String name,
            byte type,
            int mode,
            String linkTarget,
            long size,
            Path file,
            byte[] bytes) {
        static Item directory(String name, int mode) {
            return new Item(name, TarConstants.LF_DIR, mode, null, 0, null, null);
        }

        static Item symlink(String name, String target) {
            return new Item(name, TarConstants.LF_SYMLINK, SYMLINK_MODE, target, 0, null, null);
        }

        static Item file(String name, int mode, long size, Path file) {
            return new Item(name, TarConstants.LF_NORMAL, mode, null, size, file, null);
        }

        static Item bytes(String name, int mode, byte[] bytes) {
            return new Item(name, TarConstants.LF_NORMAL, mode, null, bytes.length, null, bytes);
        }
    }
}
