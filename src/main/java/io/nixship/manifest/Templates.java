package io.nixship.manifest;

import io.nixship.NixshipException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Tells templates (Helm's {@code templates/}, anything with {@code {{ }}}) from broken YAML. */
final class Templates {
    private Templates() {}

    /**
     * Why {@code file} is skipped, or null to read it: a templated file that does not parse as YAML
     * is a template, not a mistake. A file without template markers that does not parse is left to
     * fail as invalid YAML.
     */
    static String notYamlReason(Path file, byte[] content) {
        boolean inTemplates = false;
        for (Path part : file) {
            inTemplates |= part.toString().equals("templates");
        }
        boolean templated =
                new String(content, StandardCharsets.UTF_8).contains("{{") || inTemplates;
        if (!templated) {
            return null;
        }
        try {
            YamlDocument.parse(file.toString(), content);
            return null;
        } catch (NixshipException notYaml) {
            return inTemplates
                    ? "a Helm template, not YAML (nixship edits the chart's values files)"
                    : "templated ({{ }}), not YAML";
        }
    }
}
