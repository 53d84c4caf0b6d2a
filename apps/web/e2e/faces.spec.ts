import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { brightRegionDetector, buildOnnxModel } from "@modelmarket/onnx";
import { expect, test } from "@playwright/test";
import sharp from "sharp";
import { api, PASSWORD, screenshot, signUpInPortal, uniqueEmail, uploadArtifact, watchConsole } from "./support";

const SIDE = 16;

/** A face embedder built here: a 16×16 RGB crop flattened and projected to 8 dimensions (seeded weights). */
function faceEmbedder(): Uint8Array {
  let seed = 11;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31 - 0.5;
  };
  return buildOnnxModel({
    inputs: [{ name: "face", elemType: "FLOAT", shape: ["batch", SIDE, SIDE, 3] }],
    outputs: [{ name: "embedding", elemType: "FLOAT", shape: ["batch", 8] }],
    initializers: [
      { name: "W", dims: [SIDE * SIDE * 3, 8], floatData: Array.from({ length: SIDE * SIDE * 3 * 8 }, random) },
      { name: "flat", dims: [2], int64Data: [-1, SIDE * SIDE * 3] },
    ],
    nodes: [
      { opType: "Reshape", inputs: ["face", "flat"], outputs: ["x"] },
      { opType: "MatMul", inputs: ["x", "W"], outputs: ["embedding"] },
    ],
  });
}

async function faceFile(name: string, pattern: (x: number, y: number, c: number) => number): Promise<string> {
  const raw = Buffer.alloc(SIDE * SIDE * 3);
  for (let y = 0; y < SIDE; y++)
    for (let x = 0; x < SIDE; x++) for (let c = 0; c < 3; c++) raw[(y * SIDE + x) * 3 + c] = pattern(x, y, c);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "faces-")), `${name}.png`);
  await sharp(raw, { raw: { width: SIDE, height: SIDE, channels: 3 } })
    .png()
    .toFile(file);
  return file;
}

async function publishFaceModel(): Promise<string> {
  const signUp = await api<{ signUp: { token: string } }>(
    `mutation($i: SignUpInput!) { signUp(input: $i) { token } }`,
    { i: { email: uniqueEmail("faces"), password: PASSWORD, tenantName: "Face Lab" } },
  );
  const token = signUp.data?.signUp.token as string;
  const preprocessing = { pixelRange: [0, 255], interpolation: "nearest", matchThreshold: 0.999 };
  const published = await api<{ publishModel: { slug: string } }>(
    `mutation($i: PublishModelInput!) { publishModel(input: $i) { slug } }`,
    {
      i: {
        name: `door faces ${Date.now()}`,
        description: "Tells whether two face crops show the same person",
        task: "FACE_EMBEDDING",
        artifactId: await uploadArtifact(faceEmbedder(), "model", token),
        version: "1.0.0",
        assets: { preprocessing: await uploadArtifact(Buffer.from(JSON.stringify(preprocessing)), "asset", token) },
        card: { intendedUse: "Letting enrolled members through a door they agreed to; never identifying strangers." },
        plans: [{ name: "Free", monthlyFeeCents: 0, includedUnits: 100, unitPriceMicros: 0, rateLimitPerMinute: 60 }],
      },
    },
    token,
  );
  expect(published.errors).toBeUndefined();
  return published.data?.publishModel.slug as string;
}

