package io.nixship.manifest;

/**
 * One place in a manifest that names the image: {@code file} and 1-based {@code line}, how it is
 * written ({@code form}) and the reference it names now.
 */
public record ImageSite(String file, int line, Form form, ImageReference reference) {
    public enum Form {
        /**
         * A whole reference string: a container's {@code image:}, a Helm {@code image:} string, a
         * marked value.
         */
        IMAGE_STRING,
        /**
         * A Helm map with {@code repository} (and maybe {@code registry}, {@code tag}, {@code
         * digest}).
         */
        HELM_MAP,
        /** A kustomization {@code images:} entry. */
        KUSTOMIZE_ENTRY,
        /**
         * Argo CD {@code helm.parameters} sharing a prefix: {@code image.repository}, {@code
         * image.tag} (and maybe {@code image.registry}, {@code image.digest}).
         */
        HELM_PARAMETERS
    }
}
