package io.nixship.manifest;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
        Set<Path> seen = new HashSet<>();
        forEachYamlFile(
                manifests,
                (file, kind, content) -> {
                    if (seen.add(file)) {
                        sites.addAll(
                                locator.locate(
                                        file.toString(), content, kind.resolve(file), target));
                    }
                },
                new ArrayList<>());
        return sites;
    }

    /**
     * One edit per file that would change; empty when every reference already names the target (or
     * none exists: {@link #survey} tells the two apart). Any file failing to parse or edit, or a
     * reference that cannot be moved in place, fails the whole plan before anything is written.
     */
    public List<FileEdit> plan(ImageReference target, List<ManifestSpec> manifests, PinStyle pin) {
        BumpPlan plan = survey(target, manifests, pin);
        plan.requireEveryReferenceMovable();
        return plan.edits();
    }

    /**
     * The plan with everything found on the way: each reference, the files skipped as templates,
     * and the entries that name no reference to {@code target}'s repository.
     */
    public BumpPlan survey(ImageReference target, List<ManifestSpec> manifests, PinStyle pin) {
        pin.requireParts(target);
        List<FoundReference> references = new ArrayList<>();
        List<FileEdit> edits = new ArrayList<>();
        List<SkippedFile> skipped = new ArrayList<>();
        List<String> withoutReference = new ArrayList<>();
        List<BumpPlan.UnreadMention> unread = new ArrayList<>();
        Map<Path, List<FoundReference>> perFile = new LinkedHashMap<>();
        for (ManifestSpec spec : manifests) {
            List<ManifestSpec> one = List.of(spec);
            boolean[] any = {false};
            forEachYamlFile(
                    one,
                    (file, kind, content) -> {
                        List<FoundReference> found = perFile.get(file);
                        if (found == null) {
                            ManifestEditor.Surveyed surveyed =
                                    editor.survey(file, content, kind, target, pin);
                            found = surveyed.references();
                            perFile.put(file, found);
                            references.addAll(found);
                            for (int line : surveyed.unreadMentions()) {
                                unread.add(new BumpPlan.UnreadMention(file.toString(), line));
                            }
                            if (surveyed.edit().changed()) {
                                edits.add(surveyed.edit());
                            }
                        }
                        any[0] |= !found.isEmpty();
                    },
                    skipped);
            if (!any[0]) {
                withoutReference.add(spec.pattern());
            }
        }
        return new BumpPlan(references, edits, skipped, withoutReference, unread);
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

    private interface FileVisitor {
        void visit(Path file, ManifestKind kind, byte[] content);
    }

    /**
     * Visits the files the entries name, in configuration order, each once with the kind of the
     * first entry naming it. A file that does not parse and is templated ({@code {{ }}}, or in a
     * {@code templates/} directory) is skipped and noted, not an error: charts keep their templates
     * beside the values nixship edits.
     */
    private void forEachYamlFile(
            List<ManifestSpec> manifests, FileVisitor visitor, List<SkippedFile> skipped) {
        for (ManifestSpec spec : manifests) {
            for (Path listed : files.expand(spec.pattern())) {
                Path file = listed.normalize();
                byte[] content = files.read(file);
                if (skipped.stream().anyMatch(skip -> skip.file().equals(file))) {
                    continue;
                }
                String notYaml = Templates.notYamlReason(file, content);
                if (notYaml != null) {
                    skipped.add(new SkippedFile(file, notYaml));
                } else {
                    visitor.visit(file, spec.kind(), content);
                }
            }
        }
    }
}
