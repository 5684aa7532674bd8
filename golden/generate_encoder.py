"""Golden fixtures for ftft's BERT encoder classifier (levels 1 and 2), computed by PyTorch and Hugging Face.

Level 1 (encoder_l1_*.ftg): each layer on tiny shapes, forward and backward, with intermediates:
embedding sum, LayerNorm, linear, self-attention with a padding mask and variable lengths (Hugging Face
`BertSelfAttention`, eager), exact GELU, pooler, cross-entropy. Every backward starts from a random upstream
gradient `dout` that is stored in the fixture too.

Level 2 (encoder_l2_model.ftg): a tiny random `BertForSequenceClassification` (eager attention, all dropout
probabilities 0) at step 0 on a padded batch of sequences of different lengths with token types: the weights by
name (so ftft loads exactly these), logits, loss, last hidden state and every parameter gradient by name.

Run: golden/generate.sh generate_encoder.py
"""
import json

import torch
import transformers
from transformers import BertConfig, BertForSequenceClassification
from transformers.models.bert.modeling_bert import BertPooler, BertSelfAttention

from ftft_fixture import write_fixture

GENERATOR = "generate_encoder.py"
SEED = 20240611


def randn(*shape, scale=1.0):
    return torch.randn(*shape, dtype=torch.float32) * scale


