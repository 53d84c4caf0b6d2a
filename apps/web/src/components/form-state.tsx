"use client";
// The one form state of the portal: busy while an operation runs, its outcome as one status
// line (success or error, role="status" so that screen readers hear it), and BAD_USER_INPUT
// errors split per input field. Forms call `run` with an SDK document and render <FormStatus>
// and <FieldError>; they do not keep their own busy/error state.
import { useState } from "react";
import { type ClientGqlResult, clientGql, type Document, fieldErrors } from "@/lib/client-gql";

export interface FormMessage {
  ok: boolean;
  text: string;
}

export interface RunOptions<T> {
  /** The message when the API gives none. */
  failed: string;
  /** The success line to show, if any. */
  done?: string | ((data: T) => string);
  /**
   * The fields the form shows refusals next to (<FieldError>): a refusal naming only those goes
   * there instead of the status line; any other refusal is the status line.
   */
  byField?: string[];
  /** The status line when a refusal names fields (a long form: "see below"), instead of the API's message. */
  fieldsSummary?: string;
}

export interface FormAction {
  busy: boolean;
  message: FormMessage | null;
  /** Field → message from the last refusal (input fields, "input." left out). */
  fields: Record<string, string>;
  /**
   * Sends one operation. Resolves to its data, or null when refused (the message or the field
   * errors are then set).
   */
  run<T, V>(document: Document<T, V>, variables: V, options: RunOptions<T>): Promise<T | null>;
  /** Wraps work that is not one operation (an upload, next-auth's signIn) in the busy state. */
  busyWhile<T>(work: () => Promise<T>): Promise<T>;
  fail(text: string): void;
  succeed(text: string): void;
  clear(): void;
}

export function useFormAction(): FormAction {
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<FormMessage | null>(null);
  const [fields, setFields] = useState<Record<string, string>>({});

  async function busyWhile<T>(work: () => Promise<T>): Promise<T> {
    setBusy(true);
    try {
      return await work();
    } finally {
      setBusy(false);
    }
  }

  async function run<T, V>(document: Document<T, V>, variables: V, options: RunOptions<T>): Promise<T | null> {
    setMessage(null);
    setFields({});
    const result: ClientGqlResult<T> = await busyWhile(() => clientGql(document, variables));
    if (result.errors?.length || !result.data) {
      const byField = fieldErrors(result.errors);
      const shown = Object.keys(byField).filter((name) => options.byField?.includes(name));
      setFields(byField);
      if (options.fieldsSummary && Object.keys(byField).length) {
        setMessage({ ok: false, text: options.fieldsSummary });
      } else if (!shown.length || shown.length < Object.keys(byField).length) {
        setMessage({ ok: false, text: result.errors?.[0]?.message ?? options.failed });
      }
      return null;
    }
    const data = result.data;
    if (options.done)
      setMessage({ ok: true, text: typeof options.done === "string" ? options.done : options.done(data) });
    return data;
  }

  return {
    busy,
    message,
    fields,
    run,
    busyWhile,
    fail: (text) => setMessage({ ok: false, text }),
    succeed: (text) => setMessage({ ok: true, text }),
    clear: () => {
      setMessage(null);
      setFields({});
    },
  };
}

/** The form's outcome line (nothing before the first outcome). */
export function FormStatus({
  message,
  className,
  id,
}: {
  message: FormMessage | null;
  className?: string;
  /** For an input's aria-describedby. */
  id?: string;
}) {
  if (!message) return null;
  return (
    <p id={id} className={className ?? (message.ok ? "ok-box" : "error-box")} role="status">
      {message.text}
    </p>
  );
}

/** One input's refusal, referenced by the input's aria-describedby (`<name>-error`). */
export function FieldError({ name, fields }: { name: string; fields: Record<string, string> }) {
  return fields[name] ? (
    <span id={`${name}-error`} className="field-error">
      {fields[name]}
    </span>
  ) : null;
}
