package io.nixship.reliability;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/** What a directory nixship wrote holds, byte for byte: files, with gzip layers opened. */
public final class Blobs {
    private Blobs() {}

    /** Files under {@code root} (gzip members decompressed) whose bytes contain {@code needle}. */
    public static List<Path> filesContaining(Path root, String needle) {
        byte[] wanted = needle.getBytes(StandardCharsets.UTF_8);
        List<Path> found = new ArrayList<>();
        if (!Files.exists(root)) {
            return found;
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
                        && contains(contentOf(file), wanted)) {
                    found.add(file);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found;
    }

    /** The entry names of every tar layer in an OCI layout. */
    static List<String> layerEntryNames(Path layout) {
        List<String> names = new ArrayList<>();
        try (Stream<Path> files = Files.list(layout.resolve("blobs/sha256"))) {
            for (Path blob : (Iterable<Path>) files::iterator) {
                byte[] bytes = contentOf(blob);
                if (!isTar(bytes)) {
                    continue;
                }
                try (TarArchiveInputStream tar =
                        new TarArchiveInputStream(new ByteArrayInputStream(bytes))) {
                    for (TarArchiveEntry entry = tar.getNextEntry();
                            entry != null;
                            entry = tar.getNextEntry()) {
                        names.add(entry.getName());
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return names;
    }

    public static byte[] contentOf(Path file) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            if (bytes.length > 2 && (bytes[0] & 0xff) == 0x1f && (bytes[1] & 0xff) == 0x8b) {
                try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
                    return in.readAllBytes();
                }
            }
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isTar(byte[] bytes) {
        return bytes.length >= 512
                && new String(bytes, 257, 5, StandardCharsets.US_ASCII).equals("ustar");
    }

    static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
