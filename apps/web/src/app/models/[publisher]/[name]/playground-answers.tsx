"use client";
// What a playground call answers, one view per kind of answer (labels, similarity, vector, items, boxes, mask).
import { useEffect, useRef } from "react";
import { microsMoney } from "@/lib/format";

export type Answer =
  | { kind: "labels"; scores: { label: string; score: number }[] }
  | { kind: "similarity"; cosine: number }
  | {
      kind: "boxes";
      image: string;
      width: number;
      height: number;
      objects: DetectedObject[];
      /** Faces: named landmarks (eyes, nose…) in the image's pixels. */
      points?: { name: string; x: number; y: number }[];
    }
  /** A user's items, or (`likeItem`) the items most like one item. */
  | { kind: "items"; items: { itemId: string; score: number }[]; likeItem?: string }
  | { kind: "vector"; values: number[] }
  | { kind: "match"; images: [string, string]; cosine: number; threshold: number; sameFace: boolean }
  | {
      kind: "mask";
      image: string;
      width: number;
      height: number;
      /** 8-bit grayscale PNG (base64), the image's size: class index per pixel. */
      maskPng: string;
      classes: {
        label: string;
        classIndex: number;
        pixelShare: number;
        /** Outlines in the image's pixels (flat x, y pairs), when the call asked for them. */
        polygons?: { exterior: number[]; holes: number[][] }[] | null;
      }[];
    }
  | {
      kind: "text";
      text: string;
      finishReason: string;
      promptTokens: number;
      completionTokens: number;
      /** The call's receipt, when the caller may read it (billing:read). */
      cost?: { amountMicros: number; currency: string } | null;
    };
export interface DetectedObject {
  label: string;
  score: number;
  box: { x: number; y: number; width: number; height: number };
}

/**
 * The answer of one call, as its kind shows it. `onMoreLike`: items get a "More like this"
 * button that asks for the items like that one.
 */
