package io.nixship.manifest;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Points the manifests at a new image: plans the edits for every configured file, renders them, and
 * writes them. Planning reads only; nothing is written until {@link #apply}.
 */
public final class ManifestBumper {
    private final ManifestFiles files;
    private final ManifestLocator locator = new ManifestLocator();
    private final ManifestEditor editor = new ManifestEditor();

    public ManifestBumper(ManifestFiles files) {
        this.files = files;
    }

    /** Every place the manifests name {@code target}'s repository, with the reference there now. */
    public List<ImageSite> locate(ImageReference target, List<ManifestSpec> manifests) {
        List<ImageSite> sites = new ArrayList<>();
        expand(manifests)
                .forEach(
                        (file, kind) ->
                                sites.addAll(
                                        locator.locate(
                                                file.toString(),
                                                files.read(file),
                                                kind.resolve(file),
                                                target)));
        return sites;
    }

    /**
     * One edit per file that would change; empty when every reference already names the target (or
     * none exists: {@link #locate} tells the two apart). Any file failing to parse or edit fails
     * the whole plan, before anything is written.
     */
    public List<FileEdit> plan(ImageReference target, List<ManifestSpec> manifests, PinStyle pin) {
        pin.requireParts(target);
        List<FileEdit> edits = new ArrayList<>();
        expand(manifests)
                .forEach(
                        (file, kind) -> {
                            FileEdit edit = editor.edit(file, files.read(file), kind, target, pin);
                            if (edit.changed()) {
                                edits.add(edit);
                            }
                        });
        return edits;
    }

    /** True when applying {@code edits} would change a file: the {@code --check} answer. */
    public static boolean wouldChange(List<FileEdit> edits) {
        return edits.stream().anyMatch(FileEdit::changed);
    }

    /** Writes each changed file in place, atomically per file. */
    public void apply(List<FileEdit> edits) {
        for (FileEdit edit : edits) {
            if (edit.changed()) {
                files.writeAtomically(edit.path(), edit.newBytes());
            }
        }
    }

    /** Files in configuration order, each once, with the kind of the first entry naming it. */
    private Map<Path, ManifestKind> expand(List<ManifestSpec> manifests) {
        Map<Path, ManifestKind> expanded = new LinkedHashMap<>();
        for (ManifestSpec spec : manifests) {
            for (Path file : files.expand(spec.pattern())) {
                expanded.putIfAbsent(file.normalize(), spec.kind());
            }
        }
        return expanded;
    }
}
