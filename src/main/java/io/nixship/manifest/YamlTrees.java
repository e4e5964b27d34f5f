package io.nixship.manifest;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Walks node trees in document order, visiting each collection once (aliases share nodes, and
 * following them again would let a few lines of YAML expand exponentially).
 */
final class YamlTrees {
    private YamlTrees() {}

    /** Key used in paths for a mapping entry whose key is not a scalar. */
    static final String COMPLEX_KEY = "?";

    static String keyOf(NodeTuple tuple) {
        return tuple.getKeyNode() instanceof ScalarNode key ? key.getValue() : COMPLEX_KEY;
    }

    /** Every node of the documents, keys included, each once however many aliases reach it. */
    static List<Node> everyNode(List<Node> documents) {
        Set<Node> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Node> nodes = new ArrayList<>();
        List<Node> pending = new ArrayList<>(documents);
        while (!pending.isEmpty()) {
            Node node = pending.remove(pending.size() - 1);
            if (!seen.add(node)) {
                continue;
            }
            nodes.add(node);
            if (node instanceof MappingNode mapping) {
                for (NodeTuple tuple : mapping.getValue()) {
                    pending.add(tuple.getKeyNode());
                    pending.add(tuple.getValueNode());
                }
            } else if (node instanceof SequenceNode sequence) {
                pending.addAll(sequence.getValue());
            }
        }
        return nodes;
    }

    /** The path at which each node is first reached; the editor and the verifier agree on it. */
    static IdentityHashMap<Node, NodePath> firstPaths(List<Node> documents) {
        IdentityHashMap<Node, NodePath> paths = new IdentityHashMap<>();
        for (int i = 0; i < documents.size(); i++) {
            record(documents.get(i), NodePath.root(i), paths);
        }
        return paths;
    }

    private static void record(Node node, NodePath path, IdentityHashMap<Node, NodePath> paths) {
        if (paths.putIfAbsent(node, path) != null) {
            return;
        }
        if (node instanceof MappingNode mapping) {
            for (NodeTuple tuple : mapping.getValue()) {
                record(tuple.getValueNode(), path.child(keyOf(tuple)), paths);
            }
        } else if (node instanceof SequenceNode sequence) {
            List<Node> items = sequence.getValue();
            for (int i = 0; i < items.size(); i++) {
                record(items.get(i), path.child(i), paths);
            }
        }
    }

    /**
     * Null when {@code after} equals {@code before} except that each path in {@code expected} holds
     * its string value (and may be a newly added key); otherwise the first difference found.
     */
    static String difference(List<Node> before, List<Node> after, Map<NodePath, String> expected) {
        if (before.size() != after.size()) {
            return "the number of documents changed";
        }
        Comparison comparison = new Comparison(expected);
        for (int i = 0; i < before.size(); i++) {
            String difference = comparison.compare(before.get(i), after.get(i), NodePath.root(i));
            if (difference != null) {
                return difference;
            }
        }
        Set<NodePath> missing = new HashSet<>(expected.keySet());
        missing.removeAll(comparison.reached);
        return missing.isEmpty() ? null : "no node at " + missing.iterator().next();
    }

    private static final class Comparison {
        private final Map<NodePath, String> expected;
        private final Set<NodePath> reached = new HashSet<>();
        private final Set<Node> visited = Collections.newSetFromMap(new IdentityHashMap<>());
        // An edited scalar that is also reached through an alias legitimately differs there too.
        private final Set<Node> changed = Collections.newSetFromMap(new IdentityHashMap<>());

        Comparison(Map<NodePath, String> expected) {
            this.expected = expected;
        }

        String compare(Node before, Node after, NodePath path) {
            if (expected.containsKey(path)) {
                return expectedScalar(after, path);
            }
            if (before instanceof ScalarNode oldScalar) {
                if (!(after instanceof ScalarNode newScalar)) {
                    return "the node at " + path + " is no longer a scalar";
                }
                if (changed.contains(newScalar)) {
                    return null;
                }
                return oldScalar.getValue().equals(newScalar.getValue())
                                && oldScalar.getTag().equals(newScalar.getTag())
                        ? null
                        : "the value at " + path + " changed";
            }
            if (before.getClass() != after.getClass()
                    || !before.getTag().equals(after.getTag())
                    || !Objects.equals(before.getAnchor(), after.getAnchor())) {
                return "the node at " + path + " changed its kind, tag or anchor";
            }
            if (!visited.add(before)) {
                return null;
            }
            if (before instanceof SequenceNode oldSequence) {
                List<Node> oldItems = oldSequence.getValue();
                List<Node> newItems = ((SequenceNode) after).getValue();
                if (oldItems.size() != newItems.size()) {
                    return "the sequence at " + path + " changed length";
                }
                for (int i = 0; i < oldItems.size(); i++) {
                    String difference = compare(oldItems.get(i), newItems.get(i), path.child(i));
                    if (difference != null) {
                        return difference;
                    }
                }
                return null;
            }
            return compareMappings((MappingNode) before, (MappingNode) after, path);
        }

        private String compareMappings(MappingNode before, MappingNode after, NodePath path) {
            Set<String> oldKeys = new HashSet<>();
            before.getValue().forEach(tuple -> oldKeys.add(keyOf(tuple)));
            List<NodeTuple> kept = new ArrayList<>();
            for (NodeTuple tuple : after.getValue()) {
                NodePath childPath = path.child(keyOf(tuple));
                if (!oldKeys.contains(keyOf(tuple)) && expected.containsKey(childPath)) {
                    String difference = expectedScalar(tuple.getValueNode(), childPath);
                    if (difference != null) {
                        return difference;
                    }
                } else {
                    kept.add(tuple);
                }
            }
            if (kept.size() != before.getValue().size()) {
                return "the keys of the mapping at " + path + " changed";
            }
            for (int i = 0; i < kept.size(); i++) {
                NodeTuple oldTuple = before.getValue().get(i);
                NodeTuple newTuple = kept.get(i);
                String difference =
                        compare(
                                oldTuple.getKeyNode(),
                                newTuple.getKeyNode(),
                                path.child(COMPLEX_KEY));
                if (difference == null) {
                    difference =
                            compare(
                                    oldTuple.getValueNode(),
                                    newTuple.getValueNode(),
                                    path.child(keyOf(oldTuple)));
                }
                if (difference != null) {
                    return difference;
                }
            }
            return null;
        }

        private String expectedScalar(Node after, NodePath path) {
            reached.add(path);
            String value = expected.get(path);
            if (after instanceof ScalarNode scalar
                    && scalar.getValue().equals(value)
                    && scalar.getTag().equals(Tag.STR)) {
                changed.add(scalar);
                return null;
            }
            return "the node at " + path + " does not hold the string '" + value + "'";
        }
    }
}
