import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { CANVAS_SIZE, drawStrokes, mathSymbols, type Stroke } from "@modelmarket/model-zoo";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  apiKeyClient,
  errorCode,
  publishTinyModel,
  publishZooModelOverHttp,
  signUpTenant,
  startTestApi,
  subscribeTo,
  type TestApi,
} from "./harness";

const CLASSIFY = `mutation($model: String!, $images: [ImageInput!]!, $topK: Int) {
  classifyImage(model: $model, images: $images, topK: $topK) { label score top { label score } }
}`;

type Result = { classifyImage: { label: string; score: number; top: { label: string; score: number }[] }[] };

let api: TestApi;
let slug: string;
let consumer: Awaited<ReturnType<typeof apiKeyClient>>;

/** A drawing as a PNG, the way a browser canvas would export it. */
async function png(strokes: Stroke[]): Promise<string> {
  const grey = drawStrokes(strokes);
  const bytes = Buffer.from(Array.from(grey, (v) => Math.round(v * 255)));
  const file = await sharp(bytes, { raw: { width: CANVAS_SIZE, height: CANVAS_SIZE, channels: 1 } })
    .png()
    .toBuffer();
  return file.toString("base64");
}

beforeAll(async () => {
  api = await startTestApi({ IMAGE_MAX_BYTES: "300000", MAX_INPUTS_PER_CALL: "4" }, { inference: true });
  const publisher = await signUpTenant(api, "Symbols");
  const published = await publishZooModelOverHttp(
    publisher,
    await mathSymbols(fs.mkdtempSync(path.join(os.tmpdir(), "zoo-"))),
    { name: "symbols" },
  );
  slug = published.slug;
  const tenant = await signUpTenant(api, "Student");
  await subscribeTo(tenant, slug, published.plans[0]?.id);
  consumer = await apiKeyClient(api, tenant, ["inference"]);
}, 120_000);
afterAll(() => api?.close());

describe("classifyImage", () => {
  it("happy: a drawn × and → are recognised, with probabilities best first", async () => {
    const times = await png([
      [
        [0, 0],
        [10, 10],
      ],
      [
        [10, 0],
        [0, 10],
      ],
    ]);
    const arrow = await png([
      [
        [0, 5],
        [10, 5],
      ],
      [
        [7, 2],
        [10, 5],
        [7, 8],
      ],
    ]);
    const { body } = await consumer.client.raw<Result>(CLASSIFY, {
      model: slug,
      images: [{ base64: times }, { base64: arrow }],
      topK: 3,
    });
    expect(body.errors).toBeUndefined();
    const [first, second] = body.data?.classifyImage ?? [];
    expect(first?.label).toBe("× times");
    expect(second?.label).toBe("→ arrow.r");
    expect(first?.top).toHaveLength(3);
    expect(first?.score).toBeGreaterThan(0.3);
    expect(first?.score).toBeLessThanOrEqual(1);
    expect(first?.top.map((t) => t.score)).toEqual([...(first?.top ?? [])].map((t) => t.score).sort((a, b) => b - a));
  });

  it("error: no image, a non-image, a GIF and corrupt bytes are BAD_USER_INPUT", async () => {
    const gif = (
      await sharp({ create: { width: 4, height: 4, channels: 3, background: "#fff" } })
        .gif()
        .toBuffer()
    ).toString("base64");
    const cases: [unknown[], string][] = [
      [[], "BAD_USER_INPUT"],
      [[{ base64: Buffer.from("just some text").toString("base64") }], "BAD_USER_INPUT"],
      [[{ base64: gif }], "BAD_USER_INPUT"],
      [[{ base64: "%%%not-base64%%%" }], "BAD_USER_INPUT"],
    ];
    for (const [images, code] of cases) {
      const { body } = await consumer.client.raw(CLASSIFY, { model: slug, images });
      expect(errorCode(body), JSON.stringify(images).slice(0, 60)).toBe(code);
    }
  });

  it("error: too many images, too many bytes and too many pixels are PAYLOAD_TOO_LARGE", async () => {
    const small = await png([
      [
        [0, 0],
        [10, 10],
      ],
    ]);
    const many = await consumer.client.raw(CLASSIFY, { model: slug, images: Array(5).fill({ base64: small }) });
    expect(errorCode(many.body)).toBe("PAYLOAD_TOO_LARGE");
    const noisy = await sharp(crypto.randomBytes(400 * 400 * 3), { raw: { width: 400, height: 400, channels: 3 } })
      .png()
      .toBuffer();
    const big = await consumer.client.raw(CLASSIFY, { model: slug, images: [{ base64: noisy.toString("base64") }] });
    expect(errorCode(big.body)).toBe("PAYLOAD_TOO_LARGE");
    // 42 megapixels of one colour compress to a few kilobytes: the pixel count is what counts.
    const huge = await sharp({ create: { width: 7_000, height: 6_000, channels: 3, background: "#000" } })
      .png({ compressionLevel: 9 })
      .toBuffer();
    expect(huge.length).toBeLessThan(300_000);
    const bomb = await consumer.client.raw(CLASSIFY, { model: slug, images: [{ base64: huge.toString("base64") }] });
    expect(errorCode(bomb.body)).toBe("PAYLOAD_TOO_LARGE");
  });

  it("security: decoding another tenant's large images does not stall a session-token request (decoded one at a time, by pixels)", async () => {
    // The review's attack, scaled down: PNGs of a few hundred KB that decode to 25 million 16-bit
    // pixels each, several calls at once. They used to decode all at once on libuv's pool,
    // where session-token verification queues too.
    const heavy = await sharp({
      create: { width: 5_000, height: 5_000, channels: 3, background: { r: 10, g: 200, b: 30 } },
    })
      .toColourspace("rgb16")
      .png({ compressionLevel: 9 })
      .toBuffer();
    expect(heavy.length).toBeLessThan(300_000);
    const images = Array(4).fill({ base64: heavy.toString("base64") });
    const victim = await signUpTenant(api, "Bystander");
    let attackDone = 0;
    const attack = [1, 2].map(() =>
      consumer.client.raw(CLASSIFY, { model: slug, images }).then((res) => {
        attackDone++;
        return res;
      }),
    );
    // Wait until the gate holds the attack's images (one decoding, the rest waiting their turn).
    while (api.services.decodeGate.stats().waiting === 0 && attackDone === 0)
      await new Promise((r) => setTimeout(r, 5));
    const me = await victim.client.raw(`{ me { id } }`);
    expect(me.body.errors).toBeUndefined();
    // Answered while the attack's images were still queued behind each other, not after them.
    const gate = api.services.decodeGate.stats();
    expect(attackDone).toBe(0);
    expect(gate.inFlightPixels).toBeLessThanOrEqual(25_000_000);
    expect(gate.waiting).toBeGreaterThan(0);
    for (const res of await Promise.all(attack)) expect(res.body.errors).toBeUndefined();
    expect(api.services.decodeGate.stats()).toEqual({ inFlightPixels: 0, waiting: 0, tenantsWaiting: 0 });
  });

  it("error: classifyImage on a text model is a task mismatch", async () => {
    const owner = await signUpTenant(api);
    const text = await publishTinyModel(owner);
    const { body } = await owner.client.raw(CLASSIFY, { model: text.slug, images: [{ base64: "iVBORw0KGgo=" }] });
    expect(errorCode(body)).toBe("BAD_USER_INPUT");
    expect(body.errors?.[0]?.message).toMatch(/needs a IMAGE_CLASSIFICATION model/);
  });
});
