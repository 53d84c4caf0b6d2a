"use client";
import { SubscribeDocument } from "@modelmarket/sdk";
import { TASK_DESCRIPTORS } from "@modelmarket/tasks";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { DrawingPad } from "@/components/drawing-pad";
import { useFormAction } from "@/components/form-state";
import { count } from "@/lib/format";
import type { ModelPlan, MySubscription } from "./page";
import { type Answer, AnswerView } from "./playground-answers";
import { type PickedImage, PLAYGROUND_CALLS, type PlaygroundResult } from "./playground-calls";

/**
 * Real calls, metered like any other: a signed-in user without a subscription is put on the
 * model's free plan on the first try (and told so); its units pay for the playground.
 */
export function Playground({
  slug,
  kind,
  versions,
  examples = [],
  signedIn,
  subscription,
  freePlan,
  userIds,
  ownModel = false,
}: {
  slug: string;
  /** The task's playground kind, from the API's task registry (`tasks { playground }`). */
  kind: string;
  /** Versions that can be called (not yanked), newest first; the first is the latest. */
  versions: { version: string; deprecated: boolean }[];
  /** The latest version's publisher examples, offered as one-click tries. */
  examples?: { name?: string; text?: string; image?: string }[];
  signedIn: boolean;
  subscription: MySubscription | null;
  freePlan: ModelPlan | null;
  /** Recommenders: users the model knows (shown once the caller subscribes). */
  userIds: string[];
  /** The signed-in organisation publishes this model: it calls it without a subscription (own use). */
  ownModel?: boolean;
}) {
  const router = useRouter();
  // Whether this playground sends images: said by the task descriptors (packages/tasks).
  const takesImages = TASK_DESCRIPTORS.some((t) => t.playground === kind && t.input === "images");
  const [version, setVersion] = useState("");
  const [notices, setNotices] = useState<string[]>([]);
  // The form state of every portal form (form-state.tsx); a run's answer is kept apart.
  const action = useFormAction();
  const { busy } = action;
  const error = action.message?.text ?? null;
  const [answer, setAnswer] = useState<Answer | null>(null);
  const [requestId, setRequestId] = useState<string | null>(null);
  const [text, setText] = useState(
    kind === "text-similarity"
      ? "A cat sits on the mat."
      : kind === "text-generation"
        ? "Once upon a time"
        : "I love how easy this was!",
  );
  const [text2, setText2] = useState("A kitten is resting on a rug.");
  const [userId, setUserId] = useState(userIds[0] ?? "");
  const [image, setImage] = useState<PickedImage | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  // Face verification compares two photos: the second one's picker.
  const [image2, setImage2] = useState<PickedImage | null>(null);
  const fileInput2 = useRef<HTMLInputElement>(null);
  // Generation: its settings, and the Stop button's signal for the stream in flight.
  const [generation, setGeneration] = useState({ maxTokens: 48, temperature: 0.8, seed: null as number | null });
  const stopper = useRef<AbortController | null>(null);
  // The user list arrives with the subscription (after the first try).
  useEffect(() => {
    if (!userId && userIds[0]) setUserId(userIds[0]);
  }, [userId, userIds]);

  if (!signedIn) {
    return (
      <p className="card">
        <Link href={`/signin?callbackUrl=${encodeURIComponent(`/models/${slug}`)}`}>Sign in</Link> to try this model:
        playground calls are real calls
        {freePlan ? `, paid from the free plan's ${count(freePlan.includedUnits)} monthly units` : ""}.
      </p>
    );
  }
  if (!subscription && !freePlan && !ownModel) {
    return <p className="card">This model has no free plan: subscribe to a plan to try it.</p>;
  }

  async function ensureSubscription(): Promise<boolean> {
    if (subscription || !freePlan || ownModel) return true;
    const subscribed = await action.run(
      SubscribeDocument,
      { model: slug, planId: freePlan.id },
      { failed: "Could not subscribe to the free plan." },
    );
    return subscribed !== null;
  }

  /** What is missing before a call can be made: nothing is subscribed or billed for an empty Run. */
  function missingInput(preset?: { text?: string; image?: string }): string | null {
    if (preset?.text || preset?.image) return null;
    if ((kind === "text-labels" || kind === "text-generation") && !text.trim()) return "Type a text first.";
    if (kind === "text-similarity" && (!text.trim() || !text2.trim())) return "Type both texts first.";
    if (takesImages && !image && !fileInput.current?.files?.[0]) {
      return kind === "face-compare" ? "Choose both photos first." : "Choose an image first.";
    }
    if (kind === "face-compare" && !image2 && !fileInput2.current?.files?.[0]) return "Choose both photos first.";
    return null;
  }

  async function run(preset?: { text?: string; image?: string; likeItem?: string }) {
    const missing = missingInput(preset);
    if (missing) {
      action.fail(missing);
      return;
    }
    action.clear();
    setAnswer(null);
    if (!(await ensureSubscription())) return;
    if (kind === "user-items" && !userId.trim() && !preset?.likeItem) {
      // Subscribed now: the page reloads with the users this model knows.
      router.refresh();
      return;
    }
    if (preset?.text) setText(preset.text);
    const result = await action.busyWhile(async () => {
      const presetImage = preset?.image ? await fromBase64(preset.image) : null;
      return call(preset?.text, presetImage, preset?.likeItem);
    });
    if (result) {
      setRequestId(result.requestId ?? null);
      setNotices(result.notices ?? []);
      if (result.error) action.fail(result.error);
      else if (result.answer) setAnswer(result.answer);
    }
    // The plan panel and usage counters changed.
    router.refresh();
  }

  async function call(
    presetText?: string,
    presetImage?: PickedImage | null,
    likeItem?: string,
  ): Promise<PlaygroundResult | null> {
    const send = PLAYGROUND_CALLS[kind];
    if (!send) return { error: `The playground has no ${kind} view yet.` };
    // A file chosen before the page finished loading never reached onChange: read it now.
    const chosen = takesImages ? fileInput.current?.files?.[0] : undefined;
    const picked = presetImage ?? image ?? (chosen ? await pickImage(chosen) : null);
    const chosen2 = kind === "face-compare" ? fileInput2.current?.files?.[0] : undefined;
    const picked2 = image2 ?? (chosen2 ? await pickImage(chosen2, setImage2) : null);
    stopper.current = new AbortController();
    return send({
      model: slug,
      version: version || null,
      text: presetText ?? text,
      text2,
      userId: userId.trim(),
      likeItem,
      image: picked,
      image2: picked2,
      generation,
      onPartial: setAnswer,
      signal: stopper.current.signal,
    });
  }

  /** An example's base64 image as a picked file. */
  async function fromBase64(base64: string) {
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const type = bytes[0] === 0x89 ? "image/png" : "image/jpeg";
    return pickImage(new File([bytes], "example", { type }));
  }

  async function pickImage(file: File | undefined, keep: (picked: PickedImage) => void = setImage) {
    if (!file) return null;
    const url = URL.createObjectURL(file);
    const bytes = new Uint8Array(await file.arrayBuffer());
    let binary = "";
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    const dims = await new Promise<{ width: number; height: number }>((resolve) => {
      const img = new Image();
      img.onload = () => resolve({ width: img.naturalWidth, height: img.naturalHeight });
      img.onerror = () => resolve({ width: 0, height: 0 });
      img.src = url;
    });
    const picked = { base64: btoa(binary), url, ...dims };
    keep(picked);
    setAnswer(null);
    return picked;
  }

  return (
    <form
      className="card stack"
      aria-label="Playground"
      onSubmit={(e) => {
        e.preventDefault();
        void run();
      }}
    >
      {kind === "text-generation" ? (
        <>
          <label>
            Prompt
            <textarea rows={3} value={text} onChange={(e) => setText(e.target.value)} maxLength={10_000} required />
          </label>
          <fieldset className="inline-fields">
            <legend>Sampling</legend>
            <label>
              Max tokens
              <input
                type="number"
                min={1}
                max={4096}
                value={generation.maxTokens}
                onChange={(e) => setGeneration({ ...generation, maxTokens: Number(e.target.value) || 1 })}
              />
            </label>
            <label>
              Temperature (0 = greedy)
              <input
                type="number"
                min={0}
                max={2}
                step={0.1}
                value={generation.temperature}
                onChange={(e) => setGeneration({ ...generation, temperature: Number(e.target.value) })}
              />
            </label>
            <label>
              Seed (same seed, same text)
              <input
                type="number"
                min={0}
                value={generation.seed ?? ""}
                onChange={(e) =>
                  setGeneration({ ...generation, seed: e.target.value === "" ? null : Number(e.target.value) })
                }
              />
            </label>
          </fieldset>
        </>
      ) : null}
      {kind === "text-labels" ? (
        <label>
          Text to classify
          <textarea rows={3} value={text} onChange={(e) => setText(e.target.value)} maxLength={10_000} required />
        </label>
      ) : null}
      {kind === "text-similarity" ? (
        <>
          <label>
            First sentence
            <input value={text} onChange={(e) => setText(e.target.value)} required />
          </label>
          <label>
            Second sentence
            <input value={text2} onChange={(e) => setText2(e.target.value)} required />
          </label>
        </>
      ) : null}
      {kind === "image-labels" ? (
        <fieldset className="stack" style={{ border: "none", padding: 0, margin: 0 }}>
          <legend style={{ fontWeight: 500 }}>Draw</legend>
          <DrawingPad onDrawing={(file) => (file ? void pickImage(file) : setImage(null))} />
        </fieldset>
      ) : null}
      {takesImages ? (
        <label>
          {kind === "image-labels"
            ? "Or upload an image (PNG or JPEG)"
            : kind === "face-compare"
              ? "First face (PNG or JPEG)"
              : "Image (PNG or JPEG)"}
          <input
            ref={fileInput}
            type="file"
            accept="image/png,image/jpeg"
            onChange={(e) => void pickImage(e.target.files?.[0])}
          />
        </label>
      ) : null}
      {kind === "face-compare" ? (
        <label>
          Second face (PNG or JPEG)
          <input
            ref={fileInput2}
            type="file"
            accept="image/png,image/jpeg"
            onChange={(e) => void pickImage(e.target.files?.[0], setImage2)}
          />
        </label>
      ) : null}
      {image && !answer ? (
        // biome-ignore lint/performance/noImgElement: a local blob URL, nothing for next/image to optimise
        <img
          src={image.url}
          alt={`Your image, ${image.width}×${image.height} pixels`}
          style={{ maxWidth: "100%", maxHeight: 240, objectFit: "contain" }}
        />
      ) : null}
      {kind === "user-items" && userIds.length ? (
        <label>
          User
          <select value={userId} onChange={(e) => setUserId(e.target.value)}>
            {userIds.map((id) => (
              <option key={id} value={id}>
                {id}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      {kind === "user-items" && !userIds.length ? (
        <label>
          User id
          <input
            value={userId}
            onChange={(e) => setUserId(e.target.value)}
            placeholder="leave empty to list the users this model knows"
          />
        </label>
      ) : null}
      {examples.length ? (
        <section className="stack" aria-label="Examples">
          <span className="muted">The publisher's examples:</span>
          <div style={{ display: "flex", gap: "0.5rem", flexWrap: "wrap" }}>
            {examples.map((x, i) => (
              <button
                // biome-ignore lint/suspicious/noArrayIndexKey: examples are a fixed list of the version
                key={i}
                type="button"
                className="secondary small"
                disabled={busy}
                onClick={() => void run({ text: x.text, image: x.image })}
              >
                Try {x.name ?? (x.text ? `“${x.text.slice(0, 30)}”` : `example ${i + 1}`)}
              </button>
            ))}
          </div>
        </section>
      ) : null}
      {versions.length > 1 ? (
        <label>
          Version
          <select value={version} onChange={(e) => setVersion(e.target.value)}>
            <option value="">latest ({versions[0]?.version})</option>
            {versions.map((v) => (
              <option key={v.version} value={v.version}>
                {v.version}
                {v.deprecated ? " (deprecated)" : ""}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      <p className="muted" style={{ margin: 0 }}>
        {subscription
          ? `Each input is one unit of your ${subscription.plan.name} plan (${count(subscription.usedUnits)} of ${count(subscription.plan.includedUnits)} used this period).`
          : ownModel
            ? "Your organisation publishes this model: your calls are own use, neither metered nor billed (up to 60 a minute)."
            : `Your first try subscribes you to the free plan (${count(freePlan?.includedUnits ?? 0)} units a month).`}
      </p>
      <button type="submit" disabled={busy}>
        {busy ? "Running…" : "Run"}
      </button>
      {busy && kind === "text-generation" ? (
        <button type="button" className="secondary" onClick={() => stopper.current?.abort()}>
          Stop
        </button>
      ) : null}
      <div aria-live="polite">
        {error ? <p className="error-box">{error}</p> : null}
        {notices.map((n) => (
          <p key={n} className="warn-box">
            {n}
          </p>
        ))}
        {answer ? (
          <AnswerView
            output={answer}
            onMoreLike={kind === "user-items" && !busy ? (itemId) => void run({ likeItem: itemId }) : undefined}
          />
        ) : null}
        {requestId && (answer || error) ? (
          <p className="muted">
            Request id <code>{requestId}</code>
          </p>
        ) : null}
      </div>
    </form>
  );
}
