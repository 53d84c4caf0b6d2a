"""A tiny GPT-2 (the Hugging Face GPT2LMHeadModel architecture, written out) exported to ONNX
with exactly the input and output names of a Hugging Face Optimum `text-generation-with-past`
export, so that the platform's recipe for real exports is proven by tests:

  inputs   input_ids [batch, seq], attention_mask [batch, past+seq], position_ids [batch, seq],
           past_key_values.{i}.key / .value [batch, heads, past, head_dim]
  outputs  logits [batch, seq, vocab], present.{i}.key / .value [batch, heads, past+seq, head_dim]

Run with Debian's python3-torch (1.13): /usr/bin/python3 scripts/generation/tiny_gpt2.py OUT_DIR
The weights are random but seeded: the file is the same on every run of the same torch.
"""

import json
import math
import os
import sys

import torch
from torch import nn

from merge_decoders import merge_decoders

torch.manual_seed(20261203)

# The vocabulary: printable ASCII characters as tokens (a byte-level BPE without merges), and
# <|endoftext|> last, as GPT-2 does.
CHARS = [chr(c) for c in range(32, 127)]
EOS = "<|endoftext|>"


class Block(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.heads = heads
        self.ln_1 = nn.LayerNorm(d)
        self.c_attn = nn.Linear(d, 3 * d)
        self.c_proj = nn.Linear(d, d)
        self.ln_2 = nn.LayerNorm(d)
        self.fc = nn.Linear(d, 4 * d)
        self.proj = nn.Linear(4 * d, d)

    def forward(self, x, bias, past_k, past_v):
        b, t, d = x.shape
        hd = d // self.heads
        q, k, v = self.c_attn(self.ln_1(x)).split(d, dim=2)
        q = q.view(b, t, self.heads, hd).transpose(1, 2)
        k = k.view(b, t, self.heads, hd).transpose(1, 2)
        v = v.view(b, t, self.heads, hd).transpose(1, 2)
        k = torch.cat([past_k, k], dim=2)
        v = torch.cat([past_v, v], dim=2)
        att = (q @ k.transpose(-1, -2)) / math.sqrt(hd) + bias
        att = torch.softmax(att, dim=-1)
        y = (att @ v).transpose(1, 2).reshape(b, t, d)
        x = x + self.c_proj(y)
        x = x + self.proj(nn.functional.gelu(self.fc(self.ln_2(x)), approximate="tanh"))
        return x, k, v


class TinyGPT2(nn.Module):
    def __init__(self, vocab, d=32, heads=2, layers=2, positions=256):
        super().__init__()
        self.wte = nn.Embedding(vocab, d)
        self.wpe = nn.Embedding(positions, d)
        self.h = nn.ModuleList([Block(d, heads) for _ in range(layers)])
        self.ln_f = nn.LayerNorm(d)
        # Not tied to wte (GPT-2 ties them): a random tied head mostly repeats the last token.
        self.lm_head = nn.Linear(d, vocab, bias=False)
        self.layers = layers
        self.heads = heads
        self.d = d

    def forward(self, input_ids, attention_mask, position_ids, *past):
        t = input_ids.shape[1]
        total = attention_mask.shape[1]
        # Keys a query may see: not padding (attention_mask) and not in its future (causal, by
        # position in the key axis: the last t keys are this call's tokens).
        key_pos = torch.arange(total).view(1, 1, 1, total)
        query_pos = (total - t + torch.arange(t)).view(1, 1, t, 1)
        allowed = (key_pos <= query_pos) & (attention_mask.view(-1, 1, 1, total) > 0)
        bias = torch.where(allowed, torch.tensor(0.0), torch.tensor(torch.finfo(torch.float32).min))
        x = self.wte(input_ids) + self.wpe(position_ids)
        presents = []
        for i, block in enumerate(self.h):
            x, k, v = block(x, bias, past[2 * i], past[2 * i + 1])
            presents += [k, v]
        return (self.lm_head(self.ln_f(x)), *presents)


def tokenizer_json():
    # GPT-2's byte-level alphabet: printable ASCII stands for itself, the space is "\u0120" (Ġ).
    vocab = {("\u0120" if c == " " else c): i for i, c in enumerate(CHARS)}
    vocab[EOS] = len(CHARS)
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [
            {"id": len(CHARS), "content": EOS, "single_word": False, "lstrip": False, "rstrip": False, "normalized": False, "special": True}
        ],
        "normalizer": None,
        "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
        "post_processor": None,
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None,
                  "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": False, "vocab": vocab, "merges": []},
    }


