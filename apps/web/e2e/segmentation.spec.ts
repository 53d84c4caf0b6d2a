import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { COLOUR_SEGMENTER_LABELS, colourSegmenter } from "@modelmarket/onnx";
import { expect, test } from "@playwright/test";
import sharp from "sharp";
import { api, PASSWORD, screenshot, signUpInPortal, uniqueEmail, uploadArtifact, watchConsole } from "./support";

/** 256 × 128: a red square at x 32–96, y 32–96, a blue one at x 160–224, the rest black. */
async function pictureFile(): Promise<string> {
  const rgb = Buffer.alloc(256 * 128 * 3);
  for (let y = 32; y < 96; y++) {
    for (let x = 32; x < 96; x++) rgb[(y * 256 + x) * 3] = 255;
    for (let x = 160; x < 224; x++) rgb[(y * 256 + x) * 3 + 2] = 255;
  }
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "seg-")), "squares.png");
  await sharp(rgb, { raw: { width: 256, height: 128, channels: 3 } })
    .png()
    .toFile(file);
  return file;
}

/** A publisher, through the API: the colour segmenter, public, with a free plan. */
async function publishSegmenter(): Promise<string> {
  const signUp = await api<{ signUp: { token: string } }>(
    `mutation($i: SignUpInput!) { signUp(input: $i) { token } }`,
    { i: { email: uniqueEmail("segments"), password: PASSWORD, tenantName: "Segments Lab" } },
  );
  const token = signUp.data?.signUp.token as string;
  const published = await api<{ publishModel: { slug: string } }>(
    `mutation($i: PublishModelInput!) { publishModel(input: $i) { slug } }`,
    {
      i: {
        name: `colour segmenter ${Date.now()}`,
        description: "Finds red and blue regions, pixel by pixel",
        task: "IMAGE_SEGMENTATION",
        artifactId: await uploadArtifact(colourSegmenter(), "model", token),
        version: "1.0.0",
        assets: {
          labels: await uploadArtifact(Buffer.from(JSON.stringify(COLOUR_SEGMENTER_LABELS)), "asset", token),
        },
        plans: [{ name: "Free", monthlyFeeCents: 0, includedUnits: 100, unitPriceMicros: 0, rateLimitPerMinute: 60 }],
      },
    },
    token,
  );
  expect(published.errors).toBeUndefined();
  return published.data?.publishModel.slug as string;
}

for (const width of [1280, 375]) {
  test(`happy: the segmentation playground lays the mask over the photo, coloured by class, outlines each region, with a legend of pixel shares (${width} px)`, async ({
    page,
  }) => {
    const problems = watchConsole(page);
    const slug = await publishSegmenter();
    await signUpInPortal(page, `Retoucher ${width}`);
    await page.setViewportSize({ width, height: 900 });
    await page.goto(`/models/${slug}`);
    await page.getByLabel("Image (PNG or JPEG)").setInputFiles(await pictureFile());
    await page.getByRole("button", { name: "Run" }).click();
    const answer = page.getByRole("region", { name: "Segmentation" });
    await expect(answer).toContainText("3 classes in 256×128 pixels");
    const legend = answer.getByRole("list", { name: "Legend" });
    await expect(legend.getByRole("listitem")).toHaveText([
      /background 75\.\d%/,
      /red 12\.\d%|blue 12\.\d%/,
      /red 12\.\d%|blue 12\.\d%/,
    ]);
    // The overlay, read back from the canvas: the red square's centre is coloured, the background clear.
    const mask = answer.getByRole("img", { name: "Segmentation mask", exact: true });
    await expect(mask).toBeVisible();
    await expect
      .poll(() =>
        mask.evaluate((canvas: any) => {
          const context = canvas.getContext("2d");
          return [
            canvas.width,
            canvas.height,
            context.getImageData(64, 64, 1, 1).data[3],
            context.getImageData(10, 10, 1, 1).data[3],
          ];
        }),
      )
      .toEqual([256, 128, 140, 0]);
    // The outlines: one region per square, traced on the squares' edges in the photo's pixels.
    await expect(legend.getByRole("listitem").filter({ hasText: "red" })).toContainText("1 region");
    const outlines = answer.getByRole("img", { name: "Region outlines" });
    await expect(outlines).toBeVisible();
    const boxes = await outlines.evaluate((svg: any) =>
      Array.from(svg.querySelectorAll("path") as ArrayLike<any>)
        .map((p) => {
          const b = p.getBBox();
          return [p.dataset.label, b.x, b.y, b.width, b.height];
        })
        .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );
    expect(boxes).toEqual([
      ["blue", 160, 32, 64, 64],
      ["red", 32, 32, 64, 64],
    ]);
    const noSideScroll = await page.evaluate(
      () => (globalThis as any).document.documentElement.scrollWidth - (globalThis as any).innerWidth,
    );
    expect(noSideScroll).toBeLessThanOrEqual(0);
    await screenshot(page, `playground-segmentation-${width}`);
    expect(problems).toEqual([]);
  });
}
