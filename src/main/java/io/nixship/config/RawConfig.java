package io.nixship.config;

import java.util.List;
import java.util.Map;

/** {@code .nixship.yaml} exactly as written, before defaults and checks; absent fields are null. */
record RawConfig(
        String image,
        String tag,
        Integer maxLayers,
        Nix nix,
        App app,
        List<String> manifests,
        GitOps gitops) {

    record GitOps(String repository, String branch, List<String> manifests) {}

    record Nix(
            String file,
            Map<String, String> env,
            String channel,
            String maxClosureSize,
            String timeout) {}

    record App(
            List<String> copy,
            String workdir,
            List<String> cmd,
            List<String> entrypoint,
            Map<String, String> env,
            String user,
            List<String> ports) {}
}
