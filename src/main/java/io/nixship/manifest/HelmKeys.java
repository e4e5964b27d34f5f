package io.nixship.manifest;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * The fields a chart reads from a Helm image map: the tag ({@code tag}, else {@code version}) and
 * the digest ({@code digest}, else {@code sha}), each null when the map has none. Keys merged in
 * with {@code <<} count, and a key written in the map itself overrides a merged one, as YAML merges
 * them: the node found is the one the chart sees.
 */
record HelmKeys(ScalarNode tag, String tagKey, ScalarNode digest, String digestKey) {
    private static final String SHA256 = "sha256:";

    static HelmKeys of(MappingNode map) {
        return of(key -> find(map, key), "");
    }

    /**
     * The fields {@code field} finds (null for none), their keys named {@code prefix} plus the
     * field ({@code image.} for Argo CD's {@code image.tag} parameter).
     */
    static HelmKeys of(Function<String, ScalarNode> field, String prefix) {
        String tagKey =
                field.apply("tag") == null && field.apply("version") != null ? "version" : "tag";
        String digestKey =
                field.apply("digest") == null && field.apply("sha") != null ? "sha" : "digest";
        return new HelmKeys(
                field.apply(tagKey), prefix + tagKey, field.apply(digestKey), prefix + digestKey);
    }

    /**
     * Whether the digest field holds the hex alone, as charts with a {@code sha} key write it
     * ({@code @sha256:{{ .Values.image.sha }}}).
     */
    boolean hexOnlyDigest() {
        if (digest == null) {
            return false;
        }
        String value = ManifestLocator.value(digest);
        return (value == null || value.isEmpty())
                ? digestKey.equals("sha") || digestKey.endsWith(".sha")
                : !value.contains(":");
    }

    /** The digest as the field should hold it: the whole digest, or its hex for a hex-only one. */
    String written(String digestValue) {
        return hexOnlyDigest() && digestValue.startsWith(SHA256)
                ? digestValue.substring(SHA256.length())
                : digestValue;
    }

    /** A digest field's value as a whole digest: hex alone is read as sha256. */
    static String digestValue(ScalarNode digest) {
        String value = ManifestLocator.value(digest);
        if (value == null || value.isEmpty() || value.contains(":")) {
            return value;
        }
        return SHA256 + value;
    }

    /** The scalar under {@code key}, in the map itself or merged into it; null if none. */
    static ScalarNode find(MappingNode map, String key) {
        return find(map, key, Collections.newSetFromMap(new IdentityHashMap<>()));
    }

    private static ScalarNode find(MappingNode map, String key, Set<Node> seen) {
        if (!seen.add(map)) {
            return null;
        }
        List<MappingNode> merged = new ArrayList<>();
        for (NodeTuple tuple : map.getValue()) {
            if (!(tuple.getKeyNode() instanceof ScalarNode keyNode)) {
                continue;
            }
            if (keyNode.getTag().equals(Tag.MERGE)) {
                merged.addAll(mappings(tuple.getValueNode()));
            } else if (keyNode.getValue().equals(key)) {
                return tuple.getValueNode() instanceof ScalarNode scalar ? scalar : null;
            }
        }
        for (MappingNode source : merged) {
            ScalarNode found = find(source, key, seen);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    private static List<MappingNode> mappings(Node value) {
        List<MappingNode> maps = new ArrayList<>();
        if (value instanceof MappingNode map) {
            maps.add(map);
        } else if (value instanceof SequenceNode sequence) {
            for (Node item : sequence.getValue()) {
                if (item instanceof MappingNode map) {
                    maps.add(map);
                }
            }
        }
        return maps;
    }
}
