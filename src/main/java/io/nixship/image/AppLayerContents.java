package io.nixship.image;

import io.nixship.NixshipException;
import java.nio.file.Path;
import java.util.Set;

/**
 * What the app layer holds besides the small filesystem every container expects: the app files (the
 * contents of {@code appDirectory}, placed at {@code workdir}) and the environment whose {@code
 * bin} becomes {@code /bin}.
 */
public record AppLayerContents(Path appDirectory, String workdir, String environmentPath) {
    private static final Set<String> RESERVED_TOP_LEVEL =
            Set.of("bin", "etc", "tmp", "nix", "proc", "sys", "dev");

    public AppLayerContents {
        if (workdir.length() > 1 && workdir.endsWith("/")) {
            workdir = workdir.substring(0, workdir.length() - 1);
        }
        if (!workdir.startsWith("/")
                || workdir.equals("/")
                || !Path.of(workdir).normalize().toString().equals(workdir)) {
            throw NixshipException.usage(
                    "app.workdir: '"
                            + workdir
                            + "' must be an absolute, normalised directory other than /, such as /opt");
        }
        String top = workdir.substring(1).split("/", 2)[0];
        if (RESERVED_TOP_LEVEL.contains(top)) {
            throw NixshipException.usage(
                    "app.workdir: '"
                            + workdir
                            + "' collides with the image's /"
                            + top
                            + "; choose a directory such as /opt or /app");
        }
        StorePaths.requireStorePath(environmentPath);
    }
}
