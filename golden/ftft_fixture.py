"""Writer for ftft's golden fixture files and their manifest.

Format (read by Tests/FTFTTestSupport/GoldenFixture.swift), little-endian:
    magic b"FTFTGOLD" | u32 version=1 | u32 tensor count | u32 n + n bytes JSON metadata
    per tensor: u16 n + n bytes UTF-8 name | u8 dtype (0 f32, 1 i64, 2 f64) | u8 rank | rank x i64 dims | data

Every generator calls `write_fixture(name, tensors, generator=..., args=..., seed=...)`; it writes
golden/<name> and records sha256, generator, arguments, seed and library versions in golden/manifest.json.
"""
import hashlib
import json
import os
import platform
import struct
import sys

import numpy as np

GOLDEN_DIR = os.path.dirname(os.path.abspath(__file__))
MANIFEST = os.path.join(GOLDEN_DIR, "manifest.json")

_DTYPES = {np.dtype(np.float32): 0, np.dtype(np.int64): 1, np.dtype(np.float64): 2}


def _as_array(value):
    try:
        import torch
        if isinstance(value, torch.Tensor):
            value = value.detach().cpu().numpy()
    except ImportError:
        pass
    arr = np.asarray(value)
    if arr.dtype in (np.float16, np.float32) or arr.dtype.kind == "f" and arr.dtype != np.float64:
        arr = arr.astype(np.float32)
    elif arr.dtype.kind in "iub":
        arr = arr.astype(np.int64)
    return np.ascontiguousarray(arr)


def library_versions():
    versions = {"python": platform.python_version(), "numpy": np.__version__}
    for name in ("torch", "transformers", "tokenizers", "safetensors"):
        module = sys.modules.get(name)
        if module is not None:
            versions[name] = getattr(module, "__version__", "unknown")
    return versions


def write_fixture(name, tensors, generator, args=None, seed=None, metadata=None):
    """Writes golden/<name> holding `tensors` (an ordered dict name -> array) and updates the manifest."""
    meta = dict(metadata or {})
    meta.update({"generator": generator, "args": args or {}, "seed": seed})
    meta_bytes = json.dumps(meta, sort_keys=True).encode()
    out = bytearray(b"FTFTGOLD")
    out += struct.pack("<III", 1, len(tensors), len(meta_bytes))
    out += meta_bytes
    for key, value in tensors.items():
        arr = _as_array(value)
        if arr.dtype not in _DTYPES:
            raise TypeError(f"{key}: unsupported dtype {arr.dtype}")
        key_bytes = key.encode()
        out += struct.pack("<H", len(key_bytes)) + key_bytes
        out += struct.pack("<BB", _DTYPES[arr.dtype], arr.ndim)
        out += struct.pack(f"<{arr.ndim}q", *arr.shape)
        out += arr.astype(arr.dtype.newbyteorder("<")).tobytes()
    path = os.path.join(GOLDEN_DIR, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(out)
    record_file(name, generator, args, seed)
    return path


def record_file(name, generator, args=None, seed=None):
    """Records any golden file (fixture, JSONL, small checkpoint) in the manifest."""
    path = os.path.join(GOLDEN_DIR, name)
    with open(path, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    manifest = {"files": {}}
    if os.path.exists(MANIFEST):
        with open(MANIFEST) as f:
            manifest = json.load(f)
    manifest.setdefault("files", {})[name] = {
        "sha256": digest,
        "generator": generator,
        "args": args or {},
        "seed": seed,
        "versions": library_versions(),
    }
    manifest["regenerate"] = "golden/generate.sh"
    with open(MANIFEST, "w") as f:
        json.dump(manifest, f, indent=2, sort_keys=True)
        f.write("\n")
