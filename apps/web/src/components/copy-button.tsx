"use client";
import { useState } from "react";

/** Copies `text` to the clipboard and says so; the text stays selectable where the clipboard is blocked. */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div>
      <button
        type="button"
        className="small"
        onClick={async () => {
          await navigator.clipboard?.writeText(text).catch(() => {});
          setCopied(true);
        }}
      >
        {copied ? "Copied" : label}
      </button>
    </div>
  );
}
