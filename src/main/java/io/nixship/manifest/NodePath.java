package io.nixship.manifest;

import java.util.ArrayList;
import java.util.List;

/**
 * Where a node sits: document number, then mapping keys (String) and sequence indexes (Integer).
 */
record NodePath(int document, List<Object> segments) {
    NodePath {
        segments = List.copyOf(segments);
    }

    static NodePath root(int document) {
        return new NodePath(document, List.of());
    }

    NodePath child(Object segment) {
        List<Object> longer = new ArrayList<>(segments);
        longer.add(segment);
        return new NodePath(document, longer);
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("document ").append(document + 1).append(": ");
        for (Object segment : segments) {
            text.append(segment instanceof Integer ? "[" + segment + "]" : "." + segment);
        }
        return text.toString();
    }
}
