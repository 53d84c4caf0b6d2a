import { redirect } from "next/navigation";

/** `/models` is where people look for the catalog: it is the home page (search included). */
export default async function ModelsIndex({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(await searchParams)) {
    for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) query.append(key, v);
  }
  const rest = query.toString();
  redirect(rest ? `/?${rest}` : "/");
}
