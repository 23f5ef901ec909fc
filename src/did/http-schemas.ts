/**
 * JSON Schemas of the resolver route `GET /1.0/identifiers/{did-url}`: its request and, per
 * status and media type, its answers (DID Resolution §9, §10, §12.1), for the OpenAPI document.
 * The resolver writes its answers as bytes, so these schemas describe them; they never filter them.
 */
import { Type, type TSchema } from '@sinclair/typebox';
import type { FastifySchema } from 'fastify';
import { MEDIA, RESOLUTION_CONTEXT } from './results.ts';

const Context = Type.Array(Type.String({ format: 'uri' }), {
  minItems: 1,
  description: 'JSON-LD context (application/did+ld+json only)',
});
const DidUrl = Type.String({ pattern: '^did:', description: 'an absolute DID URL' });
const Refs = Type.Array(DidUrl, {
  minItems: 1,
  description: 'present only when it holds a method (DID Core §5.3)',
});

const VerificationMethod = Type.Object(
  {
    '@context': Type.Optional(Context),
    id: DidUrl,
    type: Type.Literal('Multikey'),
    controller: Type.String(),
    publicKeyMultibase: Type.String({ pattern: '^z', description: 'Ed25519 Multikey' }),
  },
  { additionalProperties: false, description: 'A verification method (DID Core §5.2)' },
);

const Service = Type.Object(
  {
    '@context': Type.Optional(Context),
    id: DidUrl,
    type: Type.String(),
    serviceEndpoint: Type.String({ format: 'uri' }),
  },
  { additionalProperties: false, description: 'A service (DID Core §5.4)' },
);

const DidDocument = Type.Object(
  {
    '@context': Type.Optional(Context),
    id: Type.String({ pattern: '^did:' }),
    controller: Type.String(),
    verificationMethod: Type.Array(VerificationMethod, { minItems: 1 }),
    authentication: Type.Optional(Refs),
    assertionMethod: Type.Optional(Refs),
    capabilityInvocation: Type.Optional(Refs),
    capabilityDelegation: Type.Optional(Refs),
    service: Type.Optional(Type.Array(Service, { minItems: 1 })),
  },
  { additionalProperties: false, description: 'A DID Core 1.0 document' },
);

const Time = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z$',
  description: 'XML Schema dateTime, UTC, whole seconds',
});
const DocumentMetadata = Type.Object(
  {
    created: Type.Optional(Time),
    updated: Type.Optional(Time),
    versionId: Type.Optional(Type.String()),
    deactivated: Type.Optional(Type.Boolean()),
    nextUpdate: Type.Optional(Time),
    nextVersionId: Type.Optional(Type.String()),
  },
  {
    additionalProperties: false,
    description: 'DID document metadata (DID Resolution §4.3); empty for did:key',
  },
);
const Empty = Type.Object({}, { additionalProperties: false });

const Hex = Type.String({ pattern: '^[0-9a-f]{64}$' });
const LedgerProof = Type.Object(
  {
    checkpoint: Type.Object(
      {
        checkpoint: Type.Object({
          chainId: Type.String(),
          height: Type.Integer(),
          blockHash: Hex,
          logSize: Type.Integer(),
          logRoot: Hex,
          stateRoot: Hex,
          time: Type.Integer(),
        }),
        signatures: Type.Array(
          Type.Object({ org: Type.String(), key: Type.String(), sig: Type.String() }),
        ),
      },
      { description: 'the signed checkpoint of the head the answer was read at' },
    ),
    stateProofs: Type.Array(
      Type.Object({
        key: Type.String(),
        value: Type.Union([Type.String(), Type.Null()], {
          description: 'the record as canonical JSON, or null: a proof of absence',
        }),
        siblings: Type.Array(Hex),
        leaf: Type.Optional(Type.Object({}, { additionalProperties: true })),
      }),
      { minItems: 1, maxItems: 2 },
    ),
  },
  { description: 'did:rdid ledger proof (docs/did-method-rdid.md §5.4)' },
);
const Proofs = Type.Array(LedgerProof, {
  minItems: 1,
  maxItems: 1,
  description: 'a set of proofs (DID Resolution §4.2)',
});

const Problem = Type.Object(
  {
    type: Type.String({
      format: 'uri',
      description: 'https://www.w3.org/ns/did#<ERROR> (DID Resolution §11)',
    }),
    title: Type.String(),
    detail: Type.String(),
    code: Type.Optional(Type.String({ description: 'the realdid error code (docs/errors.md)' })),
  },
  { description: 'RFC 9457 problem details' },
);

