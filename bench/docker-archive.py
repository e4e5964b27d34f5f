"""Writes a `docker load` archive of a closure with UNCOMPRESSED layers, one per store path, as
streamLayeredImage-style pipelines hand to skopeo: so skopeo has to compress, as nixship does.

Usage: docker-archive.py OUT.tar REPO:TAG STORE_PATH...
"""
import hashlib
import io
import json
import os
import sys
import tarfile
import tempfile


def normalise(info):
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    info.mtime = 1
    return info


def layer(directory, store_path):
    path = os.path.join(directory, hashlib.sha256(store_path.encode()).hexdigest() + ".tar")
    with tarfile.open(path, "w", format=tarfile.PAX_FORMAT) as tar:
        for parent in ("nix", "nix/store"):
            info = tarfile.TarInfo(parent)
            info.type = tarfile.DIRTYPE
            info.mode = 0o555
            tar.addfile(normalise(info))
        tar.add(store_path, arcname=store_path.lstrip("/"), filter=normalise)
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return path, "sha256:" + digest.hexdigest()


def main():
    out, tag, paths = sys.argv[1], sys.argv[2], sys.argv[3:]
    with tempfile.TemporaryDirectory(dir=os.path.dirname(os.path.abspath(out))) as work:
        layers = [layer(work, p) for p in paths]
        config = json.dumps({
            "architecture": "amd64",
            "os": "linux",
            "config": {"Env": ["PATH=/bin"]},
            "rootfs": {"type": "layers", "diff_ids": [d for _, d in layers]},
        }, sort_keys=True).encode()
        config_name = hashlib.sha256(config).hexdigest() + ".json"
        manifest = json.dumps([{
            "Config": config_name,
            "RepoTags": [tag],
            "Layers": [d.split(":")[1] + "/layer.tar" for _, d in layers],
        }]).encode()
        with tarfile.open(out, "w", format=tarfile.PAX_FORMAT) as archive:
            for name, data in ((config_name, config), ("manifest.json", manifest)):
                info = tarfile.TarInfo(name)
                info.size = len(data)
                archive.addfile(normalise(info), io.BytesIO(data))
            for path, digest in layers:
                archive.add(path, arcname=digest.split(":")[1] + "/layer.tar", filter=normalise)


main()
