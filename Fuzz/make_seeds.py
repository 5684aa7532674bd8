#!/usr/bin/env python3
"""Writes the seed corpus of every fuzz target: small valid inputs (and a few near-misses) made here, so no
data-set text is committed. Usage: Fuzz/make_seeds.py <folder>  → <folder>/<target>/<seed>.
Python standard library only. scripts/fuzz.sh runs it before each fuzzing session."""
import gzip
import json
import os
import struct
import sys


def safetensors(tensors, metadata=None):
    """tensors: [(name, dtype, shape, raw bytes)] in data order → safetensors bytes (header padded to 8)."""
    header, offset = {}, 0
    if metadata:
        header["__metadata__"] = metadata
    for name, dtype, shape, raw in tensors:
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(raw)]}
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-(8 + len(text)) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(t[3] for t in tensors)


def f32(values):
    return struct.pack("<%df" % len(values), *values)


def tiny_bert(prefix="bert.", pooler=True, classifier=True):
    """Every parameter of the fuzz-safetensors target's tiny BERT (V 8, C 4, L 1, F 8, P 8, TV 2, K 2), HF names."""
    V, C, F, P, TV, K = 8, 4, 8, 8, 2, 2
    shapes = [("embeddings.word_embeddings.weight", [V, C]), ("embeddings.position_embeddings.weight", [P, C]),
              ("embeddings.token_type_embeddings.weight", [TV, C]),
              ("embeddings.LayerNorm.weight", [C]), ("embeddings.LayerNorm.bias", [C])]
    p = "encoder.layer.0."
    for part in ["attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense"]:
        shapes += [(p + part + ".weight", [C, C]), (p + part + ".bias", [C])]
    shapes += [(p + "attention.output.LayerNorm.weight", [C]), (p + "attention.output.LayerNorm.bias", [C]),
               (p + "intermediate.dense.weight", [F, C]), (p + "intermediate.dense.bias", [F]),
               (p + "output.dense.weight", [C, F]), (p + "output.dense.bias", [C]),
               (p + "output.LayerNorm.weight", [C]), (p + "output.LayerNorm.bias", [C])]
    if pooler:
        shapes += [("pooler.dense.weight", [C, C]), ("pooler.dense.bias", [C])]
    tensors = [(prefix + name, "F32", shape, f32([0.01 * i for i in range(_count(shape))])) for name, shape in shapes]
    if classifier:
        tensors += [("classifier.weight", "F32", [K, C], f32([0.5] * (K * C))), ("classifier.bias", "F32", [K], f32([0, 0]))]
    return tensors


def _count(shape):
    n = 1
    for d in shape:
        n *= d
    return n


