#!/usr/bin/python3
# One-off: writes the reference pixels that resamplers.test.ts compares the platform's resamplers
# with, made by the libraries exporters use (OpenCV's cv2.resize, Pillow's Image.resize).
# Run with Debian's python3-opencv and python3-pil installed:
#   /usr/bin/python3 scripts/reference/resampler-reference.py > apps/api/src/use-cases/inference/support/resamplers.reference.data
import base64, json
import cv2, numpy as np, PIL
from PIL import Image

def source(w, h, seed):
    # Gradients, edges and noise: what makes resamplers differ.
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w]
    base = np.stack([(x * 255 // max(1, w - 1)), (y * 255 // max(1, h - 1)), ((x // 3 + y // 2) % 2) * 255], -1)
    noise = rng.integers(0, 64, size=(h, w, 3))
    return np.clip(base * 3 // 4 + noise, 0, 255).astype(np.uint8)

cases = []
for (w, h, seed) in [(37, 23, 1), (64, 48, 2), (9, 31, 3)]:
    src = source(w, h, seed)
    for (tw, th) in [(16, 10), (50, 30), (37, 9), (13, 61)]:
        out = {
            "opencv-linear": cv2.resize(src, (tw, th), interpolation=cv2.INTER_LINEAR),
            "opencv-area": cv2.resize(src, (tw, th), interpolation=cv2.INTER_AREA),
            "pil-bilinear": np.asarray(Image.fromarray(src).resize((tw, th), Image.BILINEAR)),
            "pil-bicubic": np.asarray(Image.fromarray(src).resize((tw, th), Image.BICUBIC)),
        }
        cases.append({
            "width": w, "height": h, "toWidth": tw, "toHeight": th,
            "src": base64.b64encode(src.tobytes()).decode(),
            "expected": {k: base64.b64encode(np.ascontiguousarray(v).tobytes()).decode() for k, v in out.items()},
        })
print(json.dumps({"opencv": cv2.__version__, "pillow": PIL.__version__, "cases": cases}))
