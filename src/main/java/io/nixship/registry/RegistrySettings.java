package io.nixship.registry;

import java.time.Clock;
import java.util.Set;

/**
 * How to talk to registries.
 *
 * @param jobs how many blobs upload at once
 * @param insecureRegistries hosts ({@code host} or {@code host:port}) reached over plain HTTP; loopback
 *     always is
 */
public record RegistrySettings(int jobs, Set<String> insecureRegistries, RetryPolicy retry, Clock clock) {
  public static final int DEFAULT_JOBS = 4;

  public RegistrySettings {
    if (jobs < 1) {
      throw new IllegalArgumentException("jobs must be at least 1");
    }
    insecureRegistries = Set.copyOf(insecureRegistries);
  }

  public static RegistrySettings defaults() {
    return new RegistrySettings(DEFAULT_JOBS, Set.of(), RetryPolicy.standard(), Clock.systemUTC());
  }

  public RegistrySettings withJobs(int otherJobs) {
    return new RegistrySettings(otherJobs, insecureRegistries, retry, clock);
  }

  public RegistrySettings withInsecureRegistries(Set<String> hosts) {
    return new RegistrySettings(jobs, hosts, retry, clock);
  }

  public RegistrySettings withRetry(RetryPolicy otherRetry) {
    return new RegistrySettings(jobs, insecureRegistries, otherRetry, clock);
  }

  public RegistrySettings withClock(Clock otherClock) {
    return new RegistrySettings(jobs, insecureRegistries, retry, otherClock);
  }
}
