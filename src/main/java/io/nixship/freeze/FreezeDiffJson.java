package io.nixship.freeze;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nixship.Json;
import java.util.List;

/**
 * The diff as JSON, fields in a fixed order: {@code changed}, {@code summary} (a count per kind of
 * change), {@code packages} (every package: name, canonicalName, before, after, change,
 * beforeRequirement, afterRequirement; absent sides are null), {@code closure} and {@code nixpkgs}
 * (null when not known), and both freezes as text ({@code freezeBefore}, {@code freezeAfter}).
 */
public final class FreezeDiffJson {
    private static final ObjectMapper MAPPER = Json.mapper();
    private static final ObjectWriter PRETTY = Json.pretty();

    private FreezeDiffJson() {}

    public static String render(FreezeDiff diff) {
        return write(tree(diff)) + "\n";
    }

    /** The JSON tree, for callers that embed it in a larger document. */
    public static ObjectNode tree(FreezeDiff diff) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("changed", diff.hasChanges());
        ObjectNode summary = root.putObject("summary");
        diff.counts().forEach((change, count) -> summary.put(change.word(), count));
        ArrayNode packages = root.putArray("packages");
        for (PackageChange change : diff.packages()) {
            ObjectNode p = packages.addObject();
            p.put("name", change.name());
            p.put("canonicalName", PackageName.normalize(change.name()));
            p.put(
                    "before",
                    change.before() == null ? null : PackageChange.display(change.before()));
            p.put("after", change.after() == null ? null : PackageChange.display(change.after()));
            p.put("change", change.change().word());
            p.put(
                    "beforeRequirement",
                    change.before() == null ? null : change.before().requirement());
            p.put("afterRequirement", change.after() == null ? null : change.after().requirement());
        }
        if (diff.closure().isPresent()) {
            ClosureDiff closure = diff.closure().get();
            ObjectNode c = root.putObject("closure");
            c.put("pathsBefore", closure.pathsBefore());
            c.put("pathsAfter", closure.pathsAfter());
            c.put("sizeBefore", closure.sizeBefore());
            c.put("sizeAfter", closure.sizeAfter());
            c.put("sizeDelta", closure.sizeDelta());
            paths(c.putArray("added"), closure.added());
            paths(c.putArray("removed"), closure.removed());
        } else {
            root.putNull("closure");
        }
        if (diff.nixpkgs().isPresent()) {
            NixpkgsChange nixpkgs = diff.nixpkgs().get();
            ObjectNode n = root.putObject("nixpkgs");
            n.put("before", nixpkgs.before());
            n.put("after", nixpkgs.after());
            n.put("changed", nixpkgs.changed());
            n.put("compareUrl", nixpkgs.compareUrl());
        } else {
            root.putNull("nixpkgs");
        }
        root.put("freezeBefore", diff.before().render());
        root.put("freezeAfter", diff.after().render());
        return root;
    }

    private static void paths(ArrayNode array, List<ClosureDiff.StorePathSize> paths) {
        for (ClosureDiff.StorePathSize path : paths) {
            ObjectNode entry = array.addObject().put("path", path.path());
            if (path.sizeKnown()) {
                entry.put("narSize", path.narSize());
            } else {
                entry.putNull("narSize");
            }
        }
    }

    private static String write(ObjectNode tree) {
        try {
            return PRETTY.writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }
}
