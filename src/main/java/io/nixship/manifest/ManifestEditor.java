package io.nixship.manifest;

import io.nixship.NixshipException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Rewrites the image references in one manifest by splicing bytes at the positions the YAML parser
 * reports: only the scalars that hold the reference (or a key line added to a kustomize entry or
 * Helm map) change; comments, quoting, indentation, anchors, line endings, a BOM and the final
 * newline stay as they were. Each splice is checked by parsing the result again and comparing the
 * trees: if anything but the intended node changed, the edit is refused and the file left as it
 * was.
 */
public final class ManifestEditor {
    // Values written without quotes must be this simple, and still read back as strings.
    private static final Pattern PLAIN_SAFE = Pattern.compile("[A-Za-z0-9_./][A-Za-z0-9_./:@+-]*");

    private static final int INTERNAL = 3;

    private final ManifestLocator locator = new ManifestLocator();
    private final Resolver resolver = new Resolver();

    /**
     * The edit that points every reference to {@code target}'s repository in {@code content} at it.
     */
    public FileEdit edit(
            Path file, byte[] content, ManifestKind kind, ImageReference target, PinStyle pin) {
        return survey(file, content, kind, target, pin).edit();
    }

    /**
     * A file's edit with every reference found in it, moved or already current, and the lines where
     * a string names the image in a value not read as one ({@link UnreadMentions}).
     */
    record Surveyed(FileEdit edit, List<FoundReference> references, List<Integer> unreadMentions) {}

    Surveyed survey(
            Path file, byte[] content, ManifestKind kind, ImageReference target, PinStyle pin) {
        pin.requireParts(target);
        String name = file.toString();
        YamlDocument document = YamlDocument.parse(name, content);
        Plan plan = new Plan(document, target, pin);
        List<Site> sites = locator.sites(document, kind.resolve(file), target);
        for (Site site : sites) {
            plan.add(site);
        }
        plan.addEmbedded();
        byte[] bytes = verified(document, plan.splices);
        List<FoundReference> references = new ArrayList<>(plan.references);
        references.sort(Comparator.comparingInt(FoundReference::line));
        List<Change> changes =
                references.stream()
                        .filter(FoundReference::moved)
                        .map(found -> new Change(found.line(), found.before(), found.after()))
                        .toList();
        return new Surveyed(
                new FileEdit(file, content, bytes, changes),
                references,
                UnreadMentions.lines(document, target, UnreadMentions.readBy(sites)));
    }

    /**
     * {@code document}'s bytes with {@code splices} applied, each one checked by parsing the result
     * again and comparing the trees.
     */
    private static byte[] verified(YamlDocument document, List<Splice> planned) {
        String name = document.file();
        byte[] bytes = document.bytes();
        YamlDocument current = document;
        List<Splice> splices = new ArrayList<>(planned);
        splices.sort(Comparator.comparingInt(Splice::start).reversed());
        for (Splice splice : splices) {
            byte[] next = splice.applyTo(bytes);
            YamlDocument reparsed;
            try {
                reparsed = current.reparse(next);
            } catch (NixshipException e) {
                throw refused(name, splice, "the result does not parse: " + e.getMessage());
            }
            String difference =
                    YamlTrees.difference(
                            current.documents(), reparsed.documents(), splice.expected());
            if (difference != null) {
                throw refused(name, splice, difference);
            }
            bytes = next;
            current = reparsed;
        }
        return bytes;
    }

    /** A splice that changes more than it should is nixship's fault: exit 3, not the user's. */
    private static NixshipException refused(String file, Splice splice, String reason) {
        return new NixshipException(
                INTERNAL,
                file
                        + ":"
                        + splice.line()
                        + ": refusing to edit the image reference ("
                        + reason
                        + "); the file is left unchanged (a nixship bug: please report it)");
    }

    /**
     * Replace bytes [start, end) by {@code replacement}; afterwards each expected path holds its
     * value.
     */
    private record Splice(
            int start, int end, byte[] replacement, Map<NodePath, String> expected, int line) {
        byte[] applyTo(byte[] bytes) {
            byte[] result = new byte[bytes.length - (end - start) + replacement.length];
            System.arraycopy(bytes, 0, result, 0, start);
            System.arraycopy(replacement, 0, result, start, replacement.length);
            System.arraycopy(bytes, end, result, start + replacement.length, bytes.length - end);
            return result;
        }
    }