for (const width of [1280, 375]) {
  test(`happy: the face playground compares two photos: the same photo is the same person, another is not; the page states the privacy rules (${width} px)`, async ({
    page,
  }) => {
    const problems = watchConsole(page);
    const slug = await publishFaceModel();
    await signUpInPortal(page, `Door Keeper ${width}`);
    await page.setViewportSize({ width, height: 900 });
    await page.goto(`/models/${slug}`);
    await expect(page.getByRole("region", { name: "Faces and privacy" })).toContainText("not stored");
    const alice = await faceFile("alice", (x, y, c) => (x * 13 + y * 3 + c * 40) % 256);
    const bob = await faceFile("bob", (x, y, c) => (y * 29 + ((x * x) % 17) * 9 + (2 - c) * 70) % 256);
    await page.getByLabel("First face (PNG or JPEG)").setInputFiles(alice);
    await page.getByLabel("Second face (PNG or JPEG)").setInputFiles(alice);
    await page.getByRole("button", { name: "Run" }).click();
    const answer = page.getByRole("region", { name: "Face comparison" });
    await expect(answer.getByRole("status")).toContainText("Same person: cosine 1.000 ≥ the model's threshold 0.999");
    await page.getByLabel("Second face (PNG or JPEG)").setInputFiles(bob);
    await page.getByRole("button", { name: "Run" }).click();
    await expect(answer.getByRole("status")).toContainText("Different people");
    const noSideScroll = await page.evaluate(
      () => (globalThis as any).document.documentElement.scrollWidth - (globalThis as any).innerWidth,
    );
    expect(noSideScroll).toBeLessThanOrEqual(0);
    await screenshot(page, `playground-faces-${width}`);
    expect(problems).toEqual([]);
  });
}

test("happy: the face-detection playground draws each face's box and landmarks over the photo (1280 and 375 px)", async ({
  page,
}) => {
  const problems = watchConsole(page);
  const signUp = await api<{ signUp: { token: string } }>(
    `mutation($i: SignUpInput!) { signUp(input: $i) { token } }`,
    { i: { email: uniqueEmail("face-finder"), password: PASSWORD, tenantName: "Face Finder" } },
  );
  const token = signUp.data?.signUp.token as string;
  const preprocessing = { interpolation: "nearest", landmarks: ["centre"] };
  const published = await api<{ publishModel: { slug: string } }>(
    `mutation($i: PublishModelInput!) { publishModel(input: $i) { slug } }`,
    {
      i: {
        name: `face finder ${Date.now()}`,
        description: "Finds the bright region of a photo and calls it a face",
        task: "FACE_DETECTION",
        artifactId: await uploadArtifact(brightRegionDetector(), "model", token),
        version: "1.0.0",
        assets: { preprocessing: await uploadArtifact(Buffer.from(JSON.stringify(preprocessing)), "asset", token) },
        plans: [{ name: "Free", monthlyFeeCents: 0, includedUnits: 100, unitPriceMicros: 0, rateLimitPerMinute: 60 }],
      },
    },
    token,
  );
  expect(published.errors).toBeUndefined();
  const slug = published.data?.publishModel.slug as string;
  // 256 × 128, black with a white square at x 96–160, y 32–96.
  const photo = await faceFileSized("square", 256, 128, (x, y) => (x >= 96 && x < 160 && y >= 32 && y < 96 ? 255 : 0));
  await signUpInPortal(page, "Booth");
  for (const width of [1280, 375]) {
    await page.setViewportSize({ width, height: 900 });
    await page.goto(`/models/${slug}`);
    await page.getByLabel("Image (PNG or JPEG)").setInputFiles(photo);
    await page.getByRole("button", { name: "Run" }).click();
    await expect(page.getByText("1 face(s) found.")).toBeVisible();
    await expect(page.locator(".box", { hasText: "face 100%" })).toBeVisible();
    await expect(page.getByRole("img", { name: "centre at 128, 64" })).toBeVisible();
    await screenshot(page, `playground-face-detection-${width}`);
  }
  expect(problems).toEqual([]);
});

async function faceFileSized(name: string, w: number, h: number, value: (x: number, y: number) => number) {
  const raw = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) raw.fill(value(x, y), (y * w + x) * 3, (y * w + x) * 3 + 3);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "faces-")), `${name}.png`);
  await sharp(raw, { raw: { width: w, height: h, channels: 3 } })
    .png()
    .toFile(file);
  return file;
}
