import Link from "next/link";

export default function NotFound() {
  return (
    <section className="card">
      <h1>Not found</h1>
      <p>There is no such page or model, or it is private to its publisher.</p>
      <p>
        <Link href="/">Back to the catalog</Link>
      </p>
    </section>
  );
}