    private final class Plan {
        private final YamlDocument document;
        private final IdentityHashMap<Node, NodePath> paths;
        private final ImageReference target;
        private final PinStyle pin;
        private final List<Splice> splices = new ArrayList<>();
        private final List<FoundReference> references = new ArrayList<>();
        // A node reached from two sites (a digest merged into two maps) is written once.
        private final Set<Node> written = Collections.newSetFromMap(new IdentityHashMap<>());

        // Sites inside documents held in strings, edited together per string.
        private final Map<EmbeddedYaml, List<Site>> embedded = new LinkedHashMap<>();

        Plan(YamlDocument document, ImageReference target, PinStyle pin) {
            this.document = document;
            this.paths = YamlTrees.firstPaths(document.documents());
            this.target = target;
            this.pin = pin;
        }

        void add(Site site) {
            int line = site.site().line();
            if (site instanceof Site.ImageString image) {
                addImageString(image, line);
            } else if (site instanceof Site.HelmMap helm) {
                addHelmFields(helm.site(), helm.name(), helm.keys(), helm.map());
            } else if (site instanceof Site.HelmParameters parameters) {
                addHelmFields(parameters.site(), parameters.name(), parameters.keys(), null);
            } else if (site instanceof Site.KustomizeEntry entry) {
                addKustomizeEntry(entry, line);
            } else if (site instanceof Site.Embedded inner) {
                embedded.computeIfAbsent(inner.yaml(), yaml -> new ArrayList<>())
                        .add(inner.inner());
            }
        }

        /**
         * Plans each string's document on its own, verifies its edit there, and splices it into the
         * file as one edit of the string; a string that cannot be edited in place leaves its
         * references stale, each saying why.
         */
        void addEmbedded() {
            embedded.forEach(
                    (yaml, sites) -> {
                        Plan inner = new Plan(yaml.document(), target, pin);
                        sites.forEach(inner::add);
                        String problem = yaml.problem();
                        List<Splice> mapped = new ArrayList<>();
                        for (Splice splice : inner.splices) {
                            String text =
                                    problem == null
                                            ? yaml.fileText(
                                                    new String(
                                                            splice.replacement(),
                                                            StandardCharsets.UTF_8))
                                            : null;
                            if (text == null) {
                                problem = problem == null ? yaml.unfit() : problem;
                                break;
                            }
                            mapped.add(
                                    new Splice(
                                            yaml.fileOffset(splice.start()),
                                            yaml.fileOffset(splice.end()),
                                            utf8(text),
                                            Map.of(),
                                            splice.line()));
                        }
                        String reason = problem;
                        inner.references.stream()
                                .map(found -> reason == null ? found : found.leftStale(reason))
                                .forEach(references::add);
                        if (reason == null && !mapped.isEmpty()) {
                            String value = yaml.value(verified(yaml.document(), inner.splices));
                            splices.add(joined(mapped, Map.of(paths.get(yaml.node()), value)));
                        }
                    });
        }

        /** One splice doing all of {@code parts}, which lie in one scalar. */
        private Splice joined(List<Splice> parts, Map<NodePath, String> expected) {
            int start = parts.stream().mapToInt(Splice::start).min().orElseThrow();
            int end = parts.stream().mapToInt(Splice::end).max().orElseThrow();
            byte[] region = Arrays.copyOfRange(document.bytes(), start, end);
            List<Splice> ordered = new ArrayList<>(parts);
            ordered.sort(Comparator.comparingInt(Splice::start).reversed());
            for (Splice part : ordered) {
                region =
                        new Splice(
                                        part.start() - start,
                                        part.end() - start,
                                        part.replacement(),
                                        Map.of(),
                                        part.line())
                                .applyTo(region);
            }
            return new Splice(start, end, region, expected, ordered.getLast().line());
        }

        private void addImageString(Site.ImageString image, int line) {
            String newValue = image.prefix() + image.name() + pin.suffix(target);
            setScalar(image.node(), newValue, line);
            found(
                    image.site(),
                    image.node().getValue().substring(image.prefix().length()),
                    image.name() + pin.suffix(target));
        }

