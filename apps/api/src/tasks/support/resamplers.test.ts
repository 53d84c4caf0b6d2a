import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { RESAMPLERS } from "./resamplers";

// Made once by OpenCV's cv2.resize and Pillow's Image.resize (scripts/reference/resampler-reference.py):
// generated images with gradients, edges and noise, shrunk and enlarged, in both directions at once.
const reference = JSON.parse(fs.readFileSync(path.join(__dirname, "resamplers.reference.data"), "utf8")) as {
  opencv: string;
  pillow: string;
  cases: {
    width: number;
    height: number;
    toWidth: number;
    toHeight: number;
    src: string;
    expected: Record<keyof typeof RESAMPLERS, string>;
  }[];
};

describe(`resamplers against OpenCV ${reference.opencv} and Pillow ${reference.pillow}`, () => {
  for (const name of Object.keys(RESAMPLERS) as (keyof typeof RESAMPLERS)[]) {
    it(`happy: ${name} gives the library's pixels within 1 grey level, shrinking and enlarging`, () => {
      for (const c of reference.cases) {
        const src = new Uint8Array(Buffer.from(c.src, "base64"));
        const expected = Buffer.from(c.expected[name], "base64");
        const got = RESAMPLERS[name](src, c.width, c.height, 3, c.toWidth, c.toHeight);
        expect(got.length).toBe(expected.length);
        let worst = 0;
        let off = 0;
        for (let i = 0; i < got.length; i++) {
          const d = Math.abs((got[i] as number) - (expected[i] as number));
          worst = Math.max(worst, d);
          if (d > 0) off++;
        }
        const what = `${c.width}×${c.height} → ${c.toWidth}×${c.toHeight}: ${off} of ${got.length} values off`;
        expect(worst, what).toBeLessThanOrEqual(1);
      }
    });
  }
});
