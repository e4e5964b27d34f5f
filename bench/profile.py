"""CPU seconds of one profiled nixship run, by phase: prints one JSON line.

Usage: profile.py NAME SAMPLES.txt CPU_SECONDS
SAMPLES.txt is `jfr print --events jdk.ExecutionSample,jdk.NativeMethodSample`. Each Java sample (and
each native sample inside a deflate call, where the thread works rather than waits) goes to the
phase of the first frame that names one; the process's CPU seconds are shared out in proportion.
"""
import json
import re
import sys
from collections import Counter

name, samples_path, cpu = sys.argv[1], sys.argv[2], float(sys.argv[3])

PHASES = [
    ("deflate", ("IsalBlockDeflater", "java.util.zip.Deflater", "ZlibBlockDeflater", "zstd")),
    ("sha256", ("sun.security.provider.SHA2", "sun.security.provider.DigestBase")),
    ("crc32", ("java.util.zip.CRC32",)),
    ("tar and file reads", ("LayerTarWriter", "TarArchive", "sun.nio.ch.FileChannelImpl", "UnixFileDispatcherImpl",
                            "java.io.FileInputStream")),
    ("upload (HTTP)", ("jdk.internal.net.http", "java.net.http", "sun.nio.ch.SocketChannelImpl", "io.nixship.registry")),
    ("nix and git", ("io.nixship.nix", "org.eclipse.jgit", "io.nixship.source")),
    ("start-up and JSON", ("picocli", "com.fasterxml", "java.lang.invoke", "jdk.internal.loader", "java.lang.ClassLoader")),
]

phases = Counter()
text = open(samples_path).read()
for event in re.split(r"\n(?=jdk\.(?:Execution|NativeMethod)Sample)", text):
    native = event.startswith("jdk.NativeMethodSample")
    frames = re.findall(r"^\s+([\w.$<>]+)\(", event, re.M)
    if not frames:
        continue
    if native and not any(m in f for f in frames[:3] for m in PHASES[0][1]):
        continue
    phase = next((p for f in frames for p, markers in PHASES if any(m in f for m in markers)), "other")
    phases[phase] += 1

total = sum(phases.values()) or 1
print(json.dumps({
    "run": name,
    "cpu_seconds": round(cpu, 2),
    "samples": total,
    "by_phase": {p: round(cpu * n / total, 2) for p, n in phases.most_common()},
}, sort_keys=True))