        /**
         * Charts print {@code repository:tag}, so the tag field always holds the new tag (empty
         * only for a tagless image, beside a digest); without a digest field the digest rides in
         * the tag ({@code tag@digest}).
         */
        private void addHelmFields(ImageSite site, String name, HelmKeys keys, MappingNode map) {
            int line = site.line();
            String tag;
            String digest = null;
            if (keys.digest() != null) {
                tag = target.tag() == null ? "" : target.tag();
                digest = pin == PinStyle.TAG ? "" : keys.written(target.digest());
            } else if (pin == PinStyle.TAG) {
                tag = target.tag();
            } else if (target.tag() != null) {
                tag = target.tag() + "@" + target.digest();
            } else {
                throw NixshipException.usage(
                        document.file()
                                + ":"
                                + line
                                + ": this Helm image "
                                + (map == null ? "parameter group" : "map")
                                + " has no digest key, so "
                                + "the image cannot be pinned by digest alone; give --image with a tag as well");
            }
            String digestBefore = HelmKeys.digestValue(keys.digest());
            FoundReference reference =
                    new FoundReference(
                            site.file(),
                            line,
                            site.form(),
                            spell(name, value(keys.tag()), digestBefore),
                            spell(
                                    name,
                                    tag,
                                    digest == null || digest.isEmpty() ? "" : target.digest()));
            boolean writeTag = !tag.isEmpty() || !value(keys.tag()).isEmpty();
            if (map == null && writeTag && keys.tag() == null) {
                // A parameter cannot be added beside the others without rewriting the list.
                references.add(
                        reference.leftStale(
                                "there is no "
                                        + keys.tagKey()
                                        + " parameter; add one by hand once and nixship keeps it up to date"));
                return;
            }
            Map<String, String> missing = new LinkedHashMap<>();
            if (writeTag) {
                setOrAdd(keys.tag(), keys.tagKey(), tag, missing, line);
            }
            if (digest != null && !(digest.isEmpty() && value(keys.digest()).isEmpty())) {
                setScalar(keys.digest(), digest, line);
            }
            if (map != null) {
                addKeys(map, missing, line);
            }
            references.add(reference);
        }

        /**
         * kustomize writes {@code newTag} and {@code digest} as {@code name:tag@digest}, and either
         * alone replaces both: the entry keeps exactly what the pin style names, the other field
         * emptied.
         */
        private void addKustomizeEntry(Site.KustomizeEntry entry, int line) {
            Map<String, String> missing = new LinkedHashMap<>();
            String tag = pin == PinStyle.DIGEST ? "" : target.tag();
            String digest = pin == PinStyle.TAG ? "" : target.digest();
            FoundReference reference =
                    new FoundReference(
                            entry.site().file(),
                            entry.site().line(),
                            entry.site().form(),
                            spell(entry.name(), value(entry.newTag()), value(entry.digest())),
                            spell(entry.name(), tag, digest));
            if (ManifestLocator.child(entry.map(), "tagSuffix") instanceof ScalarNode suffix
                    && !value(suffix).isEmpty()) {
                // kustomize refuses tagSuffix beside newTag or digest, and would append it to the
                // new tag, naming an image that was never pushed.
                references.add(
                        reference.leftStale(
                                "this images entry has tagSuffix, which kustomize refuses beside newTag or digest; remove tagSuffix to let nixship bump it"));
                return;
            }
            if (!tag.isEmpty() || !value(entry.newTag()).isEmpty()) {
                setOrAdd(entry.newTag(), "newTag", tag, missing, line);
            }
            if (!digest.isEmpty() || !value(entry.digest()).isEmpty()) {
                setOrAdd(entry.digest(), "digest", digest, missing, line);
            }
            addKeys(entry.map(), missing, line);
            references.add(reference);
        }

        private void setOrAdd(
                ScalarNode node, String key, String value, Map<String, String> missing, int line) {
            if (node == null) {
                missing.put(key, value);
            } else {
                setScalar(node, value, line);
            }
        }

        private void found(ImageSite site, String before, String after) {
            references.add(
                    new FoundReference(site.file(), site.line(), site.form(), before, after));
        }

