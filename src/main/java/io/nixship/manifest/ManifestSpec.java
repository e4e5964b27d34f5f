package io.nixship.manifest;

import io.nixship.NixshipException;
import java.util.Locale;

/**
 * One configured manifests entry: a file, a directory (searched for *.yaml and *.yml) or a glob,
 * with the kind to read its files as. Written {@code PATH} (kind by file name) or {@code
 * helm:PATH}, {@code kustomize:PATH}, {@code k8s:PATH} to choose the kind per entry.
 */
public record ManifestSpec(String pattern, ManifestKind kind) {
    public ManifestSpec {
        if (pattern == null || pattern.isBlank()) {
            throw NixshipException.usage(
                    "a manifests entry is empty; give a file, directory or glob");
        }
    }

    public static ManifestSpec parse(String entry) {
        String trimmed = entry == null ? "" : entry.trim();
        int colon = trimmed.indexOf(':');
        if (colon > 0) {
            ManifestKind kind =
                    switch (trimmed.substring(0, colon).toLowerCase(Locale.ROOT)) {
                        case "helm" -> ManifestKind.HELM_VALUES;
                        case "kustomize" -> ManifestKind.KUSTOMIZATION;
                        case "k8s" -> ManifestKind.KUBERNETES;
                        default -> null;
                    };
            if (kind != null) {
                return new ManifestSpec(trimmed.substring(colon + 1), kind);
            }
        }
        return new ManifestSpec(trimmed, ManifestKind.AUTO);
    }
}