export function AnswerView({ output, onMoreLike }: { output: Answer; onMoreLike?: (itemId: string) => void }) {
  if (output.kind === "labels") {
    return (
      <section aria-label="Scores">
        {output.scores.map((s) => (
          <div key={s.label} className="bar">
            <span>{s.label}</span>
            <span className="bar-track" role="img" aria-label={`${s.label} ${(s.score * 100).toFixed(1)}%`}>
              <span className="bar-fill" style={{ width: `${(s.score * 100).toFixed(1)}%`, display: "block" }} />
            </span>
            <span>{(s.score * 100).toFixed(1)}%</span>
          </div>
        ))}
      </section>
    );
  }
  if (output.kind === "mask") return <MaskView output={output} />;
  if (output.kind === "match") {
    return (
      <section aria-label="Face comparison">
        <div style={{ display: "flex", gap: "0.5rem", flexWrap: "wrap" }}>
          {output.images.map((url, i) => (
            // biome-ignore lint/performance/noImgElement: local blob URLs, nothing for next/image to optimise
            <img key={url} src={url} alt={`Face ${i + 1}`} style={{ width: 120, height: 120, objectFit: "cover" }} />
          ))}
        </div>
        <p role="status">
          <strong>{output.sameFace ? "Same person" : "Different people"}</strong>: cosine {output.cosine.toFixed(3)}{" "}
          {output.sameFace ? "≥" : "<"} the model's threshold {output.threshold}.
        </p>
        <p className="muted">Neither photo is stored: they exist for this call only.</p>
      </section>
    );
  }
  if (output.kind === "similarity") {
    return (
      <p>
        Cosine similarity: <strong>{output.cosine.toFixed(3)}</strong>{" "}
        <span className="muted">(1 = same meaning, around 0 = unrelated)</span>
      </p>
    );
  }
  if (output.kind === "vector") {
    const norm = Math.sqrt(output.values.reduce((a, v) => a + v * v, 0));
    return (
      <p>
        A vector of <strong>{output.values.length}</strong> dimensions (norm {norm.toFixed(3)}):{" "}
        <code>
          [
          {output.values
            .slice(0, 8)
            .map((v) => v.toFixed(4))
            .join(", ")}
          {output.values.length > 8 ? ", …" : ""}]
        </code>
      </p>
    );
  }
  if (output.kind === "text") {
    return (
      <section aria-label="Generated text" className="stack" style={{ gap: "0.4rem" }}>
        <p style={{ whiteSpace: "pre-wrap" }}>{output.text}</p>
        <p className="muted" role="status">
          {output.finishReason === "cancelled"
            ? "Stopped: billed for the prompt and the tokens generated until then (your Usage page has the figures)."
            : output.finishReason
              ? `${output.promptTokens} prompt + ${output.completionTokens} generated tokens billed${
                  output.cost ? ` (${microsMoney(output.cost.amountMicros, output.cost.currency)})` : ""
                }; ended by ${output.finishReason}.`
              : "Generating…"}
        </p>
      </section>
    );
  }
  if (output.kind === "items") {
    return (
      <section aria-label={output.likeItem ? "Similar items" : "Recommended items"}>
        <p style={{ margin: 0 }}>
          {output.likeItem ? (
            <>
              People who like <strong>{output.likeItem}</strong> also like:
            </>
          ) : (
            "Recommended:"
          )}
        </p>
        {output.items.length ? null : <p className="muted">No item left to show.</p>}
        <ol>
          {output.items.map((i) => (
            <li key={i.itemId}>
              {i.itemId}{" "}
              <span className="muted">
                ({output.likeItem ? "cosine " : ""}
                {i.score.toFixed(3)})
              </span>{" "}
              {onMoreLike ? (
                <button
                  type="button"
                  className="secondary small"
                  aria-label={`More like ${i.itemId}`}
                  onClick={() => onMoreLike(i.itemId)}
                >
                  More like this
                </button>
              ) : null}
            </li>
          ))}
        </ol>
      </section>
    );
  }
  return (
    <div>
      <p>
        {output.objects.length
          ? `${output.objects.length} ${output.points ? "face" : "object"}(s) found.`
          : `No ${output.points ? "face" : "object"} found above the threshold.`}
      </p>
      <div className="image-stage">
        {/* biome-ignore lint/performance/noImgElement: a local blob URL, nothing for next/image to optimise */}
        <img src={output.image} alt="Your upload with the detected objects outlined" />
        {output.objects.map((o, i) => (
          <div
            // biome-ignore lint/suspicious/noArrayIndexKey: boxes have no identity beyond their order
            key={i}
            className="box"
            style={{
              left: `${(o.box.x / output.width) * 100}%`,
              top: `${(o.box.y / output.height) * 100}%`,
              width: `${(o.box.width / output.width) * 100}%`,
              height: `${(o.box.height / output.height) * 100}%`,
            }}
          >
            <span>
              {o.label} {(o.score * 100).toFixed(0)}%
            </span>
          </div>
        ))}
        {(output.points ?? []).map((p, i) => (
          <span
            // biome-ignore lint/suspicious/noArrayIndexKey: landmarks have no identity beyond their order
            key={i}
            className="landmark"
            role="img"
            aria-label={`${p.name} at ${Math.round(p.x)}, ${Math.round(p.y)}`}
            title={p.name}
            style={{ left: `${(p.x / output.width) * 100}%`, top: `${(p.y / output.height) * 100}%` }}
          />
        ))}
      </div>
    </div>
  );
}

export function cosine(a: number[], b: number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += (a[i] ?? 0) * (b[i] ?? 0);
    na += (a[i] ?? 0) ** 2;
    nb += (b[i] ?? 0) ** 2;
  }
  return na && nb ? dot / Math.sqrt(na * nb) : 0;
}

