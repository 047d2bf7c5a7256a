/**
 * Sign-in with the board's OpenID Connect provider, through openid-client (a certified, well-kept
 * client; nothing home-made): the authorization code flow with PKCE (S256), with state and nonce
 * as well, and the client authenticated to the token endpoint with its secret (HTTP Basic, which
 * every provider supports). The provider's metadata is discovered from OIDC_ISSUER on first use, and
 * again after a failure, so a provider that is down at start-up does not stop the service.
 */
import * as client from "openid-client";
import type { OidcConfig } from "../config.js";
import { claimAt, rolesFrom } from "./roles.js";
import type { Person, SignInFlow } from "./sessions.js";

export class SignInFailed extends Error {}

/** A display name: the name, else the username, else the email address the provider gives. */
function nameOf(claims: Record<string, unknown>): string | undefined {
  return [claims.name, claims.preferred_username, claims.email].find(
    (v): v is string => typeof v === "string" && v.trim() !== "",
  );
}

export class OidcSignIn {
  private discovered: Promise<client.Configuration> | undefined;

  constructor(
    private readonly config: OidcConfig,
    /** PUBLIC_URL/auth/callback, registered with the provider. */
    readonly redirectUri: URL,
  ) {}

  private configuration(): Promise<client.Configuration> {
    this.discovered ??= client
      .discovery(
        this.config.issuer,
        this.config.clientId,
        undefined,
        client.ClientSecretBasic(this.config.clientSecret),
        // Plain HTTP only to a provider on this machine (config.ts refuses any other).
        this.config.issuer.protocol === "http:" ? { execute: [client.allowInsecureRequests] } : {},
      )
      .catch((e: unknown) => {
        this.discovered = undefined;
        throw new SignInFailed(
          `the identity provider at ${this.config.issuer.href} could not be reached: ${String(e)}`,
        );
      });
    return this.discovered;
  }

  /** Where to send the browser, and what to keep until it comes back. */
  async start(): Promise<{ url: URL; flow: Omit<SignInFlow, "returnTo"> }> {
    const config = await this.configuration();
    const codeVerifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: this.redirectUri.href,
      scope: this.config.scopes,
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: "S256",
      state,
      nonce,
    });
    return { url, flow: { codeVerifier, state, nonce } };
  }

  /**
   * The provider's answer at the callback: the code exchanged (PKCE, state and nonce checked by
   * openid-client, and the ID token's signature, issuer, audience and times), and the person it
   * names, with the roles read from the ID token or, when it does not carry the claim, userinfo.
   */
  async finish(callbackUrl: URL, flow: SignInFlow): Promise<Person> {
    const config = await this.configuration();
    let tokens;
    try {
      tokens = await client.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: flow.codeVerifier,
        expectedState: flow.state,
        expectedNonce: flow.nonce,
        idTokenExpected: true,
      });
    } catch (e) {
      throw new SignInFailed(
        `the identity provider's answer was refused: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
    const idToken = tokens.claims()!;
    const reading = {
      claim: this.config.rolesClaim,
      ...(this.config.roleMap ? { map: this.config.roleMap } : {}),
    };
    let roles = claimAt(idToken, reading.claim) !== undefined ? rolesFrom(idToken, reading) : undefined;
    let name = nameOf(idToken);
    if ((roles === undefined || name === undefined) && config.serverMetadata().userinfo_endpoint) {
      // fetchUserInfo checks that userinfo speaks of the ID token's subject.
      let userinfo;
      try {
        userinfo = await client.fetchUserInfo(config, tokens.access_token, idToken.sub);
      } catch (e) {
        throw new SignInFailed(`userinfo was refused: ${e instanceof Error ? e.message : String(e)}`);
      }
      roles ??= rolesFrom(userinfo, reading);
      name ??= nameOf(userinfo);
    }
    return { subject: idToken.sub, name: (name ?? idToken.sub).slice(0, 200), roles: roles ?? [] };
  }

  /** The provider's end-session address, to offer after signing out here, if it has one. */
  async endSessionUrl(): Promise<URL | null> {
    try {
      const config = await this.configuration();
      if (!config.serverMetadata().end_session_endpoint) return null;
      return client.buildEndSessionUrl(config, { client_id: this.config.clientId });
    } catch {
      return null;
    }
  }
}
