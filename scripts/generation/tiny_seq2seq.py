"""A tiny encoder-decoder (BART/T5-shaped: an encoder, a decoder with self- and cross-attention)
exported to ONNX with exactly the files, input and output names of a Hugging Face Optimum
seq2seq export (`optimum-cli export onnx --task text2text-generation-with-past`), so that the
platform's recipe for real summarisation and translation exports is proven by tests:

  encoder_model.onnx
    inputs   input_ids [batch, source], attention_mask [batch, source]
    outputs  last_hidden_state [batch, source, d]
  decoder_model_merged.onnx (one graph: an If on use_cache_branch between the decoder without
  past, which computes the cross-attention keys/values, and the decoder with past, which reuses
  them, as Optimum's merge_decoders builds it)
    inputs   input_ids [batch, target], encoder_attention_mask [batch, source],
             encoder_hidden_states [batch, source, d],
             past_key_values.{i}.decoder.key / .value [batch, heads, past, head_dim],
             past_key_values.{i}.encoder.key / .value [batch, heads, source, head_dim],
             use_cache_branch [1] bool
    outputs  logits [batch, target, vocab], present.{i}.decoder.key / .value,
             present.{i}.encoder.key / .value (only meaningful without past: with past the
             branch returns placeholders, which a client must not use — it keeps the first ones)

Run with Debian's python3-torch (1.13) and python3-onnx:
  /usr/bin/python3 scripts/generation/tiny_seq2seq.py OUT_DIR
The weights are random but seeded: the files are the same on every run of the same versions.
"""

import json
import math
import os
import sys

import torch
from torch import nn

from merge_decoders import merge_decoders

torch.manual_seed(20261204)

# Vocabulary: <pad> (also the decoder's start token, as in T5), printable ASCII, </s> (EOS).
CHARS = [chr(c) for c in range(32, 127)]
PAD, EOS = "<pad>", "</s>"
VOCAB = 1 + len(CHARS) + 1
D, HEADS, LAYERS, POSITIONS = 32, 2, 2, 256
HD = D // HEADS
NEG = torch.finfo(torch.float32).min


def heads(x):
    b, t, _ = x.shape
    return x.view(b, t, HEADS, HD).transpose(1, 2)


def attend(q, k, v, bias):
    att = torch.softmax((q @ k.transpose(-1, -2)) / math.sqrt(HD) + bias, dim=-1)
    b, _, t, _ = q.shape
    return (att @ v).transpose(1, 2).reshape(b, t, D)


