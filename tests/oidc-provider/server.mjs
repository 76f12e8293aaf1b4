// A real OpenID Connect provider for the integration tests: oidc-provider (OpenID-certified), on loopback.
//
// Systems: each entry of `clients` is a confidential client using the client-credentials grant; its `partner`
// metadata becomes the `partner` claim of a JWT access token for the hub's audience, as a partner organisation's
// provider would assert it; its optional `function` metadata becomes the claim named by `functionClaim` (default
// `function`); its optional `claims` metadata (an object) is added to the token as it stands, so that a test can have
// the provider issue what a careless or hostile partner provider would.
//
// People: each entry of `browserClients` is a client for people signing in with a browser: authorization code with
// PKCE (S256, always required), a public client (`secret` absent) or a confidential one (`client_secret_post` or
// `client_secret_basic`), with its `redirectUris`, `postLogoutRedirectUris` and optional `backchannelLogoutUri`.
// Pushed authorization requests, RP-initiated logout and back-channel logout are on. Each entry of `users` is a
// person: `login` is what they type on the provider's login page (no password) and their `sub`; `partner`, the
// optional `function` (in the claim named by `functionClaim`) and the optional `claims` (an object, as they stand)
// are claims of their id token. Consent is given automatically. GET /_test/requests lists what the provider was asked:
// each authorization request's and each end-session request's query as the browser sent it, and each pushed
// authorization request's parameters.
//
// A hub with a certificate of its own is trusted when the test starts node with NODE_EXTRA_CA_CERTS naming it.
//
// Usage: node server.mjs <config.json>; prints "ready <issuer>" when it listens.
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import Provider from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const port = new URL(config.issuer).port;
const functionClaim = config.functionClaim ?? 'function';
const alg = config.alg ?? 'ES256';
const users = new Map((config.users ?? []).map((u) => [u.login, u]));
const browserClientIds = new Set((config.browserClients ?? []).map((c) => c.clientId));

// Every claim a person's id token may carry is a claim of the openid scope, so that it is in the id token itself.
const personClaims = new Set(['sub', 'partner', functionClaim]);
for (const user of users.values()) {
  for (const name of Object.keys(user.claims ?? {})) personClaims.add(name);
}

const html = (value) => String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title, body) {
  return `<!DOCTYPE html>
<html lang="nl">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${html(title)}</title></head>
<body><main>${body}</main></body>
</html>`;
}

// What the tests read back: each request to the authorization endpoint as the browser sent it ('authorization', its
// query), the parameters of each pushed authorization request ('par') and of each authorization granted ('accepted').
const requests = [];
const record = (endpoint, ctx) => {
  requests.push({
    endpoint,
    clientId: ctx.oidc.client?.clientId ?? null,
    params: Object.fromEntries(Object.entries(ctx.oidc.params ?? {}).filter(([, v]) => v !== undefined)),
  });
};

