# syntax=docker/dockerfile:1
# The nixship GitHub Action image (action.yml: runs.image): Nix, a Java runtime, ISA-L (libisal2: gzip
# layers deflated natively), git and nixship.jar, nothing else. Debian 13 (trixie): its Nix (2.26)
# evaluates current nixpkgs, which needs Nix 2.18 or newer. The base is pinned by digest, once, for
# both stages; Dependabot (package-ecosystem "docker") or Renovate must refresh it. BASE is an argument only so that a build without registry access can
# substitute a local Debian 13 (.ci/action-image); GitHub builds and the release use the default.
# The reproducible way to build the same image is default.nix (`nixship build` on this repository).
ARG BASE=debian:trixie-slim@sha256:a29215f6a35e51e22adffa17f89e9d2ef06214e64a2bad10d765c46aea49f11f

# Build stage: the same pinned base, with a JDK and Maven from Debian (the pom compiles for release 25:
# Debian 13's main suite has openjdk-25, no backports needed).
FROM ${BASE} AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends openjdk-25-jdk-headless maven \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY pom.xml ./
# Error Prone runs inside javac and needs the compiler packages .mvn/jvm.config opens to it.
COPY .mvn ./.mvn
COPY src ./src
COPY scripts/aot-train ./scripts/aot-train
COPY examples/imgproxy-lite/k8s ./examples/imgproxy-lite/k8s
# Also trains the ahead-of-time cache (scripts/aot-train) on what this stage can run: no Nix or registry
# here, so `bump` on the example's manifests, `--version` and `--help`. The build stage's JVM is the
# runtime's (openjdk-25-jdk-headless holds the same JVM as the -jre-headless below), and COPY keeps the
# jar's size and time, which the cache checks (aot-train sets the time to the pom's reproducible one, so a
# jar layer reused from an earlier build matches too); where either differs the JVM starts without it.
RUN mvn -B -q package -DskipTests

# Runtime stage.
FROM ${BASE}
# nix-bin without its recommended nix-setup-systemd (no systemd here: the entrypoint starts the
# daemon). The JRE's postinst
# expects the man directory that the slim image leaves out.
RUN mkdir -p /usr/share/man/man1 \
 && apt-get update \
 && apt-get install -y --no-install-recommends nix-bin openjdk-25-jre-headless libisal2 git ca-certificates \
 && rm -rf /var/lib/apt/lists/*
# Nix runs multi-user inside the container (docker/entrypoint.sh starts nix-daemon as root): builds
# as the nixbld users, every Nix command as the unprivileged user nixship, so code from the
# repository never runs as root next to the secrets. The sandbox is set at start (NIXSHIP_NIX_SANDBOX,
# default true) and falls back to none where the runtime refuses its namespaces. Debian's nix-bin
# ships no /etc/nix.
RUN groupadd --system nixbld \
 && for i in 1 2 3 4 5 6 7 8; do \
      useradd --system --no-create-home --home-dir /var/empty --shell /usr/sbin/nologin \
        --gid nixbld --groups nixbld --comment "Nix build user $i" "nixbld$i"; \
    done \
 && useradd --system --create-home --home-dir /home/nixship --shell /usr/sbin/nologin \
      --user-group --comment "Nix evaluation for nixship" nixship \
 && mkdir -p /etc/nix \
 && printf '%s\n' 'build-users-group = nixbld' > /etc/nix/nix.conf \
 && mkdir -p /nix/store /nix/var/nix \
 && git config --system --add safe.directory '*'
# GitHub runs container actions as the image's user with the workspace (owned by the runner's user)
# mounted at /github/workspace, and its docs require the default user, root: only root can write the
# workspace, GITHUB_OUTPUT and the step summary, and start the nix-daemon. The safe.directory line
# above lets git read that foreign-owned workspace.
USER root
ENV HOME=/root \
    NIXSHIP_NIX_USER=nixship \
    XDG_CACHE_HOME=/var/cache/nixship \
    NIXSHIP_AOT_CACHE=/opt/nixship/nixship.aot
COPY --from=build /src/target/nixship.jar /opt/nixship/nixship.jar
COPY --from=build /src/target/nixship.aot /opt/nixship/nixship.aot
COPY docker/entrypoint.sh /opt/nixship/entrypoint.sh
RUN mkdir -p "$XDG_CACHE_HOME"
WORKDIR /github/workspace
ENTRYPOINT ["/opt/nixship/entrypoint.sh"]
