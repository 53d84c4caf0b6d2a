"use client";

/**
 * A select inside a GET form that applies the choice at once (submits its form), so a filter
 * does something when it is picked; without script it waits for the form's button.
 */
export function SubmitOnChangeSelect(props: React.SelectHTMLAttributes<HTMLSelectElement>) {
  return <select {...props} onChange={(e) => e.currentTarget.form?.requestSubmit()} />;
}
