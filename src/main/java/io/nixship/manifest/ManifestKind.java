package io.nixship.manifest;

import java.nio.file.Path;
import java.util.Locale;

/** How a manifest file is read: which places in it can name an image. */
public enum ManifestKind {
    /** Decide by file name: kustomization.yaml, values*.yaml (Helm), else Kubernetes objects. */
    AUTO,
    /** Kubernetes objects: workloads' containers, initContainers, ephemeralContainers. */
    KUBERNETES,
    /** A kustomization file's {@code images:} entries. */
    KUSTOMIZATION,
    /**
     * Helm values: {@code image:} strings and {@code registry}/{@code repository}/{@code tag} maps.
     */
    HELM_VALUES;

    /** The concrete kind for {@code file}: this one unless it is AUTO. */
    public ManifestKind resolve(Path file) {
        if (this != AUTO) {
            return this;
        }
        String name = file.getFileName() == null ? "" : file.getFileName().toString();
        String lower = name.toLowerCase(Locale.ROOT);
        if (name.equals("kustomization.yaml")
                || name.equals("kustomization.yml")
                || name.equals("Kustomization")) {
            return KUSTOMIZATION;
        }
        if (lower.startsWith("values") && (lower.endsWith(".yaml") || lower.endsWith(".yml"))) {
            return HELM_VALUES;
        }
        return KUBERNETES;
    }
}
