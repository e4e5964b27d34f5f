package io.nixship.image;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/** Reads a tar back for assertions: entries in order, and regular files' contents. */
final class TarEntries {
    final List<TarArchiveEntry> entries = new ArrayList<>();
    final Map<String, String> contents = new LinkedHashMap<>();

    static TarEntries read(byte[] tar) throws IOException {
        return read(new ByteArrayInputStream(tar));
    }

    static TarEntries read(InputStream in) throws IOException {
        TarEntries result = new TarEntries();
        try (TarArchiveInputStream tar =
                new TarArchiveInputStream(in, StandardCharsets.UTF_8.name())) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                result.entries.add(entry);
                if (entry.isFile()) {
                    result.contents.put(
                            entry.getName(),
                            new String(tar.readAllBytes(), StandardCharsets.UTF_8));
                }
            }
        }
        return result;
    }

    List<String> names() {
        return entries.stream().map(TarArchiveEntry::getName).toList();
    }

    TarArchiveEntry get(String name) {
        return entries.stream()
                .filter(e -> e.getName().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no entry " + name + " in " + names()));
    }
}