        private void setScalar(ScalarNode node, String value, int line) {
            if (value == null
                    || (value.equals(node.getValue()) && node.getTag().equals(Tag.STR))
                    || !written.add(node)) {
                return;
            }
            int start = document.scalarStart(node);
            int end = document.byteOffset(node.getEndMark());
            String raw = document.text(start, end);
            String old = node.getValue();
            String replacement;
            switch (node.getScalarStyle()) {
                case PLAIN -> {
                    if (raw.isEmpty()) {
                        replacement = " " + plainOrQuoted(value);
                    } else {
                        requireVerbatim(raw.equals(old), line);
                        replacement = plainOrQuoted(value);
                    }
                }
                case SINGLE_QUOTED -> {
                    requireVerbatim(raw.equals("'" + old.replace("'", "''") + "'"), line);
                    replacement = "'" + value + "'";
                }
                case DOUBLE_QUOTED -> {
                    requireVerbatim(raw.equals("\"" + old + "\""), line);
                    replacement = "\"" + value + "\"";
                }
                default ->
                        throw NixshipException.usage(
                                document.file()
                                        + ":"
                                        + line
                                        + ": the image is written as a block scalar (| or >); write it on one line to let nixship bump it");
            }
            splices.add(
                    new Splice(
                            start, end, utf8(replacement), Map.of(paths.get(node), value), line));
        }

        private void addKeys(MappingNode map, Map<String, String> entries, int line) {
            if (entries.isEmpty()) {
                return;
            }
            List<NodeTuple> tuples = map.getValue();
            Node last = tuples.get(tuples.size() - 1).getValueNode();
            if (!(last instanceof ScalarNode lastScalar)
                    || lastScalar.getScalarStyle() == DumperOptions.ScalarStyle.LITERAL
                    || lastScalar.getScalarStyle() == DumperOptions.ScalarStyle.FOLDED) {
                throw NixshipException.usage(
                        document.file()
                                + ":"
                                + line
                                + ": cannot add "
                                + String.join(", ", entries.keySet())
                                + " after a nested value; add the key(s) by hand once and nixship keeps them up to date");
            }
            NodePath mapPath = paths.get(map);
            Map<NodePath, String> expected = new LinkedHashMap<>();
            StringBuilder text = new StringBuilder();
            int position = document.byteOffset(last.getEndMark());
            if (map.getFlowStyle() == DumperOptions.FlowStyle.FLOW) {
                entries.forEach(
                        (key, value) ->
                                text.append(", ")
                                        .append(key)
                                        .append(": ")
                                        .append(plainOrQuoted(value)));
            } else {
                byte[] bytes = document.bytes();
                while (position < bytes.length
                        && bytes[position] != '\n'
                        && bytes[position] != '\r') {
                    position++;
                }
                String indent = " ".repeat(tuples.get(0).getKeyNode().getStartMark().getColumn());
                String lineBreak = document.lineBreak();
                entries.forEach(
                        (key, value) ->
                                text.append(lineBreak)
                                        .append(indent)
                                        .append(key)
                                        .append(": ")
                                        .append(plainOrQuoted(value)));
            }
            entries.forEach((key, value) -> expected.put(mapPath.child(key), value));
            splices.add(new Splice(position, position, utf8(text.toString()), expected, line));
        }

        private void requireVerbatim(boolean verbatim, int line) {
            if (!verbatim) {
                throw NixshipException.usage(
                        document.file()
                                + ":"
                                + line
                                + ": the image is written with escapes or across lines; write it on one line to let nixship bump it");
            }
        }

        private String plainOrQuoted(String value) {
            boolean plain =
                    PLAIN_SAFE.matcher(value).matches()
                            && !value.endsWith(":")
                            && resolver.resolve(NodeId.scalar, value, true).equals(Tag.STR);
            return plain ? value : "\"" + value + "\"";
        }
    }

    private static String value(ScalarNode node) {
        return node == null || node.getTag().equals(Tag.NULL) ? "" : node.getValue();
    }

    private static String spell(String name, String tag, String digest) {
        return name
                + (tag == null || tag.isEmpty() ? "" : ":" + tag)
                + (digest == null || digest.isEmpty() ? "" : "@" + digest);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
