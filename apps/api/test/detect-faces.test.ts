import { brightRegionDetector } from "@modelmarket/onnx";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  apiKeyClient,
  errorCode,
  publishBuiltModel,
  signUpTenant,
  startTestApi,
  subscribeTo,
  type TestApi,
  type TestTenant,
  usedUnits,
} from "./harness";

const DETECT = `mutation($model: String!, $images: [ImageInput!]!) {
  detectFaces(model: $model, images: $images) { faces { score box { x y width height } landmarks { name x y } } }
}`;
type Detected = {
  detectFaces: {
    faces: {
      score: number;
      box: { x: number; y: number; width: number; height: number };
      landmarks: { name: string; x: number; y: number }[];
    }[];
  }[];
};

/** 256 × 128, black with a white square at x 96–160, y 32–96: the box and centre the answer must give. */
const TRUE_BOX = { x: 96, y: 32, width: 64, height: 64 };
async function picture(): Promise<string> {
  const rgb = Buffer.alloc(256 * 128 * 3);
  for (let y = 32; y < 96; y++) for (let x = 96; x < 160; x++) rgb.fill(255, (y * 256 + x) * 3, (y * 256 + x) * 3 + 3);
  return (
    await sharp(rgb, { raw: { width: 256, height: 128, channels: 3 } })
      .png()
      .toBuffer()
  ).toString("base64");
}

function publishDetector(tenant: TestTenant, preprocessing: object, input: Record<string, unknown> = {}) {
  return publishBuiltModel(tenant, "FACE_DETECTION", brightRegionDetector(), { preprocessing }, input);
}

let api: TestApi;
let publisher: TestTenant;
let png: string;

beforeAll(async () => {
  api = await startTestApi({}, { inference: true });
  publisher = await signUpTenant(api, "Face Finder");
  png = await picture();
});
afterAll(() => api?.close());

describe("detectFaces", () => {
  for (const resize of ["stretch", "letterbox"] as const) {
    it(`happy: the box and the landmark come back in the caller's pixels within 1 px of the truth (${resize}); one unit per image`, async () => {
      const published = await publishDetector(publisher, { resize, interpolation: "nearest", landmarks: ["centre"] });
      expect(published.body.errors).toBeUndefined();
      const { slug, plans } = published.body.data?.publishModel ?? { slug: "", plans: [] };
      const shop = await signUpTenant(api, "Photo Booth");
      await subscribeTo(shop, slug, plans[0]?.id);
      const key = await apiKeyClient(api, shop, ["inference"]);
      const { body } = await key.client.raw<Detected>(DETECT, { model: slug, images: [{ base64: png }] });
      expect(body.errors).toBeUndefined();
      const [face, ...others] = body.data?.detectFaces[0]?.faces ?? [];
      expect(others).toEqual([]);
      expect(face?.score).toBe(1);
      for (const k of ["x", "y", "width", "height"] as const) {
        expect(Math.abs((face?.box[k] ?? 0) - TRUE_BOX[k]), k).toBeLessThanOrEqual(1);
      }
      expect(face?.landmarks).toHaveLength(1);
      expect(face?.landmarks[0]?.name).toBe("centre");
      expect(Math.abs((face?.landmarks[0]?.x ?? 0) - 128)).toBeLessThanOrEqual(1);
      expect(Math.abs((face?.landmarks[0]?.y ?? 0) - 64)).toBeLessThanOrEqual(1);
      expect(await usedUnits(shop, slug)).toBe(1);
    });
  }

  it("error: rows that do not fit the declared landmarks are refused at publish, saying how many values a row needs", async () => {
    const { body } = await publishDetector(publisher, { landmarks: ["left_eye", "right_eye"] });
    expect(errorCode(body)).toBe("BAD_USER_INPUT");
    expect(body.errors?.[0]?.message).toMatch(/rows of 7 values; .* 2 declared landmarks make 9/);
  });

  it("happy: publish-time examples expect faces (by box); a wrong one is refused naming what the model found; a misfit form is refused", async () => {
    const landmarks = { landmarks: ["centre"] };
    const black = (
      await sharp({ create: { width: 64, height: 64, channels: 3, background: "#000" } })
        .png()
        .toBuffer()
    ).toString("base64");
    const good = await publishDetector(publisher, landmarks, {
      examples: [
        { image: png, expect: { faces: [{ box: TRUE_BOX, score: 1 }] } },
        { image: png, expect: { faces: [{}] } },
      ],
    });
    expect(good.body.errors).toBeUndefined();
    // The box somewhere else: IoU 0, refused with the face the model found and where.
    const elsewhere = await publishDetector(publisher, landmarks, {
      examples: [{ image: png, expect: { faces: [{ box: { x: 0, y: 0, width: 40, height: 40 } }] } }],
    });
    expect(errorCode(elsewhere.body)).toBe("BAD_USER_INPUT");
    expect(elsewhere.body.errors?.[0]?.message).toMatch(/face 1\.000 at \(9[5-7], 3[1-3], 6[3-5]×6[3-5]\)/);
    // Two faces expected where there is one; one where there is none.
    for (const [image, faces, answered] of [
      [png, [{}, {}], /face 1\.000/],
      [black, [{}], /no face/],
    ] as const) {
      const { body } = await publishDetector(publisher, landmarks, { examples: [{ image, expect: { faces } }] });
      expect(errorCode(body)).toBe("BAD_USER_INPUT");
      expect(body.errors?.[0]?.message).toMatch(answered);
    }
    const misfit = await publishDetector(publisher, landmarks, {
      examples: [{ image: png, expect: { label: "face" } }],
    });
    expect(errorCode(misfit.body)).toBe("BAD_USER_INPUT");
    expect(misfit.body.errors?.[0]?.message).toMatch(/expect\.faces/);
  });

  it("happy: an image without a bright region has no face (score 0 is below minScore)", async () => {
    const published = await publishDetector(publisher, { landmarks: ["centre"] });
    const slug = published.body.data?.publishModel.slug as string;
    const black = await sharp({ create: { width: 64, height: 64, channels: 3, background: "#000" } })
      .png()
      .toBuffer();
    const data = await publisher.client.request<Detected>(DETECT, {
      model: slug,
      images: [{ base64: black.toString("base64") }],
    });
    expect(data.detectFaces[0]?.faces).toEqual([]);
  });
});
