package io.nixship.manifest;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** A manifest file's bytes before and after a bump, with the references changed in it. */
public record FileEdit(Path path, byte[] oldBytes, byte[] newBytes, List<Change> changes) {
    public FileEdit {
        oldBytes = oldBytes.clone();
        newBytes = newBytes.clone();
        changes = List.copyOf(changes);
    }

    public boolean changed() {
        return !Arrays.equals(oldBytes, newBytes);
    }

    @Override
    public byte[] oldBytes() {
        return oldBytes.clone();
    }

    @Override
    public byte[] newBytes() {
        return newBytes.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof FileEdit edit
                && path.equals(edit.path)
                && Arrays.equals(oldBytes, edit.oldBytes)
                && Arrays.equals(newBytes, edit.newBytes)
                && changes.equals(edit.changes);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * path.hashCode() + Arrays.hashCode(newBytes)) + changes.hashCode();
    }

    @Override
    public String toString() {
        return "FileEdit[" + path + ", " + changes + "]";
    }
}