const provider = new Provider(config.issuer, {
  clients: [
    ...config.clients.map((c) => ({
      client_id: c.clientId,
      client_secret: c.secret,
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'client_secret_post',
      id_token_signed_response_alg: alg,
      partner: c.partner,
      function: c.function,
      claims: c.claims,
    })),
    ...(config.browserClients ?? []).map((c) => ({
      client_id: c.clientId,
      ...(c.secret ? { client_secret: c.secret } : {}),
      client_name: c.name ?? c.clientId,
      grant_types: ['authorization_code'],
      response_types: ['code'],
      redirect_uris: c.redirectUris,
      post_logout_redirect_uris: c.postLogoutRedirectUris ?? [],
      ...(c.backchannelLogoutUri ? { backchannel_logout_uri: c.backchannelLogoutUri, backchannel_logout_session_required: true } : {}),
      token_endpoint_auth_method: c.secret ? (c.authMethod ?? 'client_secret_post') : 'none',
      id_token_signed_response_alg: alg,
    })),
  ],
  extraClientMetadata: { properties: ['partner', 'function', 'claims'] },
  jwks: { keys: config.keys },
  claims: { openid: [...personClaims] },
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  // The provider posts logout tokens (back-channel logout) to the hub under test, which listens on loopback: an
  // address oidc-provider's guard against server-side request forgery refuses. This provider reaches nothing else.
  fetch: (url, options) => {
    const { dispatcher, ...rest } = options;
    return globalThis.fetch(url, rest);
  },
  async findAccount(ctx, sub) {
    const user = users.get(sub);
    if (!user) return undefined;
    return {
      accountId: sub,
      async claims() {
        return {
          sub,
          partner: user.partner,
          ...(user.function ? { [functionClaim]: user.function } : {}),
          ...(user.claims ?? {}),
        };
      },
    };
  },
  // Consent is automatic: the hub is a first-party client of its partners' providers; it asks for openid only.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) {
      const grant = await ctx.oidc.provider.Grant.find(grantId);
      if (grant) return grant;
    }

    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid');
    await grant.save();
    return grant;
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    pushedAuthorizationRequests: { enabled: true },
    backchannelLogout: { enabled: true },
    rpInitiatedLogout: {
      enabled: true,
      // No fonts or styles from elsewhere: the test machines have no network beyond loopback.
      async logoutSource(ctx, form) {
        ctx.body = page('Afmelden', `<h1>Afmelden bij ${html(ctx.host)}?</h1>${form}
<button type="submit" form="op.logoutForm" value="yes" name="logout" id="afmelden">Ja, afmelden</button>
<button type="submit" form="op.logoutForm" id="blijven">Nee, aangemeld blijven</button>`);
      },
      async postLogoutSuccessSource(ctx) {
        ctx.body = page('Afgemeld', '<h1>U bent afgemeld.</h1>');
      },
    },
    resourceIndicators: {
      enabled: true,
      // Access tokens for the hub's audience go to systems; people only get an id token the hub reads.
      defaultResource: (ctx, client) => (browserClientIds.has(client.clientId) ? undefined : config.audience),
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({
        scope: 'cases',
        audience: config.audience,
        accessTokenTTL: config.accessTokenTtl ?? 300,
        accessTokenFormat: 'jwt',
        jwt: { sign: { alg } },
      }),
    },
  },
  async renderError(ctx, out) {
    ctx.type = 'html';
    ctx.body = page('Fout', `<h1>Fout</h1>${Object.entries(out).map(([k, v]) => `<p><strong>${html(k)}</strong>: ${html(v)}</p>`).join('')}`);
  },
  extraTokenClaims: async (ctx, token) => {
    const client = await ctx.oidc.provider.Client.find(token.clientId);
    if (!client?.partner) return undefined;
    const claims = client.function ? { partner: client.partner, [functionClaim]: client.function } : { partner: client.partner };
    return { ...claims, ...(client.claims ?? {}) };
  },
});
provider.proxy = false;
provider.on('pushed_authorization_request.success', (ctx) => record('par', ctx));
provider.on('authorization.accepted', (ctx) => record('accepted', ctx));
provider.on('server_error', (ctx, error) => console.error(`server_error ${error?.stack ?? error}`));
provider.on('backchannel.error', (ctx, error, client) => console.error(`backchannel.error ${client.clientId} ${error?.cause?.message ?? error?.message ?? error}`));
provider.on('backchannel.success', (ctx, client) => console.log(`backchannel.success ${client.clientId}`));

function loginPage(uid, { login = '', error } = {}) {
  return page('Aanmelden bij de testprovider', `<h1>Aanmelden bij de testprovider</h1>
${error ? `<p role="alert" id="fout">${html(error)}</p>` : ''}
<form method="post" action="/interaction/${html(uid)}/login">
  <label for="login">Gebruikersnaam</label>
  <input id="login" name="login" type="text" autocomplete="username" value="${html(login)}" autofocus>
  <button type="submit" id="aanmelden">Aanmelden</button>
</form>
<form method="post" action="/interaction/${html(uid)}/abort">
  <button type="submit" id="annuleren">Annuleren</button>
</form>`);
}

async function readForm(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function send(res, status, type, body) {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

// The interactions: a login page of our own (login name, no password); consent is automatic (loadExistingGrant).
async function interaction(req, res, uid, action) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) {
    send(res, 400, 'text/plain', 'wrong interaction');
    return;
  }

  if (req.method === 'GET' && action === undefined) {
    send(res, 200, 'text/html; charset=utf-8', loginPage(uid));
    return;
  }

  if (req.method === 'POST' && action === 'abort') {
    await provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'End-User aborted interaction' }, { mergeWithLastSubmission: false });
    return;
  }

  if (req.method === 'POST' && action === 'login') {
    const login = (await readForm(req)).get('login')?.trim() ?? '';
    if (!users.has(login)) {
      send(res, 200, 'text/html; charset=utf-8', loginPage(uid, { login, error: 'Onbekende gebruiker.' }));
      return;
    }

    await provider.interactionFinished(req, res, { login: { accountId: login } }, { mergeWithLastSubmission: false });
    return;
  }

  send(res, 405, 'text/plain', 'method not allowed');
}

const handle = provider.callback();
const server = createServer((req, res) => {
  const url = new URL(req.url, config.issuer);
  const match = /^\/interaction\/([^/]+)(?:\/(login|abort))?$/.exec(url.pathname);
  if (match) {
    interaction(req, res, match[1], match[2]).catch((error) => {
      console.error(`interaction ${error?.stack ?? error}`);
      if (!res.headersSent) send(res, 400, 'text/plain', `interaction failed: ${error?.message ?? error}`);
    });
    return;
  }

  if (url.pathname === '/auth' || url.pathname === '/session/end') {
    requests.push({
      endpoint: url.pathname === '/auth' ? 'authorization' : 'end_session',
      clientId: url.searchParams.get('client_id'),
      query: Object.fromEntries(url.searchParams),
    });
  }

  if (req.method === 'GET' && url.pathname === '/_test/requests') {
    send(res, 200, 'application/json', JSON.stringify(requests));
    return;
  }

  handle(req, res);
});

server.listen(Number(port), '127.0.0.1', () => {
  console.log(`ready ${config.issuer}`);
});