class EncoderLayer(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(D), nn.LayerNorm(D)
        self.qkv, self.out = nn.Linear(D, 3 * D), nn.Linear(D, D)
        self.fc, self.proj = nn.Linear(D, 4 * D), nn.Linear(4 * D, D)

    def forward(self, x, bias):
        q, k, v = self.qkv(self.ln1(x)).split(D, dim=2)
        x = x + self.out(attend(heads(q), heads(k), heads(v), bias))
        return x + self.proj(torch.relu(self.fc(self.ln2(x))))


class Encoder(nn.Module):
    def __init__(self, embed, pos):
        super().__init__()
        self.embed, self.pos = embed, pos
        self.layers = nn.ModuleList([EncoderLayer() for _ in range(LAYERS)])
        self.ln = nn.LayerNorm(D)

    def forward(self, input_ids, attention_mask):
        s = input_ids.shape[1]
        x = self.embed(input_ids) + self.pos(torch.arange(s).unsqueeze(0))
        bias = torch.where(attention_mask.view(-1, 1, 1, s) > 0, torch.tensor(0.0), torch.tensor(NEG))
        for layer in self.layers:
            x = layer(x, bias)
        return self.ln(x)


class DecoderLayer(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln1, self.ln2, self.ln3 = nn.LayerNorm(D), nn.LayerNorm(D), nn.LayerNorm(D)
        self.qkv, self.out = nn.Linear(D, 3 * D), nn.Linear(D, D)
        self.cq, self.ckv, self.cout = nn.Linear(D, D), nn.Linear(D, 2 * D), nn.Linear(D, D)
        self.fc, self.proj = nn.Linear(D, 4 * D), nn.Linear(4 * D, D)

    def cross_kv(self, enc):
        k, v = self.ckv(enc).split(D, dim=2)
        return heads(k), heads(v)

    def forward(self, x, past_k, past_v, self_bias, cross_k, cross_v, cross_bias):
        q, k, v = self.qkv(self.ln1(x)).split(D, dim=2)
        k = torch.cat([past_k, heads(k)], dim=2)
        v = torch.cat([past_v, heads(v)], dim=2)
        x = x + self.out(attend(heads(q), k, v, self_bias))
        x = x + self.cout(attend(heads(self.cq(self.ln2(x))), cross_k, cross_v, cross_bias))
        return x + self.proj(torch.relu(self.fc(self.ln3(x)))), k, v


class Decoder(nn.Module):
    """with_past=False: the first step (cross keys/values computed from the encoder's states);
    with_past=True: later steps (they come in as past_key_values.{i}.encoder.*)."""

    def __init__(self, embed, pos, with_past):
        super().__init__()
        self.embed, self.pos, self.with_past = embed, pos, with_past
        self.layers = nn.ModuleList([DecoderLayer() for _ in range(LAYERS)])
        self.ln = nn.LayerNorm(D)
        self.head = nn.Linear(D, VOCAB, bias=False)

    def forward(self, input_ids, encoder_attention_mask, encoder_hidden_states, *past):
        b, t = input_ids.shape
        s = encoder_attention_mask.shape[1]
        past_len = past[0].shape[2] if self.with_past else 0
        # Positions continue after the cache (BART's learned positions read the past length).
        x = self.embed(input_ids) + self.pos(past_len + torch.arange(t).unsqueeze(0))
        total = past_len + t
        key_pos = torch.arange(total).view(1, 1, 1, total)
        query_pos = (past_len + torch.arange(t)).view(1, 1, t, 1)
        self_bias = torch.where(key_pos <= query_pos, torch.tensor(0.0), torch.tensor(NEG))
        cross_bias = torch.where(encoder_attention_mask.view(-1, 1, 1, s) > 0, torch.tensor(0.0), torch.tensor(NEG))
        presents_dec, presents_enc = [], []
        for i, layer in enumerate(self.layers):
            if self.with_past:
                pk, pv, ck, cv = past[4 * i], past[4 * i + 1], past[4 * i + 2], past[4 * i + 3]
            else:
                pk = torch.zeros(b, HEADS, 0, HD)
                pv = torch.zeros(b, HEADS, 0, HD)
                ck, cv = layer.cross_kv(encoder_hidden_states)
            x, k, v = layer(x, pk, pv, self_bias, ck, cv, cross_bias)
            presents_dec.append((k, v))
            presents_enc.append((ck, cv))
        outs = [self.head(self.ln(x))]
        for i in range(LAYERS):
            outs += list(presents_dec[i])
            if not self.with_past:
                outs += list(presents_enc[i])
        return tuple(outs)


def tokenizer_json():
    vocab = {PAD: 0}
    for i, c in enumerate(CHARS):
        vocab["\u0120" if c == " " else c] = i + 1
    vocab[EOS] = VOCAB - 1
    special = lambda i, content: {"id": i, "content": content, "single_word": False, "lstrip": False,
                                  "rstrip": False, "normalized": False, "special": True}
    return {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": [special(0, PAD), special(VOCAB - 1, EOS)],
        "normalizer": None,
        "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
        # The source ends with </s>, as BART and T5 tokenizers add it.
        "post_processor": {"type": "TemplateProcessing", "single": [{"Sequence": {"id": "A", "type_id": 0}},
                           {"SpecialToken": {"id": EOS, "type_id": 0}}],
                           "pair": [{"Sequence": {"id": "A", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 0}}],
                           "special_tokens": {EOS: {"id": EOS, "ids": [VOCAB - 1], "tokens": [EOS]}}},
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None,
                  "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": False, "vocab": vocab, "merges": []},
    }


def export(module, args, path, names_in, names_out, dynamic):
    module.eval()
    with torch.no_grad():
        torch.onnx.export(module, args, path, input_names=names_in, output_names=names_out,
                          dynamic_axes=dynamic, opset_version=14, do_constant_folding=True)


def past_names(kind):
    return [f"{kind}.{i}.{part}.{kv}" for i in range(LAYERS) for part in ("decoder", "encoder") for kv in ("key", "value")]


def decoder_names(with_past):
    outs = ["logits"]
    for i in range(LAYERS):
        outs += [f"present.{i}.decoder.key", f"present.{i}.decoder.value"]
        if not with_past:
            outs += [f"present.{i}.encoder.key", f"present.{i}.encoder.value"]
    return outs


def main(out):
    os.makedirs(out, exist_ok=True)
    embed, pos = nn.Embedding(VOCAB, D), nn.Embedding(POSITIONS, D)
    encoder = Encoder(embed, pos)
    decoder = Decoder(nn.Embedding(VOCAB, D), nn.Embedding(POSITIONS, D), with_past=False)
    # The with-past decoder is the same module (same weights), reading the cache.
    decoder_past = Decoder(decoder.embed, decoder.pos, with_past=True)
    decoder_past.layers, decoder_past.ln, decoder_past.head = decoder.layers, decoder.ln, decoder.head

    b, s, t, p = 1, 5, 2, 3
    ids = torch.randint(1, VOCAB - 1, (b, s))
    export(encoder, (ids, torch.ones(b, s, dtype=torch.long)), f"{out}/encoder_model.onnx",
           ["input_ids", "attention_mask"], ["last_hidden_state"],
           {"input_ids": {0: "batch_size", 1: "encoder_sequence_length"},
            "attention_mask": {0: "batch_size", 1: "encoder_sequence_length"},
            "last_hidden_state": {0: "batch_size", 1: "encoder_sequence_length"}})

    enc = torch.randn(b, s, D)
    mask = torch.ones(b, s, dtype=torch.long)
    dyn = {"input_ids": {0: "batch_size", 1: "decoder_sequence_length"},
           "encoder_attention_mask": {0: "batch_size", 1: "encoder_sequence_length"},
           "encoder_hidden_states": {0: "batch_size", 1: "encoder_sequence_length"},
           "logits": {0: "batch_size", 1: "decoder_sequence_length"}}
    for i in range(LAYERS):
        for kv in ("key", "value"):
            dyn[f"present.{i}.decoder.{kv}"] = {0: "batch_size", 2: "past_decoder_sequence_length + 1"}
            dyn[f"present.{i}.encoder.{kv}"] = {0: "batch_size", 2: "encoder_sequence_length_out"}
    tmp_no_past, tmp_with_past = f"{out}/.decoder_model.onnx", f"{out}/.decoder_with_past_model.onnx"
    export(decoder, (torch.randint(1, VOCAB - 1, (b, t)), mask, enc), tmp_no_past,
           ["input_ids", "encoder_attention_mask", "encoder_hidden_states"], decoder_names(False), dyn)
    pasts = []
    for i in range(LAYERS):
        pasts += [torch.randn(b, HEADS, p, HD), torch.randn(b, HEADS, p, HD),
                  torch.randn(b, HEADS, s, HD), torch.randn(b, HEADS, s, HD)]
    dyn_past = {k: v for k, v in dyn.items() if not k.startswith("present.") or ".decoder." in k}
    for name in past_names("past_key_values"):
        dyn_past[name] = {0: "batch_size", 2: "past_decoder_sequence_length" if ".decoder." in name else "encoder_sequence_length_out"}
    export(decoder_past, (torch.randint(1, VOCAB - 1, (b, 1)), mask, enc, *pasts), tmp_with_past,
           ["input_ids", "encoder_attention_mask", "encoder_hidden_states", *past_names("past_key_values")],
           decoder_names(True), dyn_past)
    ordered = ["input_ids", "encoder_attention_mask", "encoder_hidden_states"] + past_names("past_key_values")
    merge_decoders(tmp_no_past, tmp_with_past, f"{out}/decoder_model_merged.onnx", ordered, decoder_names(False),
                   [1, HEADS, 0, HD], "modelmarket-tiny-seq2seq")
    os.remove(tmp_no_past)
    os.remove(tmp_with_past)

    with open(f"{out}/tokenizer.json", "w") as f:
        json.dump(tokenizer_json(), f, ensure_ascii=False)
    with open(f"{out}/tokenizer_config.json", "w") as f:
        json.dump({"tokenizer_class": "PreTrainedTokenizerFast", "pad_token": PAD, "eos_token": EOS,
                   "model_max_length": POSITIONS}, f, indent=2)
    with open(f"{out}/config.json", "w") as f:
        json.dump({"model_type": "tiny-seq2seq", "is_encoder_decoder": True, "vocab_size": VOCAB, "d_model": D,
                   "encoder_layers": LAYERS, "decoder_layers": LAYERS, "encoder_attention_heads": HEADS,
                   "decoder_attention_heads": HEADS, "max_position_embeddings": POSITIONS, "pad_token_id": 0,
                   "eos_token_id": VOCAB - 1, "decoder_start_token_id": 0}, f, indent=2)
    with open(f"{out}/generation_config.json", "w") as f:
        json.dump({"decoder_start_token_id": 0, "eos_token_id": VOCAB - 1, "pad_token_id": 0, "max_new_tokens": 64}, f, indent=2)


if __name__ == "__main__":
    torch.set_num_threads(2)
    main(sys.argv[1] if len(sys.argv) > 1 else "packages/onnx/fixtures/tiny-seq2seq")
