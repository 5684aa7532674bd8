"""Golden fixtures for FTFTText's WordPiece tokenizer: Hugging Face `tokenizers` (Rust, tokenizer.json) is the
reference; `transformers.BertTokenizer` built from vocab.txt and the pure-Python `BertTokenizerLegacy` are run
beside it and recorded wherever they disagree with it.

Writes two files (registered in golden/manifest.json through `record_file`):

- tokenizer_codepoints.jsonl.gz — for every Unicode scalar (U+0000…U+10FFFF without surrogates), what each step
  of HF's BertNormalizer (clean_text, handle_chinese_chars, strip_accents, lowercase), its NFD and
  BertPreTokenizer do to it, as ranges of code points with the same class or as per-scalar mappings (identity
  entries omitted); plus two canonical-ordering probes per scalar (recorded where HF reorders).
- tokenizer_parity.jsonl.gz — whole-pipeline cases: input ids, token types and attention masks for single texts
  and pairs, with truncation (`longest_first`) and padding. Data-set texts are NOT stored: a case names the file
  (relative to the shared root), the 1-based physical line, the format and the field(s), plus the SHA-256 of each
  field so that the Swift test can tell a wrong extraction from a tokenizer bug. Hand-written edge cases store
  their text.

Run: golden/generate.sh generate_tokenizer.py
"""
import csv
import gzip
import hashlib
import io
import json
import os
import random
import shutil
import sys
import tempfile

from tokenizers import Tokenizer
from tokenizers.models import WordPiece
from tokenizers.normalizers import NFD, BertNormalizer
from tokenizers.pre_tokenizers import BertPreTokenizer
from tokenizers.processors import TemplateProcessing
import transformers
from transformers import BertTokenizer
from transformers.models.bert.tokenization_bert_legacy import BertTokenizerLegacy

from ftft_fixture import GOLDEN_DIR, record_file

SEED = 3
GENERATOR = "generate_tokenizer.py"
SHARED = os.environ.get("FTFT_SHARED") or os.path.normpath(os.path.join(GOLDEN_DIR, "..", "..", "shared"))
MODEL = "models/minilm-l6-h384"
MODEL_DIR = os.path.join(SHARED, MODEL)

# ----------------------------------------------------------------------------------------------------------
# Deterministic gzip (no timestamp, no file name) so that an unchanged generator rewrites identical bytes.


def write_jsonl_gz(name, records):
    raw = io.BytesIO()
    with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="", compresslevel=9) as gz:
        for record in records:
            # ASCII-only JSON: Foundation's JSONSerialization (Linux, Swift 6.3) drops a raw U+FEFF at the start of a
            # string value, but keeps an escaped one.
            gz.write((json.dumps(record, ensure_ascii=True, sort_keys=True) + "\n").encode("ascii"))
    with open(os.path.join(GOLDEN_DIR, name), "wb") as f:
        f.write(raw.getvalue())


# ----------------------------------------------------------------------------------------------------------
# Per-code-point behaviour of each normalizer step and of the pre-tokenizer.


