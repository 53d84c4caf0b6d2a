/** Semantic versions (MAJOR.MINOR.PATCH, optional -prerelease), as publishers number releases. */
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$/;

export function isSemver(version: string): boolean {
  return SEMVER.test(version);
}

/** Orders versions as semver does: numbers first, a pre-release below its release. */
export function compareSemver(a: string, b: string): number {
  const pa = SEMVER.exec(a);
  const pb = SEMVER.exec(b);
  if (!pa || !pb) return a.localeCompare(b);
  for (let i = 1; i <= 3; i++) {
    const d = Number(pa[i]) - Number(pb[i]);
    if (d) return d;
  }
  const [ra, rb] = [pa[4], pb[4]];
  if (ra === rb) return 0;
  if (!ra) return 1;
  if (!rb) return -1;
  const xa = ra.split(".");
  const xb = rb.split(".");
  for (let i = 0; i < Math.max(xa.length, xb.length); i++) {
    const [ea, eb] = [xa[i], xb[i]];
    if (ea === undefined) return -1;
    if (eb === undefined) return 1;
    const na = /^\d+$/.test(ea);
    const nb = /^\d+$/.test(eb);
    if (na && nb && Number(ea) !== Number(eb)) return Number(ea) - Number(eb);
    if (na !== nb) return na ? -1 : 1;
    if (ea !== eb) return ea < eb ? -1 : 1;
  }
  return 0;
}
