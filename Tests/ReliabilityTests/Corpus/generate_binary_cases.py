#!/usr/bin/env python3
"""Writes the bad-input corpus cases that are not plain UTF-8 text: safetensors files (an 8-byte length in front
of the JSON header), gzip streams, invalid UTF-8. Each is a few hundred bytes at most. The committed files are
this script's output; catalogue.json says what each must produce. Python standard library only.

Usage: Tests/ReliabilityTests/Corpus/generate_binary_cases.py   (rewrites the files in place)"""
import gzip
import json
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def write(relative, data):
    path = os.path.join(HERE, relative)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def safetensors(header, data=b"", length=None):
    """Raw safetensors bytes: `header` (str, bytes or a JSON-able object), its length (or `length`), `data`."""
    if not isinstance(header, (str, bytes)):
        header = json.dumps(header, separators=(",", ":"))
    if isinstance(header, str):
        header = header.encode()
    return struct.pack("<Q", len(header) if length is None else length) + header + data


def f32(*values):
    return struct.pack("<%df" % len(values), *values)


# Two well-formed F32 tensors: w [2, 2] at 0..16 and b [2] at 16..24; the cases each break one thing.
W = {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 16]}
B = {"dtype": "F32", "shape": [2], "data_offsets": [16, 24]}
DATA = f32(1, 2, 3, 4, 5, 6)


def tensors(w=None, b=None):
    return {"w": dict(W, **(w or {})), "b": dict(B, **(b or {}))}


SAFETENSORS = {
    "too-short": b"\x10\x00\x00",
    "empty": b"",
    "header-length-past-end": safetensors(tensors(), DATA, length=4096),
    "header-length-over-limit": safetensors(tensors(), DATA, length=2**63),
    "header-not-json": safetensors('{"w":{"dtype":"F32","shape":[2,2],', DATA),
    "header-bad-token": safetensors('{"w":{"dtype":F32,"shape":[6],"data_offsets":[0,24]}}', DATA),
    "header-not-object": safetensors("[1,2,3]", DATA),
    "header-invalid-utf8": safetensors(b'{"w\xff\xfe":{"dtype":"F32","shape":[6],"data_offsets":[0,24]}}', DATA),
    "metadata-not-strings": safetensors(dict({"__metadata__": {"format": 3}}, **tensors()), DATA),
    "entry-not-object": safetensors({"w": 5, "b": B}, DATA),
    "no-dtype": safetensors({"w": {"shape": [2, 2], "data_offsets": [0, 16]}, "b": B}, DATA),
    "unknown-dtype": safetensors(tensors(w={"dtype": "F23"}), DATA),
    "shape-negative": safetensors(tensors(w={"shape": [-2, -2]}), DATA),
    "shape-not-integers": safetensors(tensors(w={"shape": [2.5, 2]}), DATA),
    "shape-bytes-mismatch": safetensors(tensors(w={"shape": [2, 3]}), DATA),
    "shape-overflow": safetensors(tensors(w={"shape": [4611686018427387904, 4]}), DATA),
    "offsets-past-end": safetensors(tensors(b={"shape": [4], "data_offsets": [16, 32]}), DATA),
    "offsets-overlap": safetensors(tensors(b={"data_offsets": [12, 20]}), DATA),
    "offsets-gap": safetensors(tensors(w={"shape": [1], "data_offsets": [0, 4]}), DATA),
    "offsets-reversed": safetensors(tensors(w={"data_offsets": [16, 0]}), DATA),
    "offsets-not-pair": safetensors(tensors(w={"data_offsets": [0]}), DATA),
    "trailing-bytes": safetensors(tensors(), DATA + b"\x00" * 4),
    # Found by fuzz-safetensors: an empty tensor of a dtype ftft does not convert was read as [] (now refused).
    "empty-f64-tensor": safetensors({"e": {"dtype": "F64", "shape": [0, 3], "data_offsets": [0, 0]}}),
}

NLI_LINES = "".join('{"id": "x%d", "text": "sentence number %d", "pair": "p", "label": "a"}\n' % (i, i) for i in range(40))
TSV_LINES = "id\ttext\tpair\tlabel\n" + "".join("x%d\tsentence number %d\tp\ta\n" % (i, i) for i in range(40))
TEXT_LINES = "".join("line %d of plain text\n" % i for i in range(40))


def truncated_gzip(text, keep):
    """A gzip member of one stored (uncompressed) deflate block, cut after `keep` bytes of the text: the reader
    sees exactly those bytes, then the stream ends early (no rest, no trailer)."""
    whole = gzip.compress(text.encode(), compresslevel=0, mtime=0)
    return whole[:10 + 5 + keep]  # 10-byte gzip header, 5-byte stored-block header


def bad_crc_gzip(text):
    whole = bytearray(gzip.compress(text.encode(), compresslevel=0, mtime=0))
    whole[-8] ^= 0xFF  # first byte of the CRC-32 in the trailer
    return bytes(whole)


BINARY = {
    "data/jsonl/invalid-utf8.jsonl": b'{"id": "x1", "text": "fine", "label": "a"}\n'
                                     b'{"id": "x2", "text": "caf\xe9", "label": "a"}\n',
    "data/csv/invalid-utf8.csv": b"id,text,label\nx1,fine,a\nx2,\"bad \xc3\x28 bytes\",b\n",
    "data/tsv/invalid-utf8.tsv": b"id\ttext\tlabel\nx1\tfine\ta\nx2\t\xed\xa0\x80 surrogate\tb\n",
    "data/jsonl/truncated.jsonl.gz": truncated_gzip(NLI_LINES, 400),
    "data/jsonl/bad-crc.jsonl.gz": bad_crc_gzip(NLI_LINES[:300]),
    "data/tsv/truncated.tsv.gz": truncated_gzip(TSV_LINES, 300),
    "vocabulary/invalid-utf8.txt": b"[PAD]\n[UNK]\n[CLS]\n[SEP]\nhello\nwor\xffld\n",
    "vocabulary/truncated-vocab.txt.gz": truncated_gzip("[PAD]\n[UNK]\n[CLS]\n[SEP]\n" + "".join("token%d\n" % i for i in range(60)), 200),
    "tokenizer/invalid-utf8.json": b'{"model": {"type": "WordPiece",\n "vocab": {"a\xc0": 0}}}\n',
    "tokenize-input/invalid-utf8.txt": b"hello world\nsecond line\n\xfe\xff third\n",
    "tokenize-input/truncated.txt.gz": truncated_gzip(TEXT_LINES, 250),
    "pretrained/weights-malformed/model.safetensors": safetensors('{"bert.embeddings', b""),
    # The first 100 bytes of an SQLite file (the database header: magic, page size 4096, one page) and nothing else.
    "store/truncated-sqlite-header/ftft.sqlite": b"SQLite format 3\x00" + struct.pack(">HBBBBBB", 4096, 1, 1, 0, 64, 32, 32)
                                                + struct.pack(">IIIIIIIIIIII", 1, 1, 0, 0, 0, 4, 0, 0, 1, 0, 0, 0)
                                                + b"\x00" * 20 + struct.pack(">II", 1, 3045000),
}


def main():
    for name, data in SAFETENSORS.items():
        write("safetensors/%s.safetensors" % name, data)
    for relative, data in BINARY.items():
        write(relative, data)


if __name__ == "__main__":
    main()