def scalars():
    for cp in range(0x110000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        yield cp


def ranges_of(classes):
    """[(cp, class)] in increasing cp order (identity omitted) → [(first, last, class)] runs of adjacent cps."""
    runs = []
    for cp, cls in classes:
        if runs and runs[-1][2] == cls and runs[-1][1] == cp - 1:
            runs[-1][1] = cp
        else:
            runs.append([cp, cp, cls])
    return runs


def codepoint_records():
    clean = BertNormalizer(clean_text=True, handle_chinese_chars=False, strip_accents=False, lowercase=False)
    cjk = BertNormalizer(clean_text=False, handle_chinese_chars=True, strip_accents=False, lowercase=False)
    strip = BertNormalizer(clean_text=False, handle_chinese_chars=False, strip_accents=True, lowercase=False)
    lower = BertNormalizer(clean_text=False, handle_chinese_chars=False, strip_accents=False, lowercase=True)
    nfd = NFD()
    pre = BertPreTokenizer()
    clean_classes, cjk_classes, pre_classes = [], [], []
    records = [{"kind": "header", "scalars": 0x110000 - 0x800,
                "steps": ["clean_text", "handle_chinese_chars", "nfd", "strip_accents", "lowercase", "pre_tokenize"],
                "reorder_probes": {"before_ccc1": "a, cp, U+0334", "after_ccc230": "a, U+0301, cp"}}]
    mapped = 0
    for cp in scalars():
        c = chr(cp)
        out = clean.normalize_str(c)
        if out == "":
            clean_classes.append((cp, "removed"))
        elif out == " " and c != " ":
            clean_classes.append((cp, "space"))
        elif out != c:
            raise SystemExit(f"clean_text maps U+{cp:04X} to {out!r}: not a class this fixture knows")
        out = cjk.normalize_str(c)
        if out == f" {c} ":
            cjk_classes.append((cp, "spaced"))
        elif out != c:
            raise SystemExit(f"handle_chinese_chars maps U+{cp:04X} to {out!r}")
        out = nfd.normalize_str(c)
        if out != c:
            records.append({"kind": "map", "step": "nfd", "cp": cp, "out": [ord(x) for x in out]})
        # Canonical ordering: a mark after c with combining class 1 (U+0334) moves before c iff HF's class of c
        # is > 1; a mark before c with class 230 (U+0301) moves after c iff 0 < class(c) < 230.
        for probe, text in (("before_ccc1", c + "\u0334"), ("after_ccc230", "\u0301" + c)):
            out = nfd.normalize_str("a" + text)
            if out != "a" + "".join(nfd.normalize_str(x) for x in text):
                records.append({"kind": "reorder", "probe": probe, "cp": cp, "out": [ord(x) for x in out]})
        for step, normalizer in (("strip_accents", strip), ("lowercase", lower)):
            out = normalizer.normalize_str(c)
            if out != c:
                records.append({"kind": "map", "step": step, "cp": cp, "out": [ord(x) for x in out]})
                mapped += 1
        pieces = [p for p, _ in pre.pre_tokenize_str("a" + c + "a")]
        if pieces == ["a", "a"]:
            pre_classes.append((cp, "whitespace"))
        elif pieces == ["a", c, "a"]:
            pre_classes.append((cp, "punctuation"))
        elif pieces != ["a" + c + "a"]:
            raise SystemExit(f"BertPreTokenizer splits a U+{cp:04X} a as {pieces!r}")
    for step, classes in (("clean_text", clean_classes), ("handle_chinese_chars", cjk_classes),
                          ("pre_tokenize", pre_classes)):
        for first, last, cls in ranges_of(classes):
            records.append({"kind": "range", "step": step, "first": first, "last": last, "class": cls})
    print(f"codepoints: {len(records)} records, {mapped} mappings", file=sys.stderr)
    return records


# ----------------------------------------------------------------------------------------------------------
# The references.


def load_references():
    fast = Tokenizer.from_file(os.path.join(MODEL_DIR, "tokenizer.json"))
    fast.no_truncation()
    fast.no_padding()
    # transformers' BertTokenizer from vocab.txt alone (no tokenizer.json beside it), and the pure-Python one.
    vocab_only = tempfile.mkdtemp(prefix="ftft-vocab-only-")
    for name in ("vocab.txt", "tokenizer_config.json", "special_tokens_map.json"):
        shutil.copy(os.path.join(MODEL_DIR, name), vocab_only)
    slow = BertTokenizer.from_pretrained(vocab_only)
    legacy = BertTokenizerLegacy.from_pretrained(vocab_only)
    shutil.rmtree(vocab_only)
    return fast, slow, legacy


def configured_fast(vocab_path, clean_text, handle_chinese_chars, strip_accents, lowercase):
    """A tokenizers pipeline like the model's tokenizer.json but with other BertNormalizer flags."""
    vocab = {}
    with open(vocab_path, encoding="utf-8") as f:
        for index, line in enumerate(f.read().split("\n")[:-1]):
            vocab[line] = index
    tok = Tokenizer(WordPiece(vocab, unk_token="[UNK]", max_input_chars_per_word=100))
    tok.normalizer = BertNormalizer(clean_text=clean_text, handle_chinese_chars=handle_chinese_chars,
                                    strip_accents=strip_accents, lowercase=lowercase)
    tok.pre_tokenizer = BertPreTokenizer()
    tok.post_processor = TemplateProcessing(
        single="[CLS]:0 $A:0 [SEP]:0", pair="[CLS]:0 $A:0 [SEP]:0 $B:1 [SEP]:1",
        special_tokens=[("[CLS]", vocab["[CLS]"]), ("[SEP]", vocab["[SEP]"])])
    tok.add_special_tokens(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"])
    return tok


def run_fast(tok, a, b, max_length, pad_to):
    if max_length is not None:
        tok.enable_truncation(max_length=max_length, strategy="longest_first")
    if pad_to is not None:
        tok.enable_padding(length=pad_to, pad_id=0, pad_type_id=0, pad_token="[PAD]")
    try:
        e = tok.encode(a, b) if b is not None else tok.encode(a)
    finally:
        tok.no_truncation()
        tok.no_padding()
    return {"input_ids": e.ids, "token_type_ids": e.type_ids, "attention_mask": e.attention_mask}


def run_transformers(tok, a, b, max_length, pad_to):
    kwargs = {"return_token_type_ids": True, "return_attention_mask": True}
    if max_length is not None:
        kwargs.update(truncation="longest_first", max_length=max_length)
    if pad_to is not None:
        kwargs.update(padding="max_length", max_length=pad_to)
        if max_length is not None and max_length != pad_to:
            raise SystemExit("transformers takes one max_length for truncation and padding")
    out = tok(a, b, **kwargs) if b is not None else tok(a, **kwargs)
    return {k: list(out[k]) for k in ("input_ids", "token_type_ids", "attention_mask")}


# ----------------------------------------------------------------------------------------------------------
# Data-set cases: located by file, line and field; never stored.

DATASETS = [
    # (path relative to the shared root, format, fields, random draws)
    ("datasets/mnli/dev_matched_bert100.tsv.gz", "tsv", ["premise", "hypothesis"], 400),
    ("datasets/hans/hans_like_seed0.tsv.gz", "tsv", ["sentence1", "sentence2"], 100),
    ("datasets/cad/cad_v1_1_train.tsv.gz", "tsv", ["text"], 250),
    ("datasets/cad/cad_v1_1_dev.tsv.gz", "tsv", ["text"], 125),
    ("datasets/cad/cad_v1_1_test.tsv.gz", "tsv", ["text"], 125),
    ("datasets/dynahate/dynahate_subset_dev.csv.gz", "csv", ["text"], 200),
    ("datasets/dynahate/dynahate_subset_test.csv.gz", "csv", ["text"], 200),
] + [(f"datasets/anli/R{r}/{s}.jsonl.gz", "jsonl", ["context", "hypothesis"], 50)
     for r in (1, 2, 3) for s in ("dev", "test")]


def read_rows(path, fmt, fields):
    """Yields (1-based physical line, [field values]) of a gzip file; lines are split on "\\n" only."""
    with gzip.open(os.path.join(SHARED, path), "rb") as f:
        lines = f.read().decode("utf-8").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    header = None
    for number, line in enumerate(lines, start=1):
        if fmt == "jsonl":
            row = json.loads(line)
            yield number, [row[name] for name in fields]
            continue
        cells = line.split("\t") if fmt == "tsv" else next(csv.reader([line]))
        if header is None:
            header = cells
            continue
        yield number, [cells[header.index(name)] for name in fields]


def sha256_text(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def longest_word(texts):
    return max((len(w) for t in texts for w in t.split()), default=0)


def dataset_cases(rng):
    """Random draws per file, plus every row with non-ASCII text outside ANLI (ANLI: 25 more per file), plus the
    rows whose longest whitespace-separated word is 90–110 characters (WordPiece's 100-character limit)."""
    cases = []
    for path, fmt, fields, draws in DATASETS:
        rows = list(read_rows(path, fmt, fields))
        chosen = set(rng.sample(range(len(rows)), draws))
        non_ascii = [i for i, (_, texts) in enumerate(rows) if any(ord(ch) > 127 for t in texts for ch in t)]
        if fmt == "jsonl":
            non_ascii = rng.sample(non_ascii, min(25, len(non_ascii)))
        chosen.update(non_ascii)
        chosen.update(i for i, (_, texts) in enumerate(rows) if 90 <= longest_word(texts) <= 110)
        for i in sorted(chosen):
            number, texts = rows[i]
            cases.append({"source": {"file": path, "line": number, "format": fmt, "fields": fields,
                                     "sha256": [sha256_text(t) for t in texts]},
                          "texts": texts})
    return cases


# ----------------------------------------------------------------------------------------------------------
# Hand-written edge cases (stored with their text).


def edge_texts():
    numbered = " ".join(f"w{i}" for i in range(40))  # "w0 w1 …": 2 tokens per word
    return [
        # Empty and whitespace.
        "", " ", "   ", "\t\n\r ", "\u3000", "\u00a0", "\u2003em\u2002en\u2009thin", "\u2028line\u2029para",
        "  leading and trailing  ", "multiple     spaces\t\ttabs\n\nnewlines", "\x0b\x0cvt ff", "\u0085nel",
        "\u180emongolian vowel separator", "\u1680ogham",
        # Control, format, replacement, private-use, unassigned characters.
        "\x00", "a\x00b", "\ufffd", "a\ufffdb", "\x07bell\x7f", "\x1b[31mred\x1b[0m", "\u200b", "zero\u200bwidth",
        "\u200c\u200d\u2060joiners", "\ufeffbom", "co\u00adoperate", "\ue000private\U000F0000", "\u0378x\u0380",
        "\U000E0001\U000E0041tags", "\uffff\ufffe", "\u061carabic letter mark", "\u202eright-to-left override",
        # CJK and its boundaries.
        "我爱北京天安门", "日本語のテキストです。", "한국어 텍스트", "안녕하세요 세계", "中文English混合text",
        "𠀀𠀁𪛖", "豈更車", "\u3400\u4dbf\u4e00\u9fff\uf900\ufaff", "\U00020000\U0002a6df\U0002a6e0",
        "\U0002a700\U0002b73f\U0002b740\U0002b81f\U0002b820\U0002b91f\U0002b920\U0002ceaf\U0002ceb0",
        "\U0002f800\U0002fa1f\U0002fa20\U00030000\U00031350", "ｶﾀｶﾅ ｱｲｳ", "がぎぐ パピプ", "〜〇〒",
        # Accents, case, decompositions, canonical reordering.
        "Café naïve résumé", "CAFÉ NAÏVE RÉSUMÉ", "e\u0301 a\u0300 o\u0302", "Ǆ ǅ ǆ ǈ", "Ångström Zürich façade",
        "ﬁne ﬂow ﬃ", "Ⅻ ⅻ", "İstanbul ıi", "ΟΔΟΣ ΣΊΣΥΦΟΣ ὈΔΥΣΣΕΎΣ", "σς Σ", "straße STRASSE ẞ",
        "\u2126 \u212a \u212b", "d\u0307\u0323 d\u0323\u0307 \u1e0b\u0323", "a\u0301\u0316\u0300\u0317",
        "\U0001d15e\U0001d165\U0001d16d \U0001d160", "q\u0300\u05b0\u0315\u0300", "\u0344\u0340\u0341\u0343",
        "\u1fef\u1fee\u0385", "\u037e\u0387", "ǰ ǰ", "Ⓐⓑ", "ＡＢＣ ａｂｃ １２３",
        # Scripts.
        "Привет, мир! Ёлка, йод, ЙОД.", "Γειά σου Κόσμε", "مرحبا بالعالم", "مَرْحَبًا", "שָׁלוֹם עולם",
        "नमस्ते दुनिया", "क़ ख़ ग़", "สวัสดีครับ", "Tiếng Việt có dấu", "ქართული", "Հայերեն", "ᠮᠣᠩᠭᠣᠯ",
        # Emoji.
        "👍", "👍🏽", "👍🏽👍🏿", "👨‍👩‍👧‍👦", "🏳️‍🌈", "❤️", "I love it 😂😂😂!!!", "🇫🇷🇩🇪", "1️⃣ #️⃣",
        "🥲 🫠 🪿", "smile:)", "<3 ♥ ☺",
        # Punctuation and symbols (ASCII non-alphanumerics all count as punctuation).
        "!!!???...", "--->", "a...b", "$100.00", "50% off!!!", "C++ & C#", "foo@bar.com",
        "http://example.com/path?x=1&y=2#frag", "«quoted» „German“ ‘single’ “double”", "—–-‐", "¿Qué? ¡Sí!",
        "…•°§¶©®™½", "^_^ `code` ~tilde~ |pipe| <html> [b] {c} (d) \\e\\ snake_case don't #tag @who",
        "!" * 120, "-=" * 60, "$+<=>^`|~", "\u00b4\u02c6\u02dc", "１＋１＝２",
        # Numbers.
        "3.14159 1,000,000 2023-01-01 12:30pm 1st 2nd 3rd", "٠١٢٣ ०१२३ 𝟘𝟙𝟚",
        # Special tokens inside the text (split out before normalization, as HF does).
        "[CLS]", "[SEP] in the middle", "Hello [MASK] world", "[mask] [Mask]", "[UNK] [PAD]", "x[SEP]y",
        "[[SEP]]", "[SEP[SEP]]", "[CLS][SEP][CLS]", " [SEP] ", "[SE P]", "[ＳＥＰ]",
        # Word lengths around WordPiece's 100-character limit (counted in Unicode scalars after normalization).
        "a" * 99, "a" * 100, "a" * 101, "b" * 100 + " ok", "é" * 100, "é" * 101, "e\u0301" * 100,
        "e\u0301" * 101, "कि" * 50, "कि" * 51, "가" * 33, "가" * 34, "가" * 50, "가" * 51,
        "x" + "\u200b" * 150 + "y", "ａ" * 101, "a" * 100 + "!" + "a" * 100, "a" * 200,
        "supercalifragilisticexpialidocious", "pneumonoultramicroscopicsilicovolcanoconiosis",
        "unaffable unbelievably antidisestablishmentarianism",
        # Mixed.
        "HELLO World mcDonald's iPhone", numbered, "tab\tinside", "line1\nline2\r\nline3\rline4",
    ]


def edge_pairs():
    ten = " ".join(f"w{i}" for i in range(5))  # 10 tokens
    eleven = ten + " x"  # 11 tokens
    twenty = " ".join(f"w{i}" for i in range(10))  # 20 tokens
    five = "w0 w1 x"  # 5 tokens
    pairs = [("", ""), ("a", ""), ("", "b"), ("Hello", "World"), ("a [SEP] b", "[CLS]"),
             ("Café", "CAFÉ"), ("我爱你", "I love you 😂"), ("\x00", "\ufffd"), (" ", "\t")]
    truncated = []
    for a, b in ((ten, ten), (ten, eleven), (eleven, ten), (five, twenty), (twenty, five), (twenty, twenty),
                 ("", twenty), (twenty, ""), ("unaffable " * 8, "antidisestablishmentarianism " * 3)):
        for max_length in (3, 4, 5, 8, 11, 12, 13, 14, 16, 17, 24, 25, 64):
            truncated.append((a, b, max_length))
    return pairs, truncated


# ----------------------------------------------------------------------------------------------------------

CONFIGS = {
    # name: BertNormalizer flags (clean_text, handle_chinese_chars, strip_accents, lowercase)
    "cased": (True, True, None, False),
    "lowercase_keep_accents": (True, True, False, True),
    "strip_accents_keep_case": (True, True, True, False),
    "no_clean_text": (False, True, None, True),
    "no_chinese_chars": (True, False, None, True),
}


def main():
    transformers.logging.set_verbosity_error()
    rng = random.Random(SEED)
    write_jsonl_gz("tokenizer_codepoints.jsonl.gz", codepoint_records())
    record_file("tokenizer_codepoints.jsonl.gz", GENERATOR, args={}, seed=None)

    fast, slow, legacy = load_references()
    configured = {name: configured_fast(os.path.join(MODEL_DIR, "vocab.txt"), *flags)
                  for name, flags in CONFIGS.items()}
    records = [{"kind": "header", "model": MODEL, "reference": "tokenizers (tokenizer.json)",
                "alternatives": {"transformers": "transformers.BertTokenizer from vocab.txt",
                                 "legacy": "transformers BertTokenizerLegacy (pure Python) from vocab.txt"},
                "configs": {name: dict(zip(("clean_text", "handle_chinese_chars", "strip_accents", "lowercase"),
                                           flags)) for name, flags in CONFIGS.items()}}]
    disagreements = {"transformers": 0, "legacy": 0}

    def add(case_id, a, b, location=None, max_length=None, pad_to=None, config=None):
        record = {"id": case_id}
        if location is not None:
            record["source"] = location
        else:
            record["text"] = a
            if b is not None:
                record["text_pair"] = b
        if max_length is not None:
            record["max_length"] = max_length
        if pad_to is not None:
            record["pad_to"] = pad_to
        if config is not None:
            record["config"] = config
            record["expected"] = run_fast(configured[config], a, b, max_length, pad_to)
        else:
            record["expected"] = run_fast(fast, a, b, max_length, pad_to)
            for name, tok in (("transformers", slow), ("legacy", legacy)):
                other = run_transformers(tok, a, b, max_length, pad_to)
                if other != record["expected"]:
                    record[name] = other
                    disagreements[name] += 1
        records.append(record)

    cases = dataset_cases(rng)
    for n, case in enumerate(cases):
        texts = case["texts"]
        a, b = texts[0], (texts[1] if len(texts) > 1 else None)
        case_id = f"data-{n}"
        add(case_id, a, b, location=case["source"])
    # Truncation and padding on real text: a seeded subset at several lengths.
    for n, case in enumerate(rng.sample(cases, 300)):
        texts = case["texts"]
        a, b = texts[0], (texts[1] if len(texts) > 1 else None)
        max_length = rng.choice([8, 16, 17, 32, 33, 64, 128])
        add(f"data-trunc-{n}", a, b, location=case["source"], max_length=max_length)
    for n, case in enumerate(rng.sample(cases, 40)):
        texts = case["texts"]
        a, b = texts[0], (texts[1] if len(texts) > 1 else None)
        add(f"data-pad-{n}", a, b, location=case["source"], max_length=64, pad_to=64)
    # Other normalizer configurations on the non-ASCII rows.
    unusual = [c for c in cases if any(ord(ch) > 127 for t in c["texts"] for ch in t)]
    for n, case in enumerate(rng.sample(unusual, min(200, len(unusual)))):
        texts = case["texts"]
        config = sorted(CONFIGS)[n % len(CONFIGS)]
        add(f"data-{config}-{n}", texts[0], texts[1] if len(texts) > 1 else None, location=case["source"],
            config=config)

    edges = edge_texts()
    for n, text in enumerate(edges):
        add(f"edge-{n}", text, None)
        for config in sorted(CONFIGS):
            add(f"edge-{n}-{config}", text, None, config=config)
    for n, text in enumerate(edges):
        add(f"edge-pair-{n}", text, edges[(n * 7 + 3) % len(edges)])
    pairs, truncated = edge_pairs()
    for n, (a, b) in enumerate(pairs):
        add(f"pair-{n}", a, b)
    for n, (a, b, max_length) in enumerate(truncated):
        add(f"trunc-{n}", a, b, max_length=max_length)
    for n, text in enumerate(["w0 w1 w2 w3 w4 w5", "", "a" * 101, "unaffable"]):
        for max_length in (2, 3, 4, 5):
            add(f"trunc-single-{n}-{max_length}", text, None, max_length=max_length)
        add(f"pad-single-{n}", text, None, pad_to=16)
        add(f"pad-trunc-single-{n}", text, None, max_length=4, pad_to=4)
    add("pad-pair", "Hello", "World", pad_to=12)
    add("pad-shorter-than-encoding", "w0 w1 w2 w3 w4 w5", None, pad_to=4)

    write_jsonl_gz("tokenizer_parity.jsonl.gz", records)
    record_file("tokenizer_parity.jsonl.gz", GENERATOR,
                args={"model": MODEL, "datasets": [d[0] for d in DATASETS], "transformers": transformers.__version__},
                seed=SEED)
    print(f"parity: {len(records) - 1} cases ({sum(1 for r in records if 'source' in r)} from data sets); "
          f"transformers.BertTokenizer disagrees on {disagreements['transformers']}, "
          f"BertTokenizerLegacy on {disagreements['legacy']}", file=sys.stderr)
    for r in records[1:]:
        if "legacy" in r or "transformers" in r:
            print(f"  disagreement {r['id']}: {r.get('text', r.get('source'))!r}"[:300], file=sys.stderr)


if __name__ == "__main__":
    main()
