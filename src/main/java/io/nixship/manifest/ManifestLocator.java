package io.nixship.manifest;

import io.nixship.NixshipException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 *
 * <p>Every document is searched whole, whatever its kind (CRDs included): a value under a key
 * {@code image} or ending in {@code image}/{@code Image}, an image volume's {@code
 * image.reference}, and any Helm-style map with {@code repository} (plus {@code registry}, {@code
 * tag} or {@code version}, {@code digest} or {@code sha}, merge keys followed; {@code name} for
 * {@code repository} under an image key). Kustomize {@code images:} entries and the documents of
 * inline patches are read in kustomizations and Flux Kustomizations; in Argo CD Applications, the
 * image strings of {@code kustomize.images}, {@code helm.parameters} and the values document in the
 * {@code helm.values} string.
 */
public final class ManifestLocator {
    /** Marks a scalar on the same line as a whole image reference to bump, whatever its key. */
    public static final String MARKER = "nixship:image";

    private static final Pattern MARKER_COMMENT =
            Pattern.compile("^[ \\t]*#[ \\t]*" + Pattern.quote(MARKER) + "\\b.*");
    // Flux image automation names the repository to watch, not an image to run.
    private static final String FLUX_IMAGE_AUTOMATION = "image.toolkit.fluxcd.io/";
    private static final String FLUX_KUSTOMIZATION = "kustomize.toolkit.fluxcd.io/";
    private static final String ARGO_CD = "argoproj.io/";

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
            String apiVersion = value(scalarNode(root, "apiVersion"));
            String rootKind = value(scalarNode(root, "kind"));
            if (apiVersion != null && apiVersion.startsWith(FLUX_IMAGE_AUTOMATION)) {
                continue;
            }
            if ("Kustomization".equals(rootKind)
                    && apiVersion != null
                    && apiVersion.startsWith(FLUX_KUSTOMIZATION)) {
                search.kustomizeEntries(child(child(root, "spec"), "images"));
                search.inlinePatches(child(root, "spec"));
            } else if (kind == ManifestKind.KUSTOMIZATION || "Kustomization".equals(rootKind)) {
                search.kustomizeEntries(child(root, "images"));
                search.inlinePatches(root);
            }
            if (apiVersion != null && apiVersion.startsWith(ARGO_CD)) {
                Node spec = child(root, "spec");
                search.argoSources(spec);
                search.argoSources(child(child(spec, "template"), "spec"));
            }
            search.anywhere(root);
        }
        if (new String(document.bytes(), StandardCharsets.UTF_8).contains(MARKER)) {
            roots.forEach(search::markedScalars);
        }
        return search.found;
    }

    /** Whether a mapping key names an image: {@code image}, {@code initImage}, {@code x_image}. */
    static boolean imageKey(String key) {
        return key.endsWith("image") || key.endsWith("Image");
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

        void kustomizeEntries(Node images) {
            if (!(images instanceof SequenceNode entries)) {
                return;
            }
            for (Node entry : entries.getValue()) {
                if (!(entry instanceof MappingNode map) || !claimed.add(map)) {
                    continue;
                }
                String name =
                        value(scalarNode(map, "newName")) != null
                                ? value(scalarNode(map, "newName"))
                                : value(scalarNode(map, "name"));
                ScalarNode newTag = scalarNode(map, "newTag");
                ScalarNode digest = scalarNode(map, "digest");
                ImageReference current =
                        reference(name, newTag, "newTag", digest, "digest", "images entry");
                if (current != null) {
                    claimAll(newTag, digest);
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

        /**
         * Patches a kustomization (or Flux's {@code Kustomization.spec}) holds inline, as YAML in a
         * string: kustomize applies them over the resources, so an image they set is what runs. A
         * one-line string names a patch file, which is searched as a file of its own.
         */
        void inlinePatches(Node kustomization) {
            Map<Node, String> patches = new LinkedHashMap<>();
            for (String key : List.of("patches", "patchesJson6902")) {
                if (child(kustomization, key) instanceof SequenceNode entries) {
                    entries.getValue()
                            .forEach(entry -> patches.put(child(entry, "patch"), key + "[].patch"));
                }
            }
            if (child(kustomization, "patchesStrategicMerge") instanceof SequenceNode entries) {
                entries.getValue().forEach(entry -> patches.put(entry, "patchesStrategicMerge[]"));
            }
            patches.forEach(
                    (patch, what) -> {
                        if (patch instanceof ScalarNode inline
                                && inline.getTag().equals(Tag.STR)
                                && inline.getValue().contains("\n")
                                && claimed.add(inline)) {
                            embedded(EmbeddedYaml.of(document, inline, what));
                        }
                    });
        }

        /** Argo CD's {@code kustomize.images}: strings as for {@code kustomize edit set image}. */
        void argoSources(Node spec) {
            List<Node> sources = new ArrayList<>();
            sources.add(child(spec, "source"));
            if (child(spec, "sources") instanceof SequenceNode many) {
                sources.addAll(many.getValue());
            }
            for (Node source : sources) {
                if (child(child(source, "kustomize"), "images") instanceof SequenceNode images) {
                    images.getValue().forEach(image -> imageString(image, true));
                }
                Node helm = child(source, "helm");
                if (child(helm, "parameters") instanceof SequenceNode parameters
                        && claimed.add(parameters)) {
                    helmParameters(parameters);
                }
                if (child(helm, "values") instanceof ScalarNode values
                        && values.getTag().equals(Tag.STR)
                        && claimed.add(values)) {
                    embedded(EmbeddedYaml.of(document, values, "helm.values"));
                }
            }
        }

        /**
         * Argo CD's {@code helm.parameters}: one named like an image key holds a whole reference;
         * the others are grouped by the name before their last dot and read as a Helm map.
         */
        private void helmParameters(SequenceNode parameters) {
            Map<String, Map<String, ScalarNode>> groups = new LinkedHashMap<>();
            for (Node parameter : parameters.getValue()) {
                String name = value(scalarNode(parameter, "name"));
                ScalarNode value = scalarNode(parameter, "value");
                if (name == null || value == null) {
                    continue;
                }
                int dot = lastUnescapedDot(name);
                String field = name.substring(dot + 1);
                if (imageKey(field)) {
                    imageString(value, false);
                } else if (dot > 0) {
                    // Helm applies --set in order: a later parameter wins.
                    groups.computeIfAbsent(name.substring(0, dot), prefix -> new HashMap<>())
                            .put(field, value);
                }
            }
            groups.forEach(this::helmParameterGroup);
        }

        private void helmParameterGroup(String prefix, Map<String, ScalarNode> fields) {
            ScalarNode repository = fields.get("repository");
            if (repository == null && imageKey(prefix.substring(lastUnescapedDot(prefix) + 1))) {
                repository = fields.get("name");
            }
            String repositoryValue = value(repository);
            if (repositoryValue == null) {
                return;
            }
            String name = helmName(value(fields.get("registry")), repositoryValue);
            HelmKeys keys = HelmKeys.of(fields::get, prefix + ".");
            ImageReference current = helmReference(name, keys, "Helm parameters");
            if (current != null) {
                claimAll(repository, keys.tag(), keys.digest());
                Node lineNode = keys.tag() != null ? keys.tag() : repository;
                found.add(
                        new Site.HelmParameters(
                                site(lineNode, ImageSite.Form.HELM_PARAMETERS, current),
                                name,
                                keys));
            }
        }

        /** The references in a YAML document held in a string (values, a patch). */
        private void embedded(EmbeddedYaml yaml) {
            if (yaml == null) {
                return;
            }
            for (Site inner :
                    new ManifestLocator()
                            .sites(yaml.document(), ManifestKind.HELM_VALUES, target)) {
                found.add(new Site.Embedded(inner.site(), yaml, inner));
            }
        }

        /** Image keys, image volumes and Helm maps anywhere below {@code node}. */
        void anywhere(Node node) {
            if (!visited.add(node)) {
                return;
            }
            if (node instanceof MappingNode map) {
                helmMap(map, false);
                if (jsonPatchSetsAnImage(map)) {
                    imageString(child(map, "value"), false);
                }
                for (NodeTuple tuple : map.getValue()) {
                    Node value = tuple.getValueNode();
                    if (imageKey(YamlTrees.keyOf(tuple))) {
                        imageString(value, false);
                        imageString(child(value, "reference"), false);
                        if (value instanceof MappingNode image) {
                            helmMap(image, true);
                        }
                    }
                    anywhere(value);
                }
            } else if (node instanceof SequenceNode sequence) {
                sequence.getValue().forEach(this::anywhere);
            }
        }

        /**
         * A JSON 6902 operation ({@code patchesJson6902}, a kustomize {@code patches} file) that
         * adds or replaces an image: {@code {op: replace, path: .../containers/0/image, value:
         * REF}}. Its value is what runs, though its key is {@code value}.
         */
        private static boolean jsonPatchSetsAnImage(MappingNode map) {
            String op = value(scalarNode(map, "op"));
            String path = value(scalarNode(map, "path"));
            return ("replace".equals(op) || "add".equals(op))
                    && path != null
                    && imageKey(path.substring(path.lastIndexOf('/') + 1));
        }

        /**
         * A Helm image map; under an image key ({@code image: {name: ..., tag: ...}}) {@code name}
         * stands for {@code repository}, nowhere else: containers and most objects have a name.
         */
        private void helmMap(MappingNode map, boolean underImageKey) {
            ScalarNode repository = HelmKeys.find(map, "repository");
            if (repository == null && underImageKey) {
                repository = HelmKeys.find(map, "name");
            }
            String repositoryValue = value(repository);
            if (repositoryValue == null || claimed.contains(map)) {
                return;
            }
            String name = helmName(value(HelmKeys.find(map, "registry")), repositoryValue);
            HelmKeys keys = HelmKeys.of(map);
            ImageReference current = helmReference(name, keys, "image map");
            if (current != null) {
                claimed.add(map);
                claimAll(repository, keys.tag(), keys.digest());
                Node lineNode = keys.tag() != null ? keys.tag() : map;
                found.add(
                        new Site.HelmMap(
                                site(lineNode, ImageSite.Form.HELM_MAP, current), map, name, keys));
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
                    imageString(scalar, false);
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

        /**
         * A whole reference in one scalar; with {@code renaming}, {@code old=new} names the image
         * by the part after '=' (kustomize's set-image syntax).
         */
        private void imageString(Node node, boolean renaming) {
            if (!(node instanceof ScalarNode scalar)
                    || !scalar.getTag().equals(Tag.STR)
                    || claimed.contains(scalar)) {
                return;
            }
            String value = scalar.getValue();
            if (templated(value)) {
                return;
            }
            int equals = renaming ? value.indexOf('=') : -1;
            String prefix = value.substring(0, equals + 1);
            String written = value.substring(equals + 1);
            ImageReference current = tryParse(written);
            if (current != null && current.sameRepository(target)) {
                claimed.add(scalar);
                String name = written.substring(0, written.length() - current.suffix().length());
                found.add(
                        new Site.ImageString(
                                site(scalar, ImageSite.Form.IMAGE_STRING, current),
                                scalar,
                                prefix,
                                name));
            }
        }

        private ImageReference helmReference(String name, HelmKeys keys, String what) {
            return reference(
                    name, keys.tag(), keys.tagKey(), keys.digest(), keys.digestKey(), what);
        }

        /**
         * The reference a name plus separate tag and digest fields spell, when the name is the
         * target's repository; null otherwise. A malformed tag or digest beside the target's name
         * is an error naming it: skipping the entry would leave it pinning whatever it pins now.
         */
        private ImageReference reference(
                String name,
                ScalarNode tag,
                String tagKey,
                ScalarNode digest,
                String digestKey,
                String what) {
            if (name == null || templated(name)) {
                return null;
            }
            ImageReference named = tryParse(name);
            if (named == null
                    || named.tag() != null
                    || named.digest() != null
                    || !named.sameRepository(target)) {
                return null;
            }
            String tagValue = value(tag);
            String digestValue = HelmKeys.digestValue(digest);
            int at = tagValue == null ? -1 : tagValue.indexOf('@');
            if (at >= 0 && digest == null) {
                // A map without a digest field carries the digest in the tag: tag@digest.
                digestValue = tagValue.substring(at + 1);
                tagValue = tagValue.substring(0, at);
            }
            if (templated(tagValue) || templated(digestValue)) {
                return null;
            }
            if (tagValue != null && !tagValue.isEmpty() && !ImageReference.isValidTag(tagValue)) {
                throw malformed(tag, tagKey, what, "the tag must match [\\w][\\w.-]{0,127}");
            }
            if (digestValue != null
                    && !digestValue.isEmpty()
                    && ImageReference.digestProblem(digestValue) != null) {
                throw malformed(digest, digestKey, what, ImageReference.digestProblem(digestValue));
            }
            return named.withTag(tagValue == null || tagValue.isEmpty() ? null : tagValue)
                    .withDigest(digestValue == null || digestValue.isEmpty() ? null : digestValue);
        }

        private NixshipException malformed(
                ScalarNode field, String key, String what, String reason) {
            return NixshipException.usage(
                    document.file()
                            + ":"
                            + document.line(field.getStartMark())
                            + ": "
                            + key
                            + " '"
                            + field.getValue()
                            + "' of the "
                            + what
                            + " for "
                            + target.familiarName()
                            + " is invalid ("
                            + reason
                            + "); correct it or empty it");
        }

        private void claimAll(Node... nodes) {
            for (Node node : nodes) {
                if (node != null) {
                    claimed.add(node);
                }
            }
        }

        private ImageSite site(Node node, ImageSite.Form form, ImageReference current) {
            return new ImageSite(
                    document.file(), document.line(node.getStartMark()), form, current);
        }
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

    /** A Helm image's name: {@code registry/repository}, or the repository without a registry. */
    private static String helmName(String registry, String repository) {
        return registry == null || registry.isEmpty() ? repository : registry + "/" + repository;
    }

    /** Index of the last '.' not escaped as {@code \\.} (Helm's --set syntax); -1 if none. */
    private static int lastUnescapedDot(String name) {
        for (int i = name.length() - 1; i >= 0; i--) {
            if (name.charAt(i) == '.' && (i == 0 || name.charAt(i - 1) != '\\')) {
                return i;
            }
        }
        return -1;
    }

    private static ScalarNode scalarNode(Node node, String key) {
        return child(node, key) instanceof ScalarNode scalar ? scalar : null;
    }

    static String value(ScalarNode node) {
        return node == null || node.getTag().equals(Tag.NULL) ? null : node.getValue();
    }
}