def export(model, path):
    model.eval()
    layers, heads, hd = model.layers, model.heads, model.d // model.heads
    b, past, t = 1, 3, 2
    names_in = ["input_ids", "attention_mask", "position_ids"]
    names_out = ["logits"]
    dynamic = {
        "input_ids": {0: "batch_size", 1: "sequence_length"},
        "attention_mask": {0: "batch_size", 1: "past_sequence_length + sequence_length"},
        "position_ids": {0: "batch_size", 1: "sequence_length"},
        "logits": {0: "batch_size", 1: "sequence_length"},
    }
    pasts = []
    for i in range(layers):
        for kind in ("key", "value"):
            names_in.append(f"past_key_values.{i}.{kind}")
            names_out.append(f"present.{i}.{kind}")
            dynamic[f"past_key_values.{i}.{kind}"] = {0: "batch_size", 2: "past_sequence_length"}
            dynamic[f"present.{i}.{kind}"] = {0: "batch_size", 2: "past_sequence_length + 1"}
            pasts.append(torch.zeros(b, heads, past, hd))
    args = (
        torch.randint(0, 90, (b, t)),
        torch.ones(b, past + t, dtype=torch.int64),
        torch.arange(past, past + t).view(1, t),
        *pasts,
    )
    torch.onnx.export(model, args, path, input_names=names_in, output_names=names_out,
                      dynamic_axes=dynamic, opset_version=14, do_constant_folding=True)


class WithoutPast(nn.Module):
    """The first step of Optimum's merged decoder: no past inputs (empty caches inside)."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, input_ids, attention_mask, position_ids):
        b = input_ids.shape[0]
        hd = self.model.d // self.model.heads
        empty = [torch.zeros(b, self.model.heads, 0, hd) for _ in range(2 * self.model.layers)]
        return self.model(input_ids, attention_mask, position_ids, *empty)


def export_merged(model, out):
    """decoder_model_merged.onnx: the same weights, as Optimum merges decoder_model.onnx and
    decoder_with_past_model.onnx (an If on use_cache_branch; merge_decoders.py)."""
    model.eval()
    layers = model.layers
    names_out = ["logits"] + [f"present.{i}.{kind}" for i in range(layers) for kind in ("key", "value")]
    no_past = os.path.join(out, ".decoder_model.onnx")
    dynamic = {
        "input_ids": {0: "batch_size", 1: "sequence_length"},
        "attention_mask": {0: "batch_size", 1: "sequence_length"},
        "position_ids": {0: "batch_size", 1: "sequence_length"},
        "logits": {0: "batch_size", 1: "sequence_length"},
    }
    for name in names_out[1:]:
        dynamic[name] = {0: "batch_size", 2: "sequence_length"}
    args = (torch.randint(0, 90, (1, 3)), torch.ones(1, 3, dtype=torch.int64), torch.arange(3).view(1, 3))
    torch.onnx.export(WithoutPast(model), args, no_past, input_names=["input_ids", "attention_mask", "position_ids"],
                      output_names=names_out, dynamic_axes=dynamic, opset_version=14, do_constant_folding=True)
    names_in = ["input_ids", "attention_mask", "position_ids"] + [
        f"past_key_values.{i}.{kind}" for i in range(layers) for kind in ("key", "value")]
    merge_decoders(no_past, os.path.join(out, "model.onnx"), os.path.join(out, "decoder_model_merged.onnx"),
                   names_in, names_out, [1, model.heads, 0, model.d // model.heads], "modelmarket-tiny-gpt2")
    os.remove(no_past)


def main(out):
    os.makedirs(out, exist_ok=True)
    model = TinyGPT2(len(CHARS) + 1)
    # Sharper than random init, so that greedy decoding has clear winners (no near-ties).
    with torch.no_grad():
        model.lm_head.weight.normal_(0.0, 2.0)
    export(model, os.path.join(out, "model.onnx"))
    export_merged(model, out)
    with open(os.path.join(out, "tokenizer.json"), "w") as f:
        json.dump(tokenizer_json(), f, indent=1)
    eos = len(CHARS)
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump({"model_type": "gpt2", "n_layer": model.layers, "n_head": model.heads, "n_embd": model.d,
                   "vocab_size": eos + 1, "n_positions": 256, "bos_token_id": eos, "eos_token_id": eos}, f, indent=1)
    with open(os.path.join(out, "generation_config.json"), "w") as f:
        json.dump({"bos_token_id": eos, "eos_token_id": eos, "max_length": 64}, f, indent=1)
    with open(os.path.join(out, "tokenizer_config.json"), "w") as f:
        json.dump({"bos_token": EOS, "eos_token": EOS, "model_max_length": 256}, f, indent=1)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "tiny-gpt2")
