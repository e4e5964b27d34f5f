package io.nixship.freeze;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nixship.Json;
import io.nixship.NixshipException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Computes what {@code python3 -m pip freeze} prints for an environment from its {@code
 * *.dist-info} and {@code *.egg-info} metadata, without running Python. It follows pip's importlib
 * backend (pip on Python 3.11+): site directories in {@code sys.path} order, the first distribution
 * of a name wins, unnamed or invalidly named metadata is skipped, {@code Name==version} with the
 * version normalised (or {@code Name===version} when not PEP 440), {@code Name @ url} when {@code
 * direct_url.json} says so, sorted by {@code name.lower()}, minus the names {@link
 * FreezeRules#skipped()} lists.
 *
 * <p>Not covered, as they do not occur in Nix-built environments: {@code .egg} archives and {@code
 * .egg-link} files; an editable install is printed as pip prints one without a VCS checkout.
 */
public final class FreezeReader {
    private static final Pattern PYTHON_DIR = Pattern.compile("python(3\\.[0-9]+)");
    private static final Pattern HEADER = Pattern.compile("^([\\x21-\\x39\\x3b-\\x7e]*):(.*)$");
    private static final ObjectMapper JSON = Json.mapper();

    private final FileTree files;

    public FreezeReader(FileTree files) {
        this.files = files;
    }

    /**
     * The freeze of the Python environment rooted at {@code envPath} (e.g. a {@code python3-env}
     * store path), with the rules of the pip installed in it on the Python its {@code
     * lib/python3.X} names.
     *
     * @throws NixshipException (usage) when {@code envPath} has no {@code lib/python3*} package
     *     directory or no {@code lib/python3.X} to tell the Python version from
     */
    public Freeze read(String envPath) {
        String python =
                pythonVersion(envPath)
                        .orElseThrow(
                                () ->
                                        NixshipException.usage(
                                                envPath
                                                        + " has no lib/python3.X directory: point at a Python environment"));
        return read(envPath, python);
    }

    /** As {@link #read(String)}, for a known Python {@code major.minor} (e.g. {@code 3.12}). */
    public Freeze read(String envPath, String pythonVersion) {
        List<String> sites = siteDirectories(envPath);
        if (sites.isEmpty()) {
            throw NixshipException.usage(
                    envPath
                            + " has no lib/python3.X/site-packages or dist-packages: point at a Python environment");
        }
        return read(sites, rulesFor(sites, pythonVersion));
    }

    /** The freeze of the given site directories, searched in order as {@code sys.path} would be. */
    public Freeze read(List<String> siteDirectories, FreezeRules rules) {
        Map<String, FreezeEntry> installations = new LinkedHashMap<>();
        for (InstalledDistribution dist : distributions(siteDirectories, rules)) {
            FreezeEntry entry = frozen(dist);
            installations.put(entry.canonicalName(), entry);
        }
        Set<String> skipped = rules.skipped();
        return Freeze.sorted(
                installations.values().stream()
                        .filter(e -> !skipped.contains(e.canonicalName()))
                        .toList());
    }

    /**
     * The rules for these site directories: those of the pip found first in them (the one {@code
     * python3 -m pip} would import), or of current pip when there is none.
     */
    public FreezeRules rulesFor(List<String> siteDirectories, String pythonVersion) {
        FreezeRules probe = FreezeRules.currentPip(pythonVersion);
        return distributions(siteDirectories, probe).stream()
                .filter(d -> d.canonicalName().equals("pip"))
                .findFirst()
                .map(d -> new FreezeRules(d.version(), pythonVersion))
                .orElse(probe);
    }

    /**
     * {@code lib/python3*}/{@code site-packages} then {@code dist-packages} under {@code envPath},
     * the Python directories in name order; only those that exist.
     */
    public List<String> siteDirectories(String envPath) {
        String lib = join(envPath, "lib");
        List<String> sites = new ArrayList<>();
        for (String child : files.list(lib)) {
            if (!child.startsWith("python3")) {
                continue;
            }
            for (String kind : List.of("site-packages", "dist-packages")) {
                String dir = join(join(lib, child), kind);
                if (files.isDirectory(dir)) {
                    sites.add(dir);
                }
            }
        }
        return sites;
    }

    /**
     * The {@code major.minor} Python version from a {@code lib/python3.X} directory, e.g. {@code
     * 3.12}.
     */
    public Optional<String> pythonVersion(String envPath) {
        String lib = join(envPath, "lib");
        return files.list(lib).stream()
                .map(PYTHON_DIR::matcher)
                .filter(m -> m.matches() && files.isDirectory(join(lib, m.group())))
                .map(m -> m.group(1))
                .findFirst();
    }

    /** One distribution pip would list, after its de-duplication and name validation. */
    record InstalledDistribution(
            String infoPath,
            String rawName,
            String canonicalName,
            String version,
            Optional<String> directUrl) {}

    List<InstalledDistribution> distributions(List<String> siteDirectories, FreezeRules rules) {
        List<InstalledDistribution> found = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String site : siteDirectories) {
            for (String info : infoDirectories(site)) {
                String infoName = info.substring(info.lastIndexOf('/') + 1);
                Map<String, String> headers = headers(metadataText(info).orElse(""));
                String metadataName = headers.get("name");
                InfoDirectoryName fromDirectory = InfoDirectoryName.of(infoName);
                // pip <24.1 identifies a distribution by its metadata Name; 24.1+ prefers the
                // directory name.
                String identity;
                String locationName;
                String version;
                if (rules.namesFromInfoDirectory()) {
                    identity = fromDirectory.name() != null ? fromDirectory.name() : metadataName;
                    locationName = identity;
                    version =
                            fromDirectory.version() != null
                                    ? fromDirectory.version()
                                    : headers.get("version");
                } else {
                    identity = metadataName;
                    locationName =
                            fromDirectory.legacyName() != null
                                    ? fromDirectory.legacyName()
                                    : metadataName;
                    version = headers.get("version");
                }
                if (identity == null || !seen.add(PackageName.normalize(identity))) {
                    continue;
                }
                // BaseEnvironment.iter_all_distributions drops names that are not valid project
                // names.
                String canonical = PackageName.normalize(locationName);
                if (!PackageName.isValid(canonical) || version == null) {
                    continue;
                }
                // The metadata Name is untrusted text that ends up in logs and labels: only a valid
                // name is shown.
                String rawName =
                        metadataName != null && PackageName.isValid(metadataName)
                                ? metadataName
                                : canonical;
                found.add(
                        new InstalledDistribution(
                                info,
                                rawName,
                                canonical,
                                version,
                                files.readText(join(info, "direct_url.json"))));
            }
        }
        return found;
    }

    /**
     * importlib.metadata's {@code Lookup}: entries ending in {@code .dist-info}/{@code .egg-info}
     * (any case), grouped by their normalised name prefix in first-seen order.
     */
    private List<String> infoDirectories(String site) {
        Map<String, List<String>> groups = new LinkedHashMap<>();
        for (String child : files.list(site)) {
            String low = child.toLowerCase(Locale.ROOT);
            if (!low.endsWith(".dist-info") && !low.endsWith(".egg-info")) {
                continue;
            }
            String stem = low.substring(0, low.lastIndexOf('.'));
            int dash = stem.indexOf('-');
            String key =
                    PackageName.normalize(dash < 0 ? stem : stem.substring(0, dash))
                            .replace('-', '_');
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(join(site, child));
        }
        return groups.values().stream().flatMap(List::stream).toList();
    }

    /**
     * What a metadata directory's own name says. {@code legacyName} is pip <24.1's {@code
     * _get_dist_name_from_location} (the part before the first {@code -} of any {@code
     * .dist-info}/{@code .egg-info}); {@code name} and {@code version} are pip 24.1+'s {@code
     * parse_name_and_version_from_info_directory} ({@code name-version.dist-info} gives both,
     * {@code name*.egg-info} only the name). Each is {@code null} when the name does not say.
     */
    private record InfoDirectoryName(String legacyName, String name, String version) {
        static InfoDirectoryName of(String infoName) {
            int dot = infoName.lastIndexOf('.');
            String stem = infoName.substring(0, dot);
            String suffix = infoName.substring(dot);
            int dash = stem.indexOf('-');
            String beforeDash = dash < 0 ? stem : stem.substring(0, dash);
            if (suffix.equals(".dist-info")) {
                return dash < 0
                        ? new InfoDirectoryName(beforeDash, null, null)
                        : new InfoDirectoryName(beforeDash, beforeDash, stem.substring(dash + 1));
            }
            if (suffix.equals(".egg-info")) {
                return new InfoDirectoryName(beforeDash, beforeDash, null);
            }
            return new InfoDirectoryName(null, null, null);
        }
    }

    /**
     * {@code METADATA}, else {@code PKG-INFO}, else the {@code .egg-info} file itself; empty ones
     * skipped.
     */
    private Optional<String> metadataText(String info) {
        for (String candidate : List.of(join(info, "METADATA"), join(info, "PKG-INFO"), info)) {
            Optional<String> text = files.readText(candidate).filter(t -> !t.isEmpty());
            if (text.isPresent()) {
                return text;
            }
        }
        return Optional.empty();
    }

    /**
     * The first value of each header, keyed by lower-cased name, as Python's {@code email} parser
     * reads them: headers end at the first blank or non-header line; leading blanks of a value are
     * dropped.
     */
    static Map<String, String> headers(String text) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line : text.split("\r\n|\r|\n", -1)) {
            if (line.isEmpty()) {
                break;
            }
            if (line.startsWith(" ") || line.startsWith("\t")) {
                continue;
            }
            Matcher m = HEADER.matcher(line);
            if (!m.matches()) {
                break;
            }
            headers.putIfAbsent(
                    m.group(1).toLowerCase(Locale.ROOT), m.group(2).replaceFirst("^[ \\t]+", ""));
        }
        return headers;
    }

    /** pip's {@code FrozenRequirement.from_dist}. */
    private FreezeEntry frozen(InstalledDistribution dist) {
        PythonVersion version = PythonVersion.parse(dist.version());
        String printedVersion = version.toString();
        String pin = dist.rawName() + (version.isLegacy() ? "===" : "==") + printedVersion;
        Optional<JsonNode> directUrl = dist.directUrl().flatMap(FreezeReader::validDirectUrl);
        if (directUrl.isEmpty()) {
            return new FreezeEntry(dist.rawName(), printedVersion, pin);
        }
        JsonNode url = directUrl.get();
        JsonNode dirInfo = url.path("dir_info");
        if (dirInfo.path("editable").asBoolean(false)
                && url.path("url").asText().startsWith("file:")) {
            String location = localPath(url.path("url").asText());
            return new FreezeEntry(
                    dist.rawName(),
                    printedVersion,
                    "# Editable install with no version control (" + pin + ")\n-e " + location);
        }
        return new FreezeEntry(
                dist.rawName(), printedVersion, directReference(dist.rawName(), url));
    }

    /** pip's {@code url_to_path} for a local {@code file:} URL, percent-escapes decoded. */
    private static String localPath(String fileUrl) {
        String path;
        try {
            path = URI.create(fileUrl).getPath();
        } catch (IllegalArgumentException e) {
            path = null;
        }
        if (path == null) {
            path = fileUrl.replaceFirst("^file:(//[^/]*)?", "");
        }
        return Path.of(path).normalize().toString();
    }

    /** pip's {@code direct_url_as_pep440_direct_reference}. */
    private static String directReference(String name, JsonNode url) {
        StringBuilder requirement = new StringBuilder(name).append(" @ ");
        List<String> fragments = new ArrayList<>();
        if (url.has("vcs_info")) {
            JsonNode vcs = url.get("vcs_info");
            requirement
                    .append(vcs.path("vcs").asText())
                    .append('+')
                    .append(url.path("url").asText())
                    .append('@')
                    .append(vcs.path("commit_id").asText());
        } else if (url.has("archive_info")) {
            requirement.append(url.path("url").asText());
            JsonNode hash = url.get("archive_info").get("hash");
            if (hash != null && hash.isTextual()) {
                fragments.add(hash.asText());
            }
        } else {
            requirement.append(url.path("url").asText());
        }
        JsonNode subdirectory = url.get("subdirectory");
        if (subdirectory != null && subdirectory.isTextual()) {
            fragments.add("subdirectory=" + subdirectory.asText());
        }
        if (!fragments.isEmpty()) {
            requirement.append('#').append(String.join("&", fragments));
        }
        return requirement.toString();
    }

    /**
     * A {@code direct_url.json} pip accepts (a URL and exactly one info object); pip ignores
     * others.
     */
    private static Optional<JsonNode> validDirectUrl(String text) {
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
        if (node == null || !node.isObject() || !node.path("url").isTextual()) {
            return Optional.empty();
        }
        long infos =
                List.of("archive_info", "dir_info", "vcs_info").stream()
                        .filter(k -> node.has(k) && node.get(k).isObject())
                        .count();
        if (infos != 1) {
            return Optional.empty();
        }
        JsonNode vcs = node.get("vcs_info");
        if (vcs != null && (!vcs.path("vcs").isTextual() || !vcs.path("commit_id").isTextual())) {
            return Optional.empty();
        }
        return Optional.of(node);
    }

    private static String join(String dir, String child) {
        return dir.endsWith("/") ? dir + child : dir + "/" + child;
    }
}
