"""Medians of bench/run's samples: prints the README table and writes bench/results.json.

Usage: report.py SAMPLES.tsv CHANGE.tsv RESULTS.json PROFILE.jsonl MACHINE PATHS BYTES FILES RUNS HUGE_BYTES HUGE_STATUS
"""
import json
import statistics
import sys
from collections import defaultdict

samples_path, change_path, results_path, profile_path, machine = sys.argv[1:6]
paths, closure_bytes, files, runs, huge_bytes = map(int, sys.argv[6:11])
huge_status = sys.argv[11]
profiles = [json.loads(line) for line in open(profile_path) if line.strip()]

samples = defaultdict(list)
for line in open(samples_path):
    label, wall, rss, uploaded, cpu = line.rstrip("\n").split("\t")
    samples[label].append((float(wall), int(rss), int(uploaded), float(cpu)))


def median(label, index):
    values = [s[index] for s in samples.get(label, [])]
    return statistics.median(values) if values else None


figures = {
    label: {
        "runs": len(values),
        "wall_seconds": median(label, 0),
        "peak_rss_mib": round(median(label, 1) / 1024, 1),
        "bytes_uploaded": int(median(label, 2)),
        "cpu_seconds": median(label, 3),
        "samples": [{"wall_seconds": w, "peak_rss_kib": r, "bytes_uploaded": u, "cpu_seconds": c}
                    for w, r, u, c in values],
    }
    for label, values in samples.items()
}

changes = [list(map(int, line.split("\t"))) for line in open(change_path)] if runs else []
change_layer = statistics.median(c[0] for c in changes)
change_config = statistics.median(c[1] for c in changes)
change_manifest = statistics.median(c[2] for c in changes)
change_env_layer = statistics.median(c[3] for c in changes)
change_app_layer = statistics.median(c[4] for c in changes)
change_floor = change_layer + change_config + change_manifest


def wall(label):
    return figures[label]["wall_seconds"] if label in figures else None


def cpu(label):
    return figures[label]["cpu_seconds"] if label in figures else None


def ratio(a, b):
    return round(a / b, 2) if a is not None and b else None


targets = {
    "cold_vs_skopeo_archive": {"value": ratio(wall("cold_nixship"), wall("cold_skopeo_archive")), "target": "<= 1.0"},
    "cold_vs_upload_floor": {"value": ratio(wall("cold_nixship"), wall("cold_skopeo_oci_floor")), "target": "<= 1.2"},
    "cold_cpu_vs_skopeo_archive": {"value": ratio(cpu("cold_nixship"), cpu("cold_skopeo_archive")), "target": "(CPU-seconds, steadier on a busy machine)"},
    "cold_bytes_vs_zlib_gzip3": {
        "value": ratio(figures["cold_nixship"]["bytes_uploaded"], figures.get("cold_nixship_zlib", {}).get("bytes_uploaded")),
        "target": "<= 1.05"},
    "noop_cache_bytes": {"value": figures["noop_nixship_cache"]["bytes_uploaded"], "target": "0"},
    "noop_stateless_bytes": {"value": figures["noop_nixship_stateless"]["bytes_uploaded"], "target": "0"},
    "noop_cache_vs_skopeo": {"value": ratio(wall("noop_nixship_cache"), wall("noop_skopeo_archive")), "target": "<= 0.7"},
    "noop_stateless_vs_skopeo": {"value": ratio(wall("noop_nixship_stateless"), wall("noop_skopeo_archive")), "target": "<= 0.7"},
    "version_startup_seconds": {"value": wall("startup_version"), "target": "<= 0.15"},
    "noop_rebuild_bytes": {"value": figures.get("noop_nixship_rebuild", {}).get("bytes_uploaded"), "target": "0"},
    "change_bytes_vs_layer_config_manifest": {
        "value": ratio(figures["change_nixship"]["bytes_uploaded"], change_floor), "target": "<= 1.1"},
    "change_wall_vs_cold": {"value": ratio(wall("change_nixship"), wall("cold_nixship")), "target": "<= 0.3"},
    "change_stateless_bytes_vs_layer_config_manifest": {
        "value": ratio(figures["change_nixship_stateless"]["bytes_uploaded"], change_floor) if "change_nixship_stateless" in figures else None,
        "target": "<= 1.1"},
    "change_stateless_wall_vs_cold": {"value": ratio(wall("change_nixship_stateless"), wall("cold_nixship")), "target": "<= 0.3"},
    "peak_rss_mib_max": {
        "value": max(f["peak_rss_mib"] for label, f in figures.items() if label.endswith("nixship") or "nixship_" in label),
        "target": "< 300"},
}

