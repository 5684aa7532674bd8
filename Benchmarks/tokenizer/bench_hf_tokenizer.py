"""Single-thread throughput of Hugging Face's Rust tokenizer (`tokenizers`, the model's tokenizer.json) on the
tokenizer benchmark corpus, to set beside ftft's `TokenizerThroughput.measure` on the same texts.

The corpus: every text field of these files in ../shared/datasets, each field a separate text, in file order —
  mnli/dev_matched_bert100.tsv.gz    premise, hypothesis
  anli/R{1,2,3}/dev.jsonl.gz         context, hypothesis
  cad/cad_v1_1_train.tsv.gz          text
  dynahate/dynahate_subset_{dev,test}.csv.gz  text
Each text is tokenized without special tokens; the fastest of --repetitions passes is reported. Threads: the Rust
tokenizer runs with TOKENIZERS_PARALLELISM=false and RAYON_NUM_THREADS=1 (set before importing it), so
`encode_batch` runs on one thread; the per-call loop (`encode` once per text from Python) is reported too, since
it includes Python's call overhead.

--corpus-out PATH writes the corpus as JSON lines for the Swift side: a header {"texts", "tokens", "ids_fnv1a"}
(HF's token count and FNV-1a-64 checksum over its ids as little-endian int32), then one JSON string per text.
Swift validates against the header before timing (Benchmarks/tokenizer/measure_swift.sh).

Usage: $FTFT_TORCH_PYTHON Benchmarks/tokenizer/bench_hf_tokenizer.py [--corpus-out /tmp/corpus.jsonl]
"""
import argparse
import csv
import gzip
import json
import os
import platform
import sys
import time

os.environ["TOKENIZERS_PARALLELISM"] = "false"
os.environ["RAYON_NUM_THREADS"] = "1"

from tokenizers import Tokenizer  # noqa: E402  (after the thread settings)
import tokenizers  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.environ.get("FTFT_SHARED") or os.path.normpath(os.path.join(HERE, "..", "..", "..", "shared"))
CORPUS = [
    ("datasets/mnli/dev_matched_bert100.tsv.gz", "tsv", ["premise", "hypothesis"]),
    ("datasets/anli/R1/dev.jsonl.gz", "jsonl", ["context", "hypothesis"]),
    ("datasets/anli/R2/dev.jsonl.gz", "jsonl", ["context", "hypothesis"]),
    ("datasets/anli/R3/dev.jsonl.gz", "jsonl", ["context", "hypothesis"]),
    ("datasets/cad/cad_v1_1_train.tsv.gz", "tsv", ["text"]),
    ("datasets/dynahate/dynahate_subset_dev.csv.gz", "csv", ["text"]),
    ("datasets/dynahate/dynahate_subset_test.csv.gz", "csv", ["text"]),
]


def corpus_texts():
    texts = []
    for path, fmt, fields in CORPUS:
        with gzip.open(os.path.join(SHARED, path), "rb") as f:
            lines = f.read().decode("utf-8").split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        header = None
        for line in lines:
            if fmt == "jsonl":
                row = json.loads(line)
                texts.extend(row[name] for name in fields)
                continue
            cells = line.split("\t") if fmt == "tsv" else next(csv.reader([line]))
            if header is None:
                header = cells
                continue
            texts.extend(cells[header.index(name)] for name in fields)
    return texts


FNV_OFFSET, FNV_PRIME, MASK = 0xCBF29CE484222325, 0x100000001B3, (1 << 64) - 1


def fnv1a(ids, h):
    for i in ids:
        for byte in (i & 0xFFFFFFFF).to_bytes(4, "little"):
            h = ((h ^ byte) * FNV_PRIME) & MASK
    return h


def best_of(repetitions, run):
    best = float("inf")
    for _ in range(repetitions):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default=os.path.join(SHARED, "models", "minilm-l6-h384"))
    parser.add_argument("--repetitions", type=int, default=3)
    parser.add_argument("--corpus-out")
    args = parser.parse_args()

    tok = Tokenizer.from_file(os.path.join(args.model, "tokenizer.json"))
    tok.no_truncation()
    tok.no_padding()
    texts = corpus_texts()
    encodings = tok.encode_batch(texts, add_special_tokens=False)
    tokens = sum(len(e.ids) for e in encodings)
    checksum = FNV_OFFSET
    for e in encodings:
        checksum = fnv1a(e.ids, checksum)

    batch_seconds = best_of(args.repetitions, lambda: tok.encode_batch(texts, add_special_tokens=False))
    loop_seconds = best_of(args.repetitions, lambda: [tok.encode(t, add_special_tokens=False) for t in texts])
    result = {
        "texts": len(texts), "tokens": tokens, "ids_fnv1a": f"{checksum:016x}",
        "encode_batch_seconds": batch_seconds, "encode_batch_tokens_per_second": tokens / batch_seconds,
        "encode_loop_seconds": loop_seconds, "encode_loop_tokens_per_second": tokens / loop_seconds,
        "tokenizers": tokenizers.__version__, "python": platform.python_version(), "repetitions": args.repetitions,
    }
    print(json.dumps(result, indent=2))
    if args.corpus_out:
        with open(args.corpus_out, "w", encoding="utf-8") as f:
            f.write(json.dumps({"texts": len(texts), "tokens": tokens, "ids_fnv1a": f"{checksum:016x}"}) + "\n")
            for text in texts:
                f.write(json.dumps(text, ensure_ascii=True) + "\n")
        print(f"corpus written to {args.corpus_out}", file=sys.stderr)


if __name__ == "__main__":
    main()
