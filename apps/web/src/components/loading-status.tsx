/**
 * The loading state of the dashboards (their data comes from several API calls). Not at the
 * root: a page under a loading boundary streams its 200 status before it can say "not found",
 * and a missing model must answer 404.
 */
export function LoadingStatus() {
  return (
    <p className="muted" role="status" aria-live="polite">
      Loading…
    </p>
  );
}
