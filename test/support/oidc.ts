/**
 * A real OpenID provider for the tests: oidc-provider (a certified implementation), started
 * in-process on loopback, with three people: a member, a chair, and someone with neither role.
 * Its login page is the tests' own (a button per person) instead of a password form; everything
 * after it (the authorization code, PKCE, the ID token's signature, userinfo, end session) is the
 * provider's own. By default, as with most providers' code flow, the roles claim is given by
 * userinfo only; `rolesInIdToken` puts it in the ID token too (as Microsoft Entra ID does).
 */
import { generateKeyPairSync } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import Provider from "oidc-provider";

const PEOPLE = {
  member: { sub: "m-1001", name: "Mina Member", roles: ["member"], groups: ["threshold-members"] },
  chair: { sub: "c-2002", name: "Chris Chair", roles: ["chair"], groups: ["threshold-chairs", "staff"] },
  norole: { sub: "n-3003", name: "Nadia Norole", roles: [], groups: ["staff"] },
} as const;
export type Who = keyof typeof PEOPLE;

export interface TestProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Registers the app's redirect URI; call once, before any sign-in. */
  useRedirect(uri: string): void;
  close(): Promise<void>;
}

export async function startProvider(options: { rolesInIdToken?: boolean } = {}): Promise<TestProvider> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clientId = "threshold";
  const clientSecret = "a-test-secret-of-enough-length-0123456789";
  const key = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ format: "jwk" });
  let provider: Provider | undefined;

  const interaction = async (req: IncomingMessage, res: ServerResponse) => {
    const p = provider!;
    const details = await p.interactionDetails(req, res);
    if (req.method === "GET") {
      const buttons = Object.entries(PEOPLE)
        .map(
          ([id, who]) =>
            `<button type="submit" name="user" value="${id}" id="as-${id}">Sign in as ${who.name}</button>`,
        )
        .join("");
      res.setHeader("Content-Type", "text/html; charset=utf-8");
      res.end(
        `<!doctype html><html lang="en"><title>Test provider</title><h1>Test provider</h1><form method="post" action="/interaction/${details.uid}">${buttons}</form></html>`,
      );
      return;
    }
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const user = new URLSearchParams(Buffer.concat(chunks).toString()).get("user") as Who;
    const who = PEOPLE[user];
    const grant = new p.Grant({ accountId: who.sub, clientId: String(details.params.client_id) });
    grant.addOIDCScope(String(details.params.scope));
    const grantId = await grant.save();
    await p.interactionFinished(
      req,
      res,
      { login: { accountId: who.sub }, consent: { grantId } },
      { mergeWithLastSubmission: false },
    );
  };

  return {
    issuer,
    clientId,
    clientSecret,
    useRedirect(uri) {
      provider = new Provider(issuer, {
        clients: [
          {
            client_id: clientId,
            client_secret: clientSecret,
            redirect_uris: [uri],
            response_types: ["code"],
            grant_types: ["authorization_code"],
            token_endpoint_auth_method: "client_secret_basic",
          },
        ],
        jwks: { keys: [{ ...key, alg: "RS256", use: "sig", kid: "test" }] },
        cookies: { keys: ["test-provider-cookie-key"] },
        claims: { openid: ["sub", "roles", "groups"], profile: ["name"] },
        conformIdTokenClaims: !options.rolesInIdToken,
        features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: true } },
        interactions: { url: (_ctx, i) => `/interaction/${i.uid}` },
        findAccount: (_ctx, sub) => {
          const who = Object.values(PEOPLE).find((p) => p.sub === sub);
          return who
            ? {
                accountId: sub,
                claims: () => ({ sub, name: who.name, roles: [...who.roles], groups: [...who.groups] }),
              }
            : undefined;
        },
      });
      const callback = provider.callback();
      server.on("request", (req, res) => {
        if (req.url?.startsWith("/interaction/")) {
          interaction(req, res).catch((e: unknown) => {
            res.statusCode = 500;
            res.end(String(e));
          });
          return;
        }
        callback(req, res);
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Cookies a client keeps per host, as a browser would. */
class Jar {
  private readonly cookies = new Map<string, Map<string, string>>();
  header(url: URL): string {
    return [...(this.cookies.get(url.host)?.entries() ?? [])].map(([k, v]) => `${k}=${v}`).join("; ");
  }
  keep(url: URL, res: Response): void {
    const jar = this.cookies.get(url.host) ?? new Map<string, string>();
    for (const c of res.headers.getSetCookie()) {
      const [pair, ...attrs] = c.split(";");
      const at = pair!.indexOf("=");
      const name = pair!.slice(0, at).trim();
      const value = pair!.slice(at + 1).trim();
      if (
        value === "" ||
        attrs.some((a) => /^\s*max-age=0\s*$/i.test(a) || /expires=Thu, 01 Jan 1970/i.test(a))
      )
        jar.delete(name);
      else jar.set(name, value);
    }
    this.cookies.set(url.host, jar);
  }
}

/**
 * Signs in over HTTP as a browser would, following every redirect from `start` (a page or
 * /auth/sign-in) through the provider and back; answers the app's session cookie header and where
 * the last redirect landed.
 */
export async function signInOverHttp(
  appBase: string,
  who: Who,
  start = "/auth/sign-in",
): Promise<{ cookie: string; landedOn: string; status: number; html: string }> {
  const jar = new Jar();
  let url = new URL(start, appBase);
  let method = "GET";
  let body: string | undefined;
  for (let hop = 0; hop < 12; hop++) {
    const res = await fetch(url, {
      method,
      redirect: "manual",
      headers: {
        accept: "text/html",
        cookie: jar.header(url),
        ...(body ? { "content-type": "application/x-www-form-urlencoded", origin: url.origin } : {}),
      },
      ...(body ? { body } : {}),
    });
    jar.keep(url, res);
    const location = res.headers.get("location");
    if (location) {
      url = new URL(location, url);
      method = "GET";
      body = undefined;
      await res.arrayBuffer();
      continue;
    }
    const html = await res.text();
    if (url.pathname.startsWith("/interaction/") && method === "GET") {
      // The provider's login page: press the person's button.
      method = "POST";
      body = `user=${who}`;
      continue;
    }
    const app = new URL(appBase);
    return { cookie: jar.header(app), landedOn: url.pathname + url.search, status: res.status, html };
  }
  throw new Error("sign-in did not finish within 12 redirects");
}
