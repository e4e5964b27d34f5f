"""Writes one synthetic store path ($out) for bench/synthetic-closure.nix, deterministically.

Usage: generate.py KIND NAME SEED FILES TEXT_BYTES BINARY_BYTES
  KIND package: a Python package (site-packages/<name>/ modules, a dist-info), FILES text files
                of TEXT_BYTES in total, plus BINARY_BYTES of incompressible .so files (if > 0);
  KIND env:     the environment: site-packages of every path in $paths linked in, bin/python3.
Data comes from random.Random(SEED) only, never from the clock or /dev/urandom, so a build gives
the same bytes (and store path contents) every time on the same Python.
"""
import os
import random
import sys

PYTHON = "python3.12"


def words(rng, count):
    letters = "abcdefghijklmnopqrstuvwxyz_"
    return ["".join(rng.choice(letters) for _ in range(rng.randint(3, 12))) for _ in range(count)]


def text_lines(rng):
    vocabulary = words(rng, 3000)
    templates = [
        "def {0}({1}, {2}=None):\n",
        "    return {0}.{1}({2})\n",
        "    {0} = {1}[{2!r}]\n",
        "class {0}({1}):\n",
        "    \"\"\"{0} {1} {2} for the {0} of {1}.\"\"\"\n",
        "import {0}.{1} as {2}\n",
        "    if {0} is not None and {1} > {2!r}:\n",
        "        raise {0}Error(\"{1} {2}\")\n",
    ]
    lines = []
    for _ in range(20000):
        lines.append(rng.choice(templates).format(rng.choice(vocabulary), rng.choice(vocabulary), rng.choice(vocabulary)))
    return lines


def write_text(path, rng, lines, size):
    chunks = []
    total = 0
    while total < size:
        line = lines[rng.randrange(len(lines))]
        chunks.append(line)
        total += len(line)
    with open(path, "w") as f:
        f.write("".join(chunks)[:size])


def package(out, name, seed, files, text_bytes, binary_bytes):
    rng = random.Random(seed)
    lines = text_lines(rng)
    site = os.path.join(out, "lib", PYTHON, "site-packages")
    module_root = os.path.join(site, name.replace("-", "_"))
    per_file = max(1, text_bytes // max(1, files))
    for i in range(files):
        directory = os.path.join(module_root, "sub%02d" % (i % 40)) if files > 60 else module_root
        os.makedirs(directory, exist_ok=True)
        size = max(1, int(per_file * rng.uniform(0.2, 1.8)))
        write_text(os.path.join(directory, "m%04d.py" % i), rng, lines, size)
    remaining = binary_bytes
    index = 0
    while remaining > 0:
        size = min(remaining, 64 * 1024 * 1024)
        libs = os.path.join(module_root, ".libs")
        os.makedirs(libs, exist_ok=True)
        with open(os.path.join(libs, "lib%s%d.so" % (name.replace("-", "_"), index)), "wb") as f:
            step = 1 << 20
            for offset in range(0, size, step):
                f.write(rng.randbytes(min(step, size - offset)))
        remaining -= size
        index += 1
    version = "%d.%d.%d" % (1 + seed % 5, seed % 13, seed % 7)
    info = os.path.join(site, "%s-%s.dist-info" % (name.replace("-", "_"), version))
    os.makedirs(info, exist_ok=True)
    with open(os.path.join(info, "METADATA"), "w") as f:
        f.write("Metadata-Version: 2.1\nName: %s\nVersion: %s\n" % (name, version))
    with open(os.path.join(info, "INSTALLER"), "w") as f:
        f.write("nix\n")


def env(out, paths):
    site = os.path.join(out, "lib", PYTHON, "site-packages")
    os.makedirs(site)
    os.makedirs(os.path.join(out, "bin"))
    for path in sorted(paths):
        source = os.path.join(path, "lib", PYTHON, "site-packages")
        if not os.path.isdir(source):
            continue
        for entry in sorted(os.listdir(source)):
            target = os.path.join(site, entry)
            if not os.path.lexists(target):
                os.symlink(os.path.join(source, entry), target)
        if os.path.basename(path).split("-", 1)[1].startswith("python3-"):
            os.symlink(os.path.join(path, "bin", "python3"), os.path.join(out, "bin", "python3"))


def main():
    out = os.environ["out"]
    kind = sys.argv[1]
    if kind == "env":
        env(out, os.environ["paths"].split())
        return
    name, seed, files, text_bytes, binary_bytes = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
    package(out, name, seed, files, text_bytes, binary_bytes)
    if name.startswith("python3"):
        os.makedirs(os.path.join(out, "bin"))
        with open(os.path.join(out, "bin", "python3"), "w") as f:
            f.write("#!/bin/sh\necho synthetic python\n")
        os.chmod(os.path.join(out, "bin", "python3"), 0o755)


main()