results = {
    "machine": machine,
    "closure": {"store_paths": paths, "bytes": closure_bytes, "files": files},
    "runs": runs,
    "figures": figures,
    "one_path_changed": {
        "changed_layer_bytes": change_layer,
        "config_bytes": change_config,
        "manifest_bytes": change_manifest,
        "env_layer_bytes": change_env_layer,
        "app_layer_bytes": change_app_layer,
    },
    "memory_check": {"store_path_bytes": huge_bytes, "java_opts": "-Xmx256m", "status": huge_status},
    "targets": targets,
    "profiles": profiles,
}
with open(results_path, "w") as f:
    json.dump(results, f, indent=2, sort_keys=True)
    f.write("\n")

rows = [
    ("cold push", "nixship (empty cache, gzip 3, default deflate: ISA-L where installed)", "cold_nixship"),
    ("cold push", "nixship --deflate zlib (the JDK's zlib, gzip 3)", "cold_nixship_zlib"),
    ("cold push", "nixship --compression zstd", "cold_nixship_zstd"),
    ("cold push", "nixship --compression-level 1 (gzip)", "cold_nixship_gzip1"),
    ("cold push", "nixship --compression-level 6 (gzip)", "cold_nixship_gzip6"),
    ("cold push", "skopeo docker-archive (uncompressed)", "cold_skopeo_archive"),
    ("cold push", "skopeo oci (pre-compressed: upload floor)", "cold_skopeo_oci_floor"),
    ("no-op re-push", "nixship, warm cache", "noop_nixship_cache"),
    ("no-op re-push", "nixship, empty cache (stateless)", "noop_nixship_stateless"),
    ("no-op re-push", "nixship --rebuild, warm cache (evaluates Nix, checks every blob)", "noop_nixship_rebuild"),
    ("no-op re-push", "skopeo docker-archive", "noop_skopeo_archive"),
    ("start-up", "nixship --version", "startup_version"),
    ("one path changed", "nixship, warm cache", "change_nixship"),
    ("one path changed", "nixship, empty cache (stateless, reads :main)", "change_nixship_stateless"),
    ("1 GiB store path", "nixship -Xmx256m (1 run, to oci:)", "huge_nixship_xmx256m"),
]
print()
print("Closure: %d store paths, %.0f MB, %d files; median of %d runs." % (paths, closure_bytes / 1e6, files, runs))
print("Machine: %s" % machine)
print()
print("| scenario | tool | wall (s) | CPU (s) | uploaded (MB) | peak RSS (MiB) |")
print("|---|---|---:|---:|---:|---:|")
for scenario, tool, label in rows:
    if label in figures:
        f = figures[label]
        print("| %s | %s | %.2f | %.2f | %.2f | %.0f |" % (
            scenario, tool, f["wall_seconds"], f["cpu_seconds"], f["bytes_uploaded"] / 1e6, f["peak_rss_mib"]))
print()
print("One path changed: its compressed layer %.2f MB + config %d B + manifest %d B = %.2f MB;"
      " the env layer (%.0f KB) and app layer (%.0f KB) change with it." % (
          change_layer / 1e6, change_config, change_manifest, change_floor / 1e6,
          change_env_layer / 1e3, change_app_layer / 1e3))
print("Memory check (%d-byte store path, -Xmx256m): %s." % (huge_bytes, huge_status))
print()
print("| target | value | goal |")
print("|---|---:|---|")
for name, t in targets.items():
    print("| %s | %s | %s |" % (name, t["value"], t["target"]))
print()
print("Where a cold push's CPU goes (one profiled push each, Java Flight Recorder samples):")
print()
print("| run | CPU (s) | by phase (CPU-s) |")
print("|---|---:|---|")
for p in profiles:
    print("| %s | %.2f | %s |" % (p["run"], p["cpu_seconds"],
                                  ", ".join("%s %.2f" % (k, v) for k, v in sorted(p["by_phase"].items(), key=lambda kv: -kv[1]))))
