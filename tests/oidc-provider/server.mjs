// A real OpenID Connect provider for the integration tests: oidc-provider (OpenID-certified), on loopback.
// Each test user is a confidential client using the client-credentials grant; its `partner` metadata becomes
// the `partner` claim of a JWT access token for the hub's audience, as a partner organisation's provider would
// assert it; its optional `function` metadata becomes the claim named by `functionClaim` (default `function`); its
// optional `claims` metadata (an object) is added to the token as it stands, so that a test can have the provider
// issue what a careless or hostile partner provider would. Usage: node server.mjs <config.json>; prints "ready <issuer>" when it listens.
import { readFileSync } from 'node:fs';
import Provider from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const port = new URL(config.issuer).port;

const provider = new Provider(config.issuer, {
  clients: config.clients.map((c) => ({
    client_id: c.clientId,
    client_secret: c.secret,
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
    token_endpoint_auth_method: 'client_secret_post',
    id_token_signed_response_alg: config.alg ?? 'ES256',
    partner: c.partner,
    function: c.function,
    claims: c.claims,
  })),
  extraClientMetadata: { properties: ['partner', 'function', 'claims'] },
  jwks: { keys: config.keys },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => config.audience,
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({
        scope: 'cases',
        audience: config.audience,
        accessTokenTTL: config.accessTokenTtl ?? 300,
        accessTokenFormat: 'jwt',
        jwt: { sign: { alg: config.alg ?? 'ES256' } },
      }),
    },
  },
  extraTokenClaims: async (ctx, token) => {
    const client = await ctx.oidc.provider.Client.find(token.clientId);
    if (!client?.partner) return undefined;
    const claims = client.function ? { partner: client.partner, [config.functionClaim ?? 'function']: client.function } : { partner: client.partner };
    return { ...claims, ...(client.claims ?? {}) };
  },
});
provider.proxy = false;

provider.listen(Number(port), '127.0.0.1', () => {
  console.log(`ready ${config.issuer}`);
});
