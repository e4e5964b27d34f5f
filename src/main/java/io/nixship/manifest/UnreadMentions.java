package io.nixship.manifest;

import io.nixship.NixshipException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * Lines where a string names the image (with a tag or digest) in a value nixship does not read as
 * one: YAML or text held in a string (a chart's {@code runtimeConfig}, a ConfigMap's template, an
 * annotation) or a key that is not image-like. No bump moves them, so the report warns instead of
 * saying every reference moved. Repository-only strings ({@code ImageRepository.spec.image}, a Helm
 * map's {@code repository}) name what to watch or pair with a tag elsewhere, and are not listed.
 */
final class UnreadMentions {
    // What cannot be part of a reference: where a word in a string ends.
    private static final Pattern SEPARATORS = Pattern.compile("[\\s\"'`=,;()\\[\\]{}<>|\\\\]+");

    private UnreadMentions() {}

    /**
     * Lines of {@code document}'s strings outside {@code read} that name {@code target}'s image.
     */
    static List<Integer> lines(YamlDocument document, ImageReference target, Set<Node> read) {
        String lastSegment =
                target.repository().substring(target.repository().lastIndexOf('/') + 1);
        Set<Integer> lines = new TreeSet<>();
        for (Node node : YamlTrees.everyNode(document.documents())) {
            if (node instanceof ScalarNode scalar
                    && !read.contains(scalar)
                    && scalar.getValue().contains(lastSegment)) {
                int first = document.line(scalar.getStartMark());
                String[] textLines = scalar.getValue().split("\n", -1);
                boolean block = first != document.line(scalar.getEndMark()) && textLines.length > 1;
                for (int i = 0; i < textLines.length; i++) {
                    if (namesImage(textLines[i], target)) {
                        // A block's text starts on the line after its indicator (| or >).
                        lines.add(block ? first + 1 + i : first);
                    }
                }
            }
        }
        return new ArrayList<>(lines);
    }

    /** The string nodes {@code sites} read as the image: found, so never listed as unread. */
    static Set<Node> readBy(List<Site> sites) {
        Set<Node> read = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Site site : sites) {
            switch (site) {
                case Site.ImageString image -> read.add(image.node());
                case Site.HelmMap helm -> read.addAll(YamlTrees.everyNode(List.of(helm.map())));
                case Site.KustomizeEntry entry ->
                        read.addAll(YamlTrees.everyNode(List.of(entry.map())));
                case Site.Embedded embedded -> read.add(embedded.yaml().node());
                case Site.HelmParameters parameters -> {
                    // Its tag and digest values name no repository; its whole-reference form is
                    // an ImageString.
                }
            }
        }
        return read;
    }

    private static boolean namesImage(String text, ImageReference target) {
        for (String word : SEPARATORS.split(text)) {
            if (word.indexOf(':') < 0 && word.indexOf('@') < 0) {
                continue;
            }
            try {
                ImageReference reference = ImageReference.parse(word);
                if (reference.sameRepository(target)
                        && (reference.tag() != null || reference.digest() != null)) {
                    return true;
                }
            } catch (NixshipException notAReference) {
                // A word with a colon that is no reference ("image:", a URL): not a mention.
            }
        }
        return false;
    }
}