def level1_embedding():
    torch.manual_seed(SEED + 1)
    B, T, C, V, P, TV, pad = 3, 5, 8, 11, 7, 2, 0
    lengths = [5, 3, 1]
    ids = torch.randint(1, V, (B, T))
    types = torch.zeros(B, T, dtype=torch.long)
    for b, n in enumerate(lengths):
        ids[b, n:] = pad
        types[b, n // 2:n] = 1
    word = torch.nn.Embedding(V, C, padding_idx=pad)
    position = torch.nn.Embedding(P, C)
    token_type = torch.nn.Embedding(TV, C)
    with torch.no_grad():
        for e in (word, position, token_type):
            e.weight.copy_(randn(*e.weight.shape))
    out = (word(ids) + token_type(types)) + position(torch.arange(T)).unsqueeze(0)
    dout = randn(B, T, C)
    out.backward(dout)
    write_fixture("encoder_l1_embedding.ftg", {
        "input_ids": ids, "token_type_ids": types,
        "word_embeddings": word.weight, "position_embeddings": position.weight,
        "token_type_embeddings": token_type.weight,
        "out": out, "dout": dout,
        "d_word_embeddings": word.weight.grad, "d_position_embeddings": position.weight.grad,
        "d_token_type_embeddings": token_type.weight.grad,
    }, GENERATOR, args={"B": B, "T": T, "C": C, "V": V, "P": P, "TV": TV, "pad": pad}, seed=SEED + 1,
        metadata={"pad_token_id": pad})


def level1_layernorm():
    torch.manual_seed(SEED + 2)
    N, C, eps = 6, 16, 1e-12
    x = (randn(N, C) * 3 + 1.5).requires_grad_()
    weight = (1 + randn(C, scale=0.2)).requires_grad_()
    bias = randn(C, scale=0.2).requires_grad_()
    out, mean, rstd = torch.native_layer_norm(x, [C], weight, bias, eps)
    normalized = (x.detach() - mean) * rstd
    dout = randn(N, C)
    out.backward(dout)
    write_fixture("encoder_l1_layernorm.ftg", {
        "x": x, "weight": weight, "bias": bias, "out": out, "normalized": normalized,
        "rstd": rstd.reshape(N), "dout": dout, "dx": x.grad, "dweight": weight.grad, "dbias": bias.grad,
    }, GENERATOR, args={"N": N, "C": C, "eps": eps}, seed=SEED + 2, metadata={"eps": eps})


def level1_linear():
    torch.manual_seed(SEED + 3)
    N, I, O = 7, 12, 5
    layer = torch.nn.Linear(I, O)
    with torch.no_grad():
        layer.weight.copy_(randn(O, I, scale=0.3))
        layer.bias.copy_(randn(O, scale=0.3))
    x = randn(N, I).requires_grad_()
    out = layer(x)
    dout = randn(N, O)
    out.backward(dout)
    write_fixture("encoder_l1_linear.ftg", {
        "x": x, "weight": layer.weight, "bias": layer.bias, "out": out, "dout": dout,
        "dx": x.grad, "dweight": layer.weight.grad, "dbias": layer.bias.grad,
    }, GENERATOR, args={"N": N, "I": I, "O": O}, seed=SEED + 3)


def level1_attention():
    torch.manual_seed(SEED + 4)
    B, T, C, NH = 3, 6, 16, 4
    lengths = [6, 4, 2]
    config = BertConfig(hidden_size=C, num_attention_heads=NH, attention_probs_dropout_prob=0.0)
    config._attn_implementation = "eager"
    attention = BertSelfAttention(config).eval()
    with torch.no_grad():
        for p in attention.parameters():
            p.copy_(randn(*p.shape, scale=0.4))
    mask = torch.zeros(B, T, dtype=torch.long)
    for b, n in enumerate(lengths):
        mask[b, :n] = 1
    additive = (1.0 - mask[:, None, None, :].float()) * torch.finfo(torch.float32).min
    hidden = randn(B, T, C).requires_grad_()
    q = attention.query(hidden)
    k = attention.key(hidden)
    v = attention.value(hidden)
    for t in (q, k, v):
        t.retain_grad()
    # The module's own forward, fed with the projections computed above (same ops as BertSelfAttention.forward).
    shape = (B, T, NH, C // NH)
    context, probabilities = transformers.models.bert.modeling_bert.eager_attention_forward(
        attention, q.view(shape).transpose(1, 2), k.view(shape).transpose(1, 2), v.view(shape).transpose(1, 2),
        additive, scaling=attention.scaling, dropout=0.0)
    context = context.reshape(B, T, C)
    # Cross-check against the module itself.
    reference, _ = attention(hidden, attention_mask=additive)
    assert torch.equal(reference, context)
    probabilities.retain_grad()
    dout = randn(B, T, C)
    context.backward(dout)
    tensors = {
        "hidden": hidden, "attention_mask": mask,
        "query.weight": attention.query.weight, "query.bias": attention.query.bias,
        "key.weight": attention.key.weight, "key.bias": attention.key.bias,
        "value.weight": attention.value.weight, "value.bias": attention.value.bias,
        "q": q, "k": k, "v": v, "probabilities": probabilities, "context": context, "dout": dout,
        "dq": q.grad, "dk": k.grad, "dv": v.grad, "dprobabilities": probabilities.grad, "dhidden": hidden.grad,
    }
    for name in ("query", "key", "value"):
        module = getattr(attention, name)
        tensors[f"d{name}.weight"] = module.weight.grad
        tensors[f"d{name}.bias"] = module.bias.grad
    write_fixture("encoder_l1_attention.ftg", tensors, GENERATOR,
                  args={"B": B, "T": T, "C": C, "NH": NH, "lengths": lengths}, seed=SEED + 4)


def level1_gelu():
    torch.manual_seed(SEED + 5)
    x = torch.cat([torch.linspace(-9, 9, 181), randn(75, scale=3)]).requires_grad_()
    out = torch.nn.functional.gelu(x, approximate="none")
    dout = randn(x.shape[0])
    out.backward(dout)
    write_fixture("encoder_l1_gelu.ftg", {"x": x, "out": out, "dout": dout, "dx": x.grad},
                  GENERATOR, args={"N": x.shape[0]}, seed=SEED + 5)


def level1_pooler():
    torch.manual_seed(SEED + 6)
    B, T, C = 3, 4, 8
    pooler = BertPooler(BertConfig(hidden_size=C))
    with torch.no_grad():
        for p in pooler.parameters():
            p.copy_(randn(*p.shape, scale=0.4))
    hidden = randn(B, T, C).requires_grad_()
    out = pooler(hidden)
    dout = randn(B, C)
    out.backward(dout)
    write_fixture("encoder_l1_pooler.ftg", {
        "hidden": hidden, "weight": pooler.dense.weight, "bias": pooler.dense.bias, "out": out, "dout": dout,
        "dhidden": hidden.grad, "dweight": pooler.dense.weight.grad, "dbias": pooler.dense.bias.grad,
    }, GENERATOR, args={"B": B, "T": T, "C": C}, seed=SEED + 6)


def level1_cross_entropy():
    torch.manual_seed(SEED + 7)
    B, K = 5, 3
    logits = randn(B, K, scale=2).requires_grad_()
    labels = torch.tensor([0, 2, 1, 1, 0])
    loss = torch.nn.CrossEntropyLoss()(logits, labels)
    loss.backward()
    write_fixture("encoder_l1_cross_entropy.ftg", {
        "logits": logits, "labels": labels, "loss": loss.reshape(1), "dlogits": logits.grad,
    }, GENERATOR, args={"B": B, "K": K}, seed=SEED + 7)


LEVEL2_CONFIG = dict(
    vocab_size=100, hidden_size=32, num_hidden_layers=2, num_attention_heads=4, intermediate_size=64,
    max_position_embeddings=40, type_vocab_size=2, hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0,
    classifier_dropout=None, layer_norm_eps=1e-12, initializer_range=0.2, num_labels=3, pad_token_id=0,
    hidden_act="gelu",
)


def level2_model():
    """A tiny classifier at step 0. initializer_range 0.2 (instead of BERT's 0.02) and perturbed biases and
    LayerNorm parameters keep every gradient well above the absolute tolerance, so each comparison can fail."""
    torch.manual_seed(SEED + 8)
    config = BertConfig(**LEVEL2_CONFIG)
    config._attn_implementation = "eager"
    model = BertForSequenceClassification(config).train()
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("bias"):
                p.copy_(randn(*p.shape, scale=0.1))
            elif "LayerNorm.weight" in name:
                p.copy_(1 + randn(*p.shape, scale=0.1))
    lengths = [9, 23, 5, 17]
    B, T = len(lengths), max(lengths)
    ids = torch.zeros(B, T, dtype=torch.long)
    types = torch.zeros(B, T, dtype=torch.long)
    mask = torch.zeros(B, T, dtype=torch.long)
    for b, n in enumerate(lengths):
        ids[b, :n] = torch.randint(1, config.vocab_size, (n,))
        mask[b, :n] = 1
        types[b, (n + 1) // 2:n] = 1
    labels = torch.tensor([0, 2, 1, 2])
    out = model(input_ids=ids, token_type_ids=types, attention_mask=mask, labels=labels,
                output_hidden_states=True)
    out.loss.backward()
    tensors = {"input_ids": ids, "token_type_ids": types, "attention_mask": mask, "labels": labels,
               "logits": out.logits, "loss": out.loss.reshape(1), "last_hidden_state": out.hidden_states[-1]}
    for name, p in model.named_parameters():
        tensors["weight/" + name] = p
        tensors["grad/" + name] = p.grad
    # The key bias gets no gradient in exact arithmetic (adding q·b_k to every score of a row leaves the softmax
    # unchanged); its stored gradient is rounding noise of order 1e-9, compared against the absolute tolerance.
    smallest = min(p.grad.abs().max().item() for name, p in model.named_parameters() if "key.bias" not in name)
    assert smallest > 1e-3, f"a gradient is too small to test: {smallest}"
    write_fixture("encoder_l2_model.ftg", tensors, GENERATOR, args={"lengths": lengths, "config": LEVEL2_CONFIG},
                  seed=SEED + 8, metadata={"config": LEVEL2_CONFIG})


if __name__ == "__main__":
    torch.set_num_threads(1)
    level1_embedding()
    level1_layernorm()
    level1_linear()
    level1_attention()
    level1_gelu()
    level1_pooler()
    level1_cross_entropy()
    level2_model()
