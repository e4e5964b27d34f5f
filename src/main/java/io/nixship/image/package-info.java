/**
 * OCI image assembly straight from a Nix closure, with no Docker daemon.
 *
 * <p>{@link io.nixship.image.ClosureLayerPlanner} groups store paths into layers; {@link
 * io.nixship.image.ImageAssembler} tars and compresses each group once (cached in a {@link
 * io.nixship.image.LayerBlobStore} by its store paths), adds the app layer and builds config and
 * manifest with {@link io.nixship.image.ImageConfigFactory}; {@link
 * io.nixship.image.OciLayoutWriter} and {@link io.nixship.image.DockerArchiveWriter} write the
 * result atomically.
 */
package io.nixship.image;
