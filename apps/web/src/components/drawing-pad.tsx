"use client";
import { useEffect, useRef, useState } from "react";

/**
 * A square canvas to draw on with a mouse, a pen or a finger (pointer events), for image
 * models that read handwriting. Models of the shipped convention read white strokes on black,
 * which is the default; the ink can be switched for models trained the other way round.
 * Every finished stroke hands a PNG of the canvas to the playground like an uploaded file, so
 * Run uses what is on screen; Clear takes it back (null).
 */
export function DrawingPad({ onDrawing, size = 280 }: { onDrawing: (file: File | null) => void; size?: number }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const drawing = useRef(false);
  const [inverted, setInverted] = useState(false);
  const [empty, setEmpty] = useState(true);
  const ink = inverted ? "#000000" : "#ffffff";
  const paper = inverted ? "#ffffff" : "#000000";

  // biome-ignore lint/correctness/useExhaustiveDependencies: repaint the paper whenever the ink is switched
  useEffect(() => clear(), [inverted]);

  function context() {
    const c = canvas.current?.getContext("2d");
    if (c) {
      c.lineCap = "round";
      c.lineJoin = "round";
      c.lineWidth = Math.max(8, Math.round(size / 18));
      c.strokeStyle = ink;
    }
    return c;
  }

  function clear() {
    const c = canvas.current?.getContext("2d");
    if (!c) return;
    c.fillStyle = paper;
    c.fillRect(0, 0, size, size);
    setEmpty(true);
    onDrawing(null);
  }

  function handOver() {
    canvas.current?.toBlob((blob) => {
      if (blob) onDrawing(new File([blob], "drawing.png", { type: "image/png" }));
    }, "image/png");
  }

  function point(event: React.PointerEvent<HTMLCanvasElement>) {
    const box = event.currentTarget.getBoundingClientRect();
    return {
      x: ((event.clientX - box.left) / box.width) * size,
      y: ((event.clientY - box.top) / box.height) * size,
    };
  }

  return (
    <div className="stack drawing-pad">
      <canvas
        ref={canvas}
        width={size}
        height={size}
        role="img"
        aria-label={`Drawing area: draw with ${inverted ? "black on white" : "white on black"}`}
        style={{ touchAction: "none", width: size, maxWidth: "100%", aspectRatio: "1", borderRadius: 8 }}
        onPointerDown={(e) => {
          const c = context();
          if (!c) return;
          e.currentTarget.setPointerCapture(e.pointerId);
          drawing.current = true;
          const { x, y } = point(e);
          c.beginPath();
          c.moveTo(x, y);
          c.lineTo(x + 0.1, y + 0.1);
          c.stroke();
          setEmpty(false);
        }}
        onPointerMove={(e) => {
          if (!drawing.current) return;
          const c = context();
          const { x, y } = point(e);
          c?.lineTo(x, y);
          c?.stroke();
        }}
        onPointerUp={() => {
          if (drawing.current) handOver();
          drawing.current = false;
        }}
        onPointerLeave={() => {
          if (drawing.current) handOver();
          drawing.current = false;
        }}
      />
      <div className="row">
        <button type="button" className="secondary small" onClick={clear}>
          Clear
        </button>
        <label className="checkbox">
          <input type="checkbox" checked={inverted} onChange={(e) => setInverted(e.target.checked)} />
          <span>Black ink on white (for models trained that way)</span>
        </label>
        <span className="muted">{empty ? "Draw a symbol: Run uses the drawing." : "Run uses this drawing."}</span>
      </div>
    </div>
  );
}