def seeds():
    out = {}
    st = out["safetensors"] = {}
    st["tiny-bert"] = safetensors(tiny_bert(), {"format": "pt"})
    st["tiny-bert-no-prefix-no-head"] = safetensors(tiny_bert(prefix="", pooler=False, classifier=False))
    st["dtypes"] = safetensors([
        ("f32", "F32", [2, 2], f32([1, 2, 3, 4])), ("f16", "F16", [2], struct.pack("<2H", 0x3C00, 0xC000)),
        ("bf16", "BF16", [1], struct.pack("<H", 0x3F80)), ("ids", "I64", [1, 3], struct.pack("<3q", 0, 1, 2)),
        ("mask", "U8", [3], b"\x01\x00\x01"), ("empty", "F32", [0, 4], b""), ("scalar", "F32", [], f32([7])),
    ], {"note": "seed"})
    st["empty-header"] = safetensors([])

    csv_rows = ['id,text,pair,label', 'x1,"hello, world","a ""quoted"" pair",a', 'x2,"line one\nline two",,b',
                'x3,plain,text,c']
    dyna = ['acl.id,X1,text,label,type,target,level,round', 'a1,0,"some, text",hate,notgiven,none,original,2a',
            'a2,1,other text,nothate,none,none,original,2b']
    out["csv"] = {"generic": "\n".join(csv_rows) + "\n", "dynahate": "\r\n".join(dyna) + "\r\n",
                  "indices": "text,label\nfirst,0\n\"second\",2\n"}

    tsv = {"generic": "id\ttext\tpair\tlabel\nx1\thello world\tpair\ta\nx2\t\"quoted\"\t\tc\n",
           "indices": "text\tlabel\nalpha\t1\nbeta\t0\n",
           "hans": "gold_label\tsentence1\tsentence2\tpairID\theuristic\tsubcase\ttemplate\n"
                   "entailment\tthe cat slept\tthe cat slept\tex0\tlexical_overlap\tln_subject\ttemp1\n"
                   "non-entailment\tthe dog ran\tthe cat ran\tex1\tsubsequence\tsn_NP\ttemp2\n",
           "cad": "id\ttext\tlabels\np1\tfine post\tNeutral\np2\trude post\tIdentityDirectedAbuse,PersonDirectedAbuse\n",
           "glue": "\t".join(["index", "promptID", "pairID", "genre", "s1bp", "s2bp", "s1p", "s2p", "sentence1",
                             "sentence2", "label1", "gold_label"]) + "\n"
                   + "\t".join(["0", "1", "1e", "fiction", "(", "(", "(", "(", "a man sleeps", "a person rests",
                               "entailment", "entailment"]) + "\n",
           "bert100": "index\tpremise\thypothesis\tgold_label\tcorrect\n0\ta b\tb a\tneutral\t87\n"}
    out["tsv"] = tsv

    jsonl = {"generic": '{"id": "x1", "text": "hello", "pair": "world", "label": "a"}\n'
                        '{"id": 2, "text": "caf\\u00e9 \\ud83d\\ude00", "pair": "", "label": "c"}\n',
             "indices": '{"text": "alpha", "label": 1}\n{"text": "beta", "label": "0", "extra": [1, {"k": null}]}\n',
             "mnli": '{"gold_label": "neutral", "sentence1": "a", "sentence2": "b", "pairID": "1n", "genre": "g", '
                     '"promptID": 3}\n{"gold_label": "-", "sentence1": "c", "sentence2": "d", "pairID": "2"}\n',
             "anli": '{"uid": "u1", "context": "p", "hypothesis": "h", "label": "e", "reason": "", '
                     '"model_label": "n", "genre": "wiki"}\n'}
    out["jsonl"] = jsonl
    out["jsonl"]["generic-gzip"] = gzip.compress(jsonl["generic"].encode(), mtime=0)

    out["tokenizer"] = {"ascii": "Hello, world! unaffable", "pair": "A man sleeps.\tA person rests!",
                        "unicode": "Café ÀÉ e\u0301 中文 ﬁ \u00ad emoji 😀 [MASK] [CLS]x",
                        "controls": "a\u0000b\u0007c\u200bd\ufeffe\u3000f", "long": "x" * 150 + " ok"}

    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "hello", "##lo", "world", ",", "!", "un", "##aff",
             "##able", "é", "中"]
    out["vocabulary"] = {"vocab": "\n".join(vocab) + "\n", "crlf": "\r\n".join(vocab) + "\r\n",
                         "no-special": "a\nb\n##c\n"}

    tj = {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": [{"id": i, "content": t, "single_word": False, "lstrip": False, "rstrip": False,
                          "normalized": False, "special": True} for i, t in enumerate(vocab[:5])],
        "normalizer": {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True,
                       "strip_accents": None, "lowercase": True},
        "pre_tokenizer": {"type": "BertPreTokenizer"},
        "post_processor": {"type": "TemplateProcessing",
                           "single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                                      {"SpecialToken": {"id": "[SEP]", "type_id": 0}}],
                           "pair": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                                    {"SpecialToken": {"id": "[SEP]", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}},
                                    {"SpecialToken": {"id": "[SEP]", "type_id": 1}}],
                           "special_tokens": {"[CLS]": {"id": "[CLS]", "ids": [2], "tokens": ["[CLS]"]},
                                              "[SEP]": {"id": "[SEP]", "ids": [3], "tokens": ["[SEP]"]}}},
        "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
        "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                  "max_input_chars_per_word": 100, "vocab": {t: i for i, t in enumerate(vocab)}},
    }
    bert_processing = dict(tj, post_processor={"type": "BertProcessing", "sep": ["[SEP]", 3], "cls": ["[CLS]", 2]})
    config = {"do_lower_case": False, "strip_accents": None, "tokenize_chinese_chars": True,
              "cls_token": {"content": "[CLS]", "lstrip": False}, "sep_token": "[SEP]", "unk_token": "[UNK]",
              "pad_token": "[PAD]", "mask_token": "[MASK]"}
    out["tokenizer-json"] = {"template": json.dumps(tj, indent=1), "bert-processing": json.dumps(bert_processing),
                             "tokenizer-config": json.dumps(config)}
    # allenai/cartography's files as pandas writes them (the scanner's fast path), and in other layouts.
    dyn = "".join('{"guid":%d,"logits_epoch_0":[%s],"gold":%d}\n' % (i, ",".join("%.10f" % (0.1 * i - 0.3 * k) for k in range(3)), i % 3)
                  for i in range(4))
    out["cartography"] = {
        "pandas": dyn,
        "spaced": '{"gold": 1, "guid": "ex-1", "logits_epoch_0": [0.5, -1e-3, 2E2], "extra": {"a": [true, null]}}\n'
                  '{ "logits_epoch_0" : [ -0.0 , 1 , 3.25 ] , "guid" : "caf\\u00e9 \\ud83d\\ude00" , "gold" : 2.0 }\n',
        "coordinates": '{"guid": 7, "index": 0, "confidence": 0.25, "variability": 0.1, "correctness": 2}\n'
                       '{"guid": "x", "index": 1, "confidence": 1.0, "variability": 0, "correctness": 0, "forgetfulness": 1}\n',
        "td-metrics": '{"guid": 1, "index": 0, "threshold_closeness": 0.2, "confidence": 0.5, "variability": 0.2, '
                      '"correctness": 3, "forgetfulness": 0}\n',
    }
    # Experiment files: the project's own (experiments/*.yaml) and one of every task kind and method.
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out["experiment"] = {}
    folder = os.path.join(root, "experiments")
    for name in sorted(os.listdir(folder)) if os.path.isdir(folder) else []:
        if name.endswith(".yaml"):
            with open(os.path.join(folder, name)) as f:
                out["experiment"][name] = f.read()
    out["experiment"]["all-keys"] = """experiment: fuzz
description: "every key"
task:
  name: files
  labels: [a, b]
  metric: macro_f1
  max_length: 32
  train: {name: train, path: train.jsonl, format: jsonl, text: text, pair: pair, label: label, id: id}
  validation: {name: dev, path: dev.csv, format: csv, text: text, label: label}
  ood_dev: [{name: ood, path: ood.tsv, format: tsv, text: text, label: label}]
  ood_test: []
seeds: [0, 1]
threads: 2
compute_unit: big
keep_checkpoints: true
store_logits: false
models:
  small: {scratch: {layers: 1, hidden: 16, heads: 2, intermediate: 32, dropout: 0.0, initializer_range: 0.25}, learning_rate: 1e-3, tokenizer: vocab.txt}
  big: {pretrained: model, learning_rate: 2e-5}
training: {max_steps: 100, batch_size: 8, warmup_rate: 0.1, eval_interval: 10, eval_batch_size: 16, adam_eps: 1e-6, weight_decay: 0.01, max_grad_norm: null}
methods:
  - {label: ES, method: erm_es, model: big, patience: 3}
  - {label: DM, method: dm, reference: small, model: big, mode: hard, rate: 0.25, rule: cartography, ddof: 0}
  - {label: R, method: random_dm, model: big, rate: 0.5, rule: exact}
  - {label: F, method: ftft, reference: small, model: big}
"""
    out["experiment"]["nli"] = """experiment: nli
task: {name: nli, data_root: data, train_limit: 100, eval_limit: 50, sample_seed: 3, validation_fraction: 0.2, split_seed: 1}
seeds: [0]
models: {m: {pretrained: model, learning_rate: 2e-5}}
training: {max_steps: 10, eval_interval: 5}
methods: [{label: E, method: erm, model: m}]
"""
    return out


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    for target, files in seeds().items():
        folder = os.path.join(sys.argv[1], target)
        os.makedirs(folder, exist_ok=True)
        for name, content in files.items():
            with open(os.path.join(folder, "seed-" + name), "wb") as f:
                f.write(content if isinstance(content, bytes) else content.encode())


if __name__ == "__main__":
    main()