/** A colour per class index, far apart for neighbouring ids (golden-angle hues); class 0 is clear. */
export function classColour(index: number): [number, number, number] {
  const hue = (index * 137.508) % 360;
  const f = (n: number) => {
    const k = (n + hue / 30) % 12;
    return Math.round(255 * (0.5 - 0.45 * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return [f(0), f(8), f(4)];
}

/** An SVG path for a closed ring given as flat x, y pairs. */
function ringPath(ring: number[]): string {
  const points: string[] = [];
  for (let i = 0; i + 1 < ring.length; i += 2) points.push(`${ring[i]} ${ring[i + 1]}`);
  return points.length ? `M${points.join("L")}Z` : "";
}

/**
 * The image with its mask laid over it (class 0, usually the background, left clear), each
 * class's regions outlined when the answer has polygons, and a legend.
 */
function MaskView({ output }: { output: Extract<Answer, { kind: "mask" }> }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const target = canvas.current;
    if (!target) return;
    const mask = new Image();
    mask.onload = () => {
      const context = target.getContext("2d");
      if (!context) return;
      target.width = output.width;
      target.height = output.height;
      context.drawImage(mask, 0, 0);
      const pixels = context.getImageData(0, 0, output.width, output.height);
      const d = pixels.data;
      for (let i = 0; i < d.length; i += 4) {
        const cls = d[i] as number;
        const [r, g, b] = classColour(cls);
        d[i] = r;
        d[i + 1] = g;
        d[i + 2] = b;
        d[i + 3] = cls === 0 ? 0 : 140;
      }
      context.putImageData(pixels, 0, 0);
    };
    mask.src = `data:image/png;base64,${output.maskPng}`;
  }, [output]);
  // Class 0 is left clear in the overlay, so its outline (the others' edges again) is left out too.
  const outlined = output.classes.filter((c) => c.classIndex !== 0 && c.polygons?.length);
  return (
    <section aria-label="Segmentation">
      <p style={{ margin: 0 }}>
        {output.classes.length} class{output.classes.length === 1 ? "" : "es"} in {output.width}×{output.height} pixels.
      </p>
      <div className="image-stage">
        {/* biome-ignore lint/performance/noImgElement: a local blob URL, nothing for next/image to optimise */}
        <img src={output.image} alt="Your upload with its segmentation mask laid over it" />
        <canvas
          ref={canvas}
          role="img"
          aria-label="Segmentation mask"
          style={{ position: "absolute", inset: 0, width: "100%", height: "100%" }}
        />
        {outlined.length ? (
          <svg
            role="img"
            aria-label="Region outlines"
            viewBox={`0 0 ${output.width} ${output.height}`}
            preserveAspectRatio="none"
            style={{ position: "absolute", inset: 0, width: "100%", height: "100%", pointerEvents: "none" }}
          >
            {outlined.map((c) => {
              const [r, g, b] = classColour(c.classIndex);
              return (c.polygons ?? []).map((p, i) => (
                <path
                  // biome-ignore lint/suspicious/noArrayIndexKey: regions have no identity beyond their order
                  key={`${c.classIndex}-${i}`}
                  data-label={c.label}
                  d={[p.exterior, ...p.holes].map(ringPath).join("")}
                  fill="none"
                  fillRule="evenodd"
                  stroke={`rgb(${r} ${g} ${b})`}
                  strokeWidth={2}
                  vectorEffect="non-scaling-stroke"
                >
                  <title>{c.label}</title>
                </path>
              ));
            })}
          </svg>
        ) : null}
      </div>
      <ul aria-label="Legend" className="legend" style={{ listStyle: "none", padding: 0 }}>
        {output.classes.map((c) => {
          const [r, g, b] = classColour(c.classIndex);
          return (
            <li key={c.classIndex}>
              <span
                aria-hidden
                style={{
                  display: "inline-block",
                  width: "0.9em",
                  height: "0.9em",
                  marginRight: "0.4em",
                  background: c.classIndex === 0 ? "transparent" : `rgb(${r} ${g} ${b})`,
                  border: "1px solid currentColor",
                }}
              />
              {c.label} <span className="muted">{(c.pixelShare * 100).toFixed(1)}%</span>
              {c.classIndex !== 0 && c.polygons ? (
                <span className="muted">
                  {" "}
                  · {c.polygons.length} region{c.polygons.length === 1 ? "" : "s"}
                </span>
              ) : null}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
