package io.nixship.manifest;

import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.ScalarNode;

/** A located image, with the nodes an edit touches. Null nodes are keys the entry does not have. */
sealed interface Site {
    ImageSite site();

    /**
     * A scalar holding a whole reference; {@code name} is its text before the tag or digest, after
     * {@code prefix} (the {@code old=} of an Argo CD kustomize image, else empty).
     */
    record ImageString(ImageSite site, ScalarNode node, String prefix, String name)
            implements Site {}

    /** A Helm image map; {@code name} is registry/repository as written. */
    record HelmMap(ImageSite site, MappingNode map, String name, HelmKeys keys) implements Site {}

    /**
     * Argo CD Helm parameters naming one image; {@code keys} hold their {@code value} nodes, keyed
     * by the parameters' names.
     */
    record HelmParameters(ImageSite site, String name, HelmKeys keys) implements Site {}

    /** A site inside a YAML document held in a string ({@code helm.values}, an inline patch). */
    record Embedded(ImageSite site, EmbeddedYaml yaml, Site inner) implements Site {}

    /** A kustomization images entry; {@code name} is newName, else name. */
    record KustomizeEntry(
            ImageSite site, MappingNode map, String name, ScalarNode newTag, ScalarNode digest)
            implements Site {}
}
