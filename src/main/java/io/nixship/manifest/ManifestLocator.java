package io.nixship.manifest;

import io.nixship.NixshipException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Finds every place in a manifest that names a given image repository. Matching compares normalized
 * repositories ({@code nginx} equals {@code docker.io/library/nginx}), never substrings; templated
 * values and text in comments are never matched.
 */
public final class ManifestLocator {
    /** Marks a scalar on the same line as a whole image reference to bump, whatever its key. */
    public static final String MARKER = "nixship:image";

    private static final Pattern MARKER_COMMENT =
            Pattern.compile("^[ \\t]*#[ \\t]*" + Pattern.quote(MARKER) + "\\b.*");
    private static final List<String> CONTAINER_LISTS =
            List.of("initContainers", "containers", "ephemeralContainers");
    private static final Set<String> TEMPLATED_WORKLOADS =
            Set.of(
                    "Deployment",
                    "StatefulSet",
                    "DaemonSet",
                    "ReplicaSet",
                    "Job",
                    "ReplicationController");

    /**
     * The places in {@code content} (the bytes of {@code file}) that name {@code target}'s
     * repository; {@link ManifestKind#AUTO} decides the kind by the file's name.
     */
    public List<ImageSite> locate(
            String file, byte[] content, ManifestKind kind, ImageReference target) {
        return sites(YamlDocument.parse(file, content), kind.resolve(Path.of(file)), target)
                .stream()
                .map(Site::site)
                .toList();
    }

    List<Site> sites(YamlDocument document, ManifestKind kind, ImageReference target) {
        Search search = new Search(document, target);
        List<Node> roots = document.documents();
        for (Node root : roots) {
            if (kind == ManifestKind.KUSTOMIZATION
                    || "Kustomization".equals(scalar(root, "kind"))) {
                search.kustomization(root);
            } else if (kind == ManifestKind.HELM_VALUES) {
                search.helmValues(root);
            } else {
                search.kubernetesObject(root, 0);
            }
        }
        if (new String(document.bytes(), StandardCharsets.UTF_8).contains(MARKER)) {
            roots.forEach(search::markedScalars);
        }
        return search.found;
    }

    private static final class Search {
        private final YamlDocument document;
        private final ImageReference target;
        private final List<Site> found = new ArrayList<>();
        private final Set<Node> claimed = Collections.newSetFromMap(new IdentityHashMap<>());
        private final Set<Node> visited = Collections.newSetFromMap(new IdentityHashMap<>());

        Search(YamlDocument document, ImageReference target) {
            this.document = document;
            this.target = target;
        }

        void kubernetesObject(Node object, int depth) {
            String kind = scalar(object, "kind");
            if (kind == null || depth > YamlDocument.MAX_DEPTH) {
                return;
            }
            if (kind.equals("List") || kind.endsWith("List")) {
                if (child(object, "items") instanceof SequenceNode items) {
                    items.getValue().forEach(item -> kubernetesObject(item, depth + 1));
                }
            } else if (kind.equals("Pod")) {
                podSpec(child(object, "spec"));
            } else if (kind.equals("PodTemplate")) {
                podSpec(child(child(object, "template"), "spec"));
            } else if (TEMPLATED_WORKLOADS.contains(kind)) {
                podSpec(child(child(child(object, "spec"), "template"), "spec"));
            } else if (kind.equals("CronJob")) {
                Node jobSpec = child(child(child(object, "spec"), "jobTemplate"), "spec");
                podSpec(child(child(jobSpec, "template"), "spec"));
            }
        }

        private void podSpec(Node spec) {
            for (String list : CONTAINER_LISTS) {
                if (child(spec, list) instanceof SequenceNode containers) {
                    for (Node container : containers.getValue()) {
                        imageString(child(container, "image"));
                    }
                }
            }
        }

        void kustomization(Node root) {
            if (!(child(root, "images") instanceof SequenceNode images)) {
                return;
            }
            for (Node entry : images.getValue()) {
                if (!(entry instanceof MappingNode map) || !claimed.add(map)) {
                    continue;
                }
                String name =
                        scalar(map, "newName") != null
                                ? scalar(map, "newName")
                                : scalar(map, "name");
                ScalarNode newTag = scalarNode(map, "newTag");
                ScalarNode digest = scalarNode(map, "digest");
                ImageReference current = reference(name, value(newTag), value(digest));
                if (current != null && current.sameRepository(target)) {
                    Node lineNode = newTag != null ? newTag : map;
                    found.add(
                            new Site.KustomizeEntry(
                                    site(lineNode, ImageSite.Form.KUSTOMIZE_ENTRY, current),
                                    map,
                                    name,
                                    newTag,
                                    digest));
                }
            }
        }

