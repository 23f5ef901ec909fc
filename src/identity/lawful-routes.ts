/**
 * The identity authority's lawful release route: `POST /v1/identity/lawful-releases`, a
 * DID-signed envelope from the requester of an approved request (see lawful-release.ts). The
 * request, its decisions and outcome are read through the module's queries
 * (`/v1/identity/lawful-requests…`) on any node.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { SignedRequest } from '../did/index.ts';
import type { Authority } from './authority.ts';
import { LAWFUL_RELEASE_ACTION, type LawfulReleaseBody } from './lawful-release.ts';

const Hex32 = Type.String({ pattern: '^[0-9a-f]{64}$' });

const ReleaseBody = Type.Object(
  {
    request: Hex32,
    pairwiseDid: Type.String({
      pattern: '^did:key:z6Mk[1-9A-HJ-NP-Za-km-z]{44}$',
      description: "the site's pairwise DID of the person, as the request committed to it",
    }),
    encryptionKey: Type.Object(
      {
        kty: Type.Literal('OKP'),
        crv: Type.Literal('X25519'),
        x: Type.String({ pattern: '^[A-Za-z0-9_-]{43}$' }),
      },
      {
        additionalProperties: false,
        description: 'a public X25519 JWK made for this release: the answer is encrypted to it',
      },
    ),
  },
  { additionalProperties: false },
);

const Envelope = Type.Object(
  {
    request: Type.Object(
      {
        action: Type.Literal(LAWFUL_RELEASE_ACTION),
        audience: Type.String({ maxLength: 220, description: "the authority's DID" }),
        body: ReleaseBody,
        created: Type.Integer({
          description: 'ms since the epoch (within 5 minutes of the server clock)',
        }),
        nonce: Type.String({
          pattern: '^[A-Za-z0-9_-]{22}$',
          description: '16 random bytes, base64url',
        }),
      },
      { additionalProperties: false },
    ),
    signer: Type.String({
      maxLength: 300,
      description: "DID URL of an authentication key of the request's requester",
    }),
    signature: Type.String({ pattern: '^[A-Za-z0-9_-]+$', maxLength: 100 }),
  },
  { additionalProperties: false },
);

/** Registers the lawful release route of the authority. */
export function lawfulRoutes(app: FastifyInstance, authority: Authority): void {
  app.post(
    '/v1/identity/lawful-releases',
    {
      schema: {
        summary:
          "The identity behind an approved lawful request's pseudonym, encrypted to the requester (who signs); the outcome is recorded on the ledger first",
        body: Envelope,
        response: {
          200: Type.Object(
            {
              result: Type.Union([Type.Literal('released'), Type.Literal('not-found')]),
              jwe: Type.String({
                description:
                  'compact JWE (ECDH-ES, A256GCM) of {result, requestId, familyName, givenName, idNumber, birthdate, nationality, region, masterDid}; its SHA-256 is the outcome’s releaseHash',
              }),
              outcomeTx: Type.Object(
                { id: Hex32, height: Type.Integer() },
                { additionalProperties: false },
              ),
            },
            { additionalProperties: false },
          ),
        },
      },
    },
    async (req) => authority.lawful.release(req.body as SignedRequest<LawfulReleaseBody>),
  );
}
