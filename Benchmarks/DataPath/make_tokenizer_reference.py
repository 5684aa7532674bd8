"""Writes Benchmarks/DataPath/tokenizer-reference.json: what Hugging Face's tokenizer produces for the tokenizer
benchmark corpus (the texts of Benchmarks/tokenizer/bench_hf_tokenizer.py, read from ../shared/datasets), so the
DataPath benchmark can check, without Python, that ftft's tokenizer produced the same ids before it is timed.

Recorded: the number of texts, the number of ids (no special tokens) and the FNV-1a-64 checksum over them (the
functions of bench_hf_tokenizer.py, imported, not copied), the tokenizers version, and the SHA-256 of the model's
tokenizer.json and of every corpus file, so a stale reference is recognisable.

Usage: $FTFT_TORCH_PYTHON Benchmarks/DataPath/make_tokenizer_reference.py
"""
import hashlib
import importlib.util
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("bench_hf_tokenizer",
                                              os.path.join(HERE, "..", "tokenizer", "bench_hf_tokenizer.py"))
hf = importlib.util.module_from_spec(spec)
spec.loader.exec_module(hf)


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def main():
    model = os.path.join(hf.SHARED, "models", "minilm-l6-h384", "tokenizer.json")
    tok = hf.Tokenizer.from_file(model)
    tok.no_truncation()
    tok.no_padding()
    texts = hf.corpus_texts()
    checksum, tokens = hf.FNV_OFFSET, 0
    for encoding in tok.encode_batch(texts, add_special_tokens=False):
        tokens += len(encoding.ids)
        checksum = hf.fnv1a(encoding.ids, checksum)
    reference = {
        "texts": len(texts), "tokens": tokens, "ids_fnv1a": f"{checksum:016x}",
        "model": "models/minilm-l6-h384/tokenizer.json", "model_sha256": sha256(model),
        "tokenizers": hf.tokenizers.__version__,
        "sources": {path: sha256(os.path.join(hf.SHARED, path)) for path, _, _ in hf.CORPUS},
        "generator": "Benchmarks/DataPath/make_tokenizer_reference.py",
    }
    out = os.path.join(HERE, "tokenizer-reference.json")
    with open(out, "w", encoding="utf-8") as f:
        json.dump(reference, f, indent=2, sort_keys=True)
        f.write("\n")
    print(f"wrote {out}: {len(texts)} texts, {tokens} tokens, FNV-1a {checksum:016x}")


if __name__ == "__main__":
    main()