        void helmValues(Node node) {
            if (!visited.add(node)) {
                return;
            }
            if (node instanceof MappingNode map) {
                helmMap(map);
                for (NodeTuple tuple : map.getValue()) {
                    if (YamlTrees.keyOf(tuple).equals("image")
                            && tuple.getValueNode() instanceof ScalarNode image) {
                        imageString(image);
                    }
                    helmValues(tuple.getValueNode());
                }
            } else if (node instanceof SequenceNode sequence) {
                sequence.getValue().forEach(this::helmValues);
            }
        }

        private void helmMap(MappingNode map) {
            String repository = scalar(map, "repository");
            if (repository == null) {
                return;
            }
            String registry = scalar(map, "registry");
            String name =
                    registry == null || registry.isEmpty()
                            ? repository
                            : registry + "/" + repository;
            ScalarNode tag = scalarNode(map, "tag");
            ScalarNode digest = scalarNode(map, "digest");
            ImageReference current = reference(name, value(tag), value(digest));
            if (current != null && current.sameRepository(target) && claimed.add(map)) {
                Node lineNode = tag != null ? tag : map;
                found.add(
                        new Site.HelmMap(
                                site(lineNode, ImageSite.Form.HELM_MAP, current),
                                map,
                                name,
                                tag,
                                digest));
            }
        }

        void markedScalars(Node root) {
            List<Node> pending = new ArrayList<>(List.of(root));
            Set<Node> seen = Collections.newSetFromMap(new IdentityHashMap<>());
            while (!pending.isEmpty()) {
                Node node = pending.remove(pending.size() - 1);
                if (!seen.add(node)) {
                    continue;
                }
                if (node instanceof ScalarNode scalar && markedOnItsLine(scalar)) {
                    imageString(scalar);
                } else if (node instanceof MappingNode map) {
                    map.getValue().forEach(tuple -> pending.add(tuple.getValueNode()));
                } else if (node instanceof SequenceNode sequence) {
                    pending.addAll(sequence.getValue());
                }
            }
        }

        private boolean markedOnItsLine(ScalarNode scalar) {
            byte[] bytes = document.bytes();
            int end = document.byteOffset(scalar.getEndMark());
            int lineEnd = end;
            while (lineEnd < bytes.length && bytes[lineEnd] != '\n' && bytes[lineEnd] != '\r') {
                lineEnd++;
            }
            return MARKER_COMMENT.matcher(document.text(end, lineEnd)).matches();
        }

        private void imageString(Node node) {
            if (!(node instanceof ScalarNode scalar)
                    || !scalar.getTag().equals(Tag.STR)
                    || claimed.contains(scalar)) {
                return;
            }
            String value = scalar.getValue();
            if (templated(value)) {
                return;
            }
            ImageReference current = tryParse(value);
            if (current != null && current.sameRepository(target)) {
                claimed.add(scalar);
                String name = value.substring(0, value.length() - current.suffix().length());
                found.add(
                        new Site.ImageString(
                                site(scalar, ImageSite.Form.IMAGE_STRING, current), scalar, name));
            }
        }

        private ImageSite site(Node node, ImageSite.Form form, ImageReference current) {
            return new ImageSite(
                    document.file(), YamlDocument.line(node.getStartMark()), form, current);
        }
    }

    /**
     * The reference a name plus separate tag and digest values spell, or null if not a plain one.
     */
    private static ImageReference reference(String name, String tag, String digest) {
        if (name == null || templated(name) || templated(tag) || templated(digest)) {
            return null;
        }
        String spelled =
                name
                        + (tag == null || tag.isEmpty() ? "" : ":" + tag)
                        + (digest == null || digest.isEmpty() ? "" : "@" + digest);
        return tryParse(spelled);
    }

    private static ImageReference tryParse(String value) {
        try {
            return ImageReference.parse(value);
        } catch (NixshipException notAReference) {
            return null;
        }
    }

    private static boolean templated(String value) {
        return value != null && (value.contains("${") || value.contains("{{"));
    }

    static Node child(Node node, String key) {
        if (node instanceof MappingNode map) {
            for (NodeTuple tuple : map.getValue()) {
                if (tuple.getKeyNode() instanceof ScalarNode keyNode
                        && keyNode.getValue().equals(key)) {
                    return tuple.getValueNode();
                }
            }
        }
        return null;
    }

    private static ScalarNode scalarNode(Node node, String key) {
        return child(node, key) instanceof ScalarNode scalar ? scalar : null;
    }

    private static String scalar(Node node, String key) {
        return value(scalarNode(node, key));
    }

    private static String value(ScalarNode node) {
        return node == null || node.getTag().equals(Tag.NULL) ? null : node.getValue();
    }
}
