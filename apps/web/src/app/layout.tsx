import "@fontsource-variable/inter";
import "./globals.css";
import type { Metadata, Viewport } from "next";
import Link from "next/link";
import { getServerSession } from "next-auth";
import { SignOutButton } from "@/components/sign-out-button";
import { authOptions } from "@/lib/auth-options";

export const metadata: Metadata = {
  title: { default: "Modelmarket", template: "%s · Modelmarket" },
  description: "Publish, sell and call machine-learning models.",
};

export const viewport: Viewport = { width: "device-width", initialScale: 1 };

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  const session = await getServerSession(authOptions);
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
            <ul>
              <li>
                <Link href="/">Catalog</Link>
              </li>
              {session ? (
                <>
                  <li>
                    <Link href="/usage">Usage</Link>
                  </li>
                  <li>
                    <Link href="/billing">Billing</Link>
                  </li>
                  <li>
                    <Link href="/keys">API keys</Link>
                  </li>
                  <li>
                    <Link href="/publishing">Your models</Link>
                  </li>
                  <li>
                    <Link href="/audit">Audit log</Link>
                  </li>
                  <li>
                    <Link href="/publish">Publish</Link>
                  </li>
                  <li className="nav-user">
                    <span title={session.user.email ?? undefined}>{session.user.name}</span> <SignOutButton />
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
