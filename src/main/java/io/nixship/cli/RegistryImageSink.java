package io.nixship.cli;

import io.nixship.NixshipException;
import io.nixship.forge.ReleaseService;
import io.nixship.image.ImageBuildService.BuiltImage;
import io.nixship.image.ImageDestination;
import io.nixship.manifest.ImageReference;
import io.nixship.registry.ImagePublisher;
import io.nixship.registry.ImagePublisher.Published;
import io.nixship.registry.RegistryCredentials;
import io.nixship.registry.RegistrySettings;
import java.util.List;
import java.util.Optional;

/**
 * Where {@code release} and {@code update-channel} put the built image: the configured repository
 * (or {@code --to}), pushed with progress; in a dry run nowhere.
 */
final class RegistryImageSink implements ReleaseService.ImageSink {
  private final CommandSession session;
  private final Optional<ImageReference> destination;
  private final RegistrySettings settings;
  private final Optional<RegistryCredentials> credentials;
  private final boolean dryRun;

  RegistryImageSink(
      CommandSession session,
      Optional<ImageReference> destination,
      RegistrySettings settings,
      Optional<RegistryCredentials> credentials,
      boolean dryRun) {
    this.session = session;
    this.destination = destination;
    this.settings = settings;
    this.credentials = credentials;
    this.dryRun = dryRun;
  }

  @Override
  public ImageReference repository(BuiltImage built) {
    return destination.orElseGet(() -> repositoryOnly(built.config().requireImage()));
  }

  @Override
  public Published publish(BuiltImage built, ImageReference target) {
    if (dryRun) {
      return new Published(target.toString(), target.digest(), target.tag(), Optional.empty());
    }
    CliContext context = session.context();
    ImagePublisher publisher = new ImagePublisher(context.env(), context.home(), settings, credentials);
    Published published = session.group("nixship push", () -> publisher.publish(
        built.image(),
        new ImageDestination.Registry(target.repository() + ":" + target.tag()),
        target.tag(),
        List.of(),
        Optional.of(target.repository()),
        new PushProgress(session, context.interactive())));
    published.push().ifPresent(push -> session.log(push.summary()));
    return published;
  }

  /** A repository without tag or digest: the tag comes from the template, the digest from the build. */
  static ImageReference repositoryOnly(String reference) {
    ImageReference parsed = ImageReference.parse(reference);
    if (parsed.tag() != null || parsed.digest() != null) {
      throw NixshipException.usage("image repository '" + reference
          + "' must not carry a tag or digest; the tag comes from the tag template and the digest from the build");
    }
    return parsed;
  }
}
