-- Sign-in: server-side sessions and sign-ins in progress, in the records database so that several
-- instances share them. Neither table holds a cookie's value: only the SHA-256 of the random id
-- the cookie carries, so reading this table does not let anyone act as a signed-in person.
-- Unlike the records, these rows are updated (last use) and deleted (sign-out, expiry).

CREATE TABLE sessions (
  id_hash      text PRIMARY KEY,
  -- Who signed in, as the provider's token said: its subject and display name, and the roles read
  -- from it. Kept only to say who did what; nothing else about the person is stored.
  subject      text NOT NULL,
  name         text NOT NULL,
  roles        text NOT NULL,
  -- The synchronizer token every form of this session carries (CSRF).
  csrf_token   text NOT NULL,
  created_at   timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  -- The absolute end: the session ends then however recently it was used.
  expires_at   timestamptz NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expires_at);

-- Between /auth/sign-in and /auth/callback: the PKCE verifier, state and nonce of one sign-in, and
-- the page to return to. Used once, within ten minutes.
CREATE TABLE sign_ins (
  id_hash       text PRIMARY KEY,
  code_verifier text NOT NULL,
  state         text NOT NULL,
  nonce         text NOT NULL,
  return_to     text NOT NULL,
  expires_at    timestamptz NOT NULL
);
CREATE INDEX sign_ins_expiry ON sign_ins (expires_at);
