package io.nixship.config;

import io.nixship.NixshipException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code tag} template of {@code .nixship.yaml}: {@code {sha}}, {@code {sha7}}, {@code {date}}
 * (the commit's UTC date, {@code yyyyMMdd}) and {@code {nixpkgs}} (the locked revision's first 7
 * characters). The expansion must be a valid tag, so a template cannot produce a broken reference.
 */
public record TagTemplate(String template) {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z0-9]+)}");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    private static final DateTimeFormatter DATE =
            DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);

    public String expand(String commitId, Instant commitTime, String nixpkgsRevision) {
        Matcher matcher = PLACEHOLDER.matcher(template);
        StringBuilder tag = new StringBuilder();
        while (matcher.find()) {
            String value =
                    switch (matcher.group(1)) {
                        case "sha" -> commitId;
                        case "sha7" -> commitId.substring(0, Math.min(7, commitId.length()));
                        case "date" -> DATE.format(commitTime);
                        case "nixpkgs" ->
                                nixpkgsRevision.substring(0, Math.min(7, nixpkgsRevision.length()));
                        default ->
                                throw NixshipException.usage(
                                        NixshipConfig.FILE_NAME
                                                + ": tag: unknown placeholder {"
                                                + matcher.group(1)
                                                + "} in '"
                                                + template
                                                + "' (known: {sha}, {sha7}, {date}, {nixpkgs})");
                    };
            matcher.appendReplacement(tag, Matcher.quoteReplacement(value));
        }
        matcher.appendTail(tag);
        if (!TAG.matcher(tag).matches()) {
            throw NixshipException.usage(
                    NixshipConfig.FILE_NAME
                            + ": tag: '"
                            + template
                            + "' expands to '"
                            + tag
                            + "', which is not a valid image tag ([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})");
        }
        return tag.toString();
    }
}
