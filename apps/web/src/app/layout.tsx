import "@fontsource-variable/inter";
import "./globals.css";
import { MeDocument } from "@modelmarket/sdk";
import type { Metadata, Viewport } from "next";
import Link from "next/link";
import { getServerSession } from "next-auth";
import { OrganisationSwitcher } from "@/components/organisation-switcher";
import { SignOutButton } from "@/components/sign-out-button";
import { apiToken, gql } from "@/lib/api";
import { authOptions } from "@/lib/auth-options";

/** The header's links, each shown only to roles whose scopes can use the page. */
const LINKS: { href: string; label: string; scope: string }[] = [
  { href: "/usage", label: "Usage", scope: "billing:read" },
  { href: "/billing", label: "Billing", scope: "billing:read" },
  { href: "/keys", label: "API keys", scope: "keys:write" },
  { href: "/publishing", label: "Your models", scope: "models:write" },
  { href: "/team", label: "Team", scope: "members:read" },
  { href: "/audit", label: "Audit log", scope: "audit:read" },
  { href: "/publish", label: "Publish", scope: "models:write" },
];

export const metadata: Metadata = {
  title: { default: "Modelmarket", template: "%s · Modelmarket" },
  description: "Publish, sell and call machine-learning models.",
};

export const viewport: Viewport = { width: "device-width", initialScale: 1 };

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  const session = await getServerSession(authOptions);
  // Not gqlAsUser: an expired session must still render the sign-in page (no redirect loop).
  const me = session ? (await gql(MeDocument, {}, await apiToken())).data?.me : null;
  const can = (scope: string) => me?.scopes.includes(scope) ?? false;
  return (
    <html lang="en">
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <header className="site-header">
          <nav aria-label="Main" className="nav">
            <Link href="/" className="brand">
              Modelmarket
            </Link>
            {/* Phones: the links fold into a menu (a checkbox toggles it; no script needed). */}
            <input type="checkbox" id="nav-toggle" className="nav-toggle" aria-label="Navigation menu" />
            <label htmlFor="nav-toggle" className="nav-toggle-label button secondary small">
              Menu
            </label>
            <ul className="nav-links">
              <li>
                <Link href="/">Catalog</Link>
              </li>
              {session ? (
                <>
                  {LINKS.filter((link) => can(link.scope)).map((link) => (
                    <li key={link.href}>
                      <Link href={link.href}>{link.label}</Link>
                    </li>
                  ))}
                  <li className="nav-user" title={`Signed in as ${session.user.email ?? ""}`}>
                    <span className="nav-email" data-testid="signed-in-as">
                      {session.user.email}
                    </span>
                    {me ? (
                      <OrganisationSwitcher
                        session={session}
                        active={me.tenant.slug}
                        choices={me.memberships.map((m) => ({
                          slug: m.tenant.slug,
                          name: m.tenant.name,
                          role: m.role,
                        }))}
                      />
                    ) : (
                      <span>{session.user.name}</span>
                    )}{" "}
                    <SignOutButton />
                  </li>
                </>
              ) : (
                <>
                  <li>
                    <Link href="/signin">Sign in</Link>
                  </li>
                  <li>
                    <Link href="/signup" className="button small">
                      Sign up
                    </Link>
                  </li>
                </>
              )}
            </ul>
          </nav>
        </header>
        <main id="main">{children}</main>
      </body>
    </html>
  );
}