const Success = Type.Object(
  { contentType: Type.Literal(MEDIA.didLdJson), proof: Type.Optional(Proofs) },
  { additionalProperties: false },
);
const Failure = Type.Object(
  { error: Problem, proof: Type.Optional(Proofs) },
  { additionalProperties: false },
);

const ResolutionResult = Type.Object(
  {
    '@context': Type.Literal(RESOLUTION_CONTEXT),
    didDocument: DidDocument,
    didResolutionMetadata: Success,
    didDocumentMetadata: DocumentMetadata,
  },
  { description: 'DID resolution result (DID Resolution §9)' },
);
const ResolutionFailure = Type.Object(
  {
    '@context': Type.Literal(RESOLUTION_CONTEXT),
    didDocument: Type.Null(),
    didResolutionMetadata: Failure,
    didDocumentMetadata: Empty,
  },
  { description: 'failed DID resolution result' },
);

const Resource = Type.Union([DidDocument, VerificationMethod, Service]);
const DereferencingResult = Type.Object(
  {
    content: Resource,
    dereferencingMetadata: Success,
    contentMetadata: DocumentMetadata,
  },
  { description: 'DID URL dereferencing result (DID Resolution §10)' },
);
const DereferencingFailure = Type.Object(
  {
    content: Type.Null(),
    dereferencingMetadata: Failure,
    contentMetadata: Empty,
  },
  { description: 'failed DID URL dereferencing result' },
);

const ApiError = Type.Object({
  code: Type.String(),
  message: Type.String(),
  details: Type.Optional(Type.Object({}, { additionalProperties: true })),
});

/** Answers in every media type (fastify keys content schemas by media type without parameters). */
function answers(description: string): {
  description: string;
  content: Record<string, { schema: TSchema }>;
} {
  return {
    description,
    content: {
      [MEDIA.resolution]: { schema: ResolutionResult },
      'application/ld+json': { schema: ResolutionResult },
      [MEDIA.dereferencing]: { schema: DereferencingResult },
      [MEDIA.didLdJson]: { schema: Resource },
      [MEDIA.didJson]: { schema: Resource },
    },
  };
}

function failures(
  description: string,
  apiError = false,
): { description: string; content: Record<string, { schema: TSchema }> } {
  return {
    description,
    content: {
      [MEDIA.resolution]: { schema: ResolutionFailure },
      [MEDIA.dereferencing]: { schema: DereferencingFailure },
      ...(apiError ? { 'application/json': { schema: ApiError } } : {}),
    },
  };
}

/** The fastify schema of `GET /1.0/identifiers/:did` (typed plainly: the handler sets any of its statuses). */
export const IDENTIFIERS_ROUTE_SCHEMA: FastifySchema = {
  tags: ['did'],
  summary: 'Resolve a DID or dereference a DID URL (did:rdid with ledger proofs, or did:key)',
  description:
    'DID Resolution HTTP(S) binding (Universal Resolver driver API). `{did}` is a DID or a percent-encoded DID URL ' +
    `(a fragment, \`?service=…&relativeRef=…\`). Accept: ${Object.values(MEDIA).join(' | ')}; no charset parameter is sent. ` +
    'Failures are results whose metadata `error` is an RFC 9457 problem details object.',
  params: Type.Object({ did: Type.String({ maxLength: 2048 }) }),
  // Any other option is answered by the resolver (FEATURE_NOT_SUPPORTED, a DID Resolution body).
  querystring: Type.Record(Type.String(), Type.String({ maxLength: 64 }), { maxProperties: 8 }),
  response: {
    200: answers(
      'The DID resolution result, the DID URL dereferencing result, or the bare document, verification method or service',
    ),
    303: {
      description:
        'See Other: `Location` is the service endpoint URL (Accept: text/uri-list); the body is empty',
      type: 'null',
      headers: {
        location: {
          type: 'string',
          format: 'uri',
          description: 'the selected service endpoint URL (DID Resolution §12.1)',
        },
      },
    },
    400: failures(
      'INVALID_DID, INVALID_DID_URL, INVALID_OPTIONS (or ERR_API_SCHEMA for a malformed request)',
      true,
    ),
    404: failures(
      'NOT_FOUND: an unknown DID (with a proof of absence), version, verification method or service (with the proof of the records)',
    ),
    406: failures('REPRESENTATION_NOT_SUPPORTED'),
    410: answers(
      'The final version of a deactivated DID (didDocumentMetadata.deactivated true), with its proof; for Accept: text/uri-list the body is empty (its services are gone)',
    ),
    500: failures('INTERNAL_ERROR'),
    501: failures('METHOD_NOT_SUPPORTED, FEATURE_NOT_SUPPORTED'),
  },
};
