import type { GqlError } from "@/lib/api";

/**
 * A page's data could not be loaded. FORBIDDEN (the member's role lacks the scope) gets its
 * own explanation: who can help, and that other pages still work.
 */
export function LoadError({ what, errors }: { what: string; errors?: GqlError[] }) {
  const first = errors?.[0];
  if (first?.extensions?.code === "FORBIDDEN") {
    return (
      <section className="error-box" role="status">
        <h1>Not available to your role</h1>
        <p>
          Your role in this organisation cannot see {what}. {first.message} Ask an owner or admin of the organisation
          (see Team) if you need it.
        </p>
      </section>
    );
  }
  return (
    <p className="error-box" role="status">
      Could not load {what}: {first?.message ?? "unknown error"}
    </p>
  );
}
