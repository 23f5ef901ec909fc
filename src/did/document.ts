import { Type, type Static } from '@sinclair/typebox';
import { decodeMultikey } from '../crypto/index.ts';
import { jsonString, toIsoTime } from './_util.ts';

/** Verification relationships a did:rdid document may use (DID Core §5.3). */
export const RELATIONSHIPS = [
  'authentication',
  'assertionMethod',
  'capabilityInvocation',
  'capabilityDelegation',
] as const;
export type Relationship = (typeof RELATIONSHIPS)[number];

const Fragment = Type.String({
  pattern: '^[A-Za-z0-9_-]{1,32}$',
  description: 'fragment id, without "#"',
});
const Multikey = Type.String({
  pattern: '^z6Mk[1-9A-HJ-NP-Za-km-z]{44}$',
  description: 'Ed25519 Multikey',
});

export const VerificationMethodSpec = Type.Object(
  { id: Fragment, type: Type.Literal('Multikey'), publicKeyMultibase: Multikey },
  { additionalProperties: false },
);
export const ServiceSpec = Type.Object(
  {
    id: Fragment,
    type: Type.String({ pattern: '^[A-Za-z][A-Za-z0-9]{0,63}$' }),
    serviceEndpoint: Type.String({ format: 'uri', pattern: '^https://', maxLength: 512 }),
  },
  { additionalProperties: false },
);
/** Most verification methods, services or references a document may hold. */
const MAX_ITEMS = 16;
const Refs = Type.Array(Fragment, { maxItems: MAX_ITEMS, uniqueItems: true });

/**
 * The method-specific content of a DID document, with ids as bare fragments. What create and
 * recover carry and what the ledger stores; the W3C document is rendered from it.
 */
export const DocumentSpec = Type.Object(
  {
    verificationMethod: Type.Array(VerificationMethodSpec, { minItems: 1, maxItems: MAX_ITEMS }),
    authentication: Refs,
    assertionMethod: Type.Optional(Refs),
    capabilityInvocation: Refs,
    capabilityDelegation: Type.Optional(Refs),
    service: Type.Optional(Type.Array(ServiceSpec, { maxItems: MAX_ITEMS })),
  },
  { additionalProperties: false },
);
export type DocumentSpec = Static<typeof DocumentSpec>;
export type VerificationMethodSpec = Static<typeof VerificationMethodSpec>;
export type ServiceSpec = Static<typeof ServiceSpec>;

/** The ledger record of a did:rdid at one version (state `did/doc/<id>`, history `did/ver/<id>/<n>`). */
export interface DidRecord {
  readonly did: string;
  /** 1 at creation, +1 per update, recovery or deactivation. */
  readonly version: number;
  readonly created: number;
  readonly updated: number;
  readonly deactivated: boolean;
  /** hex SHA-256 of the recovery public key (pre-rotation); empty once deactivated. */
  readonly recoveryCommitment: string;
  readonly document: DocumentSpec;
  /** The transaction that produced this version. */
  readonly txId: string;
}

/** A W3C DID Core 1.0 document. */
export interface DidDocument {
  '@context'?: string[];
  id: string;
  controller: string;
  verificationMethod: {
    id: string;
    type: 'Multikey';
    controller: string;
    publicKeyMultibase: string;
  }[];
  /** Each relationship is present only when it holds a method (DID Core §5.3). */
  authentication?: string[];
  assertionMethod?: string[];
  capabilityInvocation?: string[];
  capabilityDelegation?: string[];
  service?: { id: string; type: string; serviceEndpoint: string }[];
}

export const DID_CONTEXT = [
  'https://www.w3.org/ns/did/v1',
  'https://w3id.org/security/multikey/v1',
];

/**
 * Checks the rules a document must keep beyond its schema: unique method and service ids,
 * every relationship names an existing method, at least one authentication and one
 * capabilityInvocation key, no key listed twice under different ids, at most 16 methods and
 * 16 services (also after updates).
 * @returns the first broken rule, or undefined if the document is valid
 */
export function documentProblem(doc: DocumentSpec): string | undefined {
  // Updates must not grow a document beyond what DocumentSpec allows at creation.
  if (doc.verificationMethod.length > MAX_ITEMS)
    return `at most ${MAX_ITEMS} verification methods, got ${doc.verificationMethod.length}`;
  if ((doc.service ?? []).length > MAX_ITEMS)
    return `at most ${MAX_ITEMS} services, got ${(doc.service ?? []).length}`;
  const ids = new Set<string>();
  const keys = new Set<string>();
  for (const vm of doc.verificationMethod) {
    if (ids.has(vm.id)) return `verification method id "${vm.id}" is used twice`;
    if (keys.has(vm.publicKeyMultibase)) return `key ${vm.publicKeyMultibase} is listed twice`;
    ids.add(vm.id);
    keys.add(vm.publicKeyMultibase);
    try {
      decodeMultikey(vm.publicKeyMultibase);
    } catch {
      return `verification method "${vm.id}" is not an Ed25519 Multikey`;
    }
  }
  for (const rel of RELATIONSHIPS) {
    for (const ref of doc[rel] ?? [])
      if (!ids.has(ref)) return `${rel} references unknown method "${ref}"`;
  }
  if (doc.authentication.length === 0) return 'at least one authentication method is required';
  if (doc.capabilityInvocation.length === 0)
    return 'at least one capabilityInvocation method is required';
  // Transactions are signed with authentication keys, updates need capabilityInvocation: at least
  // one key must hold both, or nobody but the recovery key could ever change the document.
  if (!doc.capabilityInvocation.some((ref) => doc.authentication.includes(ref))) {
    return 'at least one key must be listed under both authentication and capabilityInvocation';
  }
  const services = new Set<string>();
  for (const s of doc.service ?? []) {
    if (services.has(s.id) || ids.has(s.id)) return `service id "${s.id}" is used twice`;
    services.add(s.id);
  }
  return undefined;
}

/** Fragments of the methods that hold `relationship`. */
export function methodsFor(
  doc: DocumentSpec,
  relationship: Relationship,
): VerificationMethodSpec[] {
  const refs = new Set(doc[relationship] ?? []);
  return doc.verificationMethod.filter((vm) => refs.has(vm.id));
}

/** The JSON-LD `@context` member of rendered documents, as JSON text. */
const CONTEXT_MEMBER = `"@context":${JSON.stringify(DID_CONTEXT)},`;

/**
 * Renders the W3C DID document of a record (DID Core §5) as JSON text: absolute ids,
 * `controller` the DID itself, a verification relationship only when it holds a method ("one or
 * more verification methods", DID Core §5.3), `service` only when not empty. With `ld`, adds the
 * JSON-LD `@context`. Written directly as text (no intermediate objects): the resolver's hot path.
 */
export function renderDocumentJson(record: DidRecord, ld = false): string {
  const { did, document: d } = record;
  const q = jsonString;
  const didQ = q(did);
  const ref = (f: string): string => q(`${did}#${f}`);
  let rels = '';
  for (const rel of RELATIONSHIPS) {
    const fs = d[rel];
    if (fs !== undefined && fs.length > 0) rels += `,"${rel}":[${fs.map(ref).join(',')}]`;
  }
  let vms = '';
  for (const vm of d.verificationMethod) {
    vms += `${vms === '' ? '' : ','}{"id":${ref(vm.id)},"type":"Multikey","controller":${didQ},"publicKeyMultibase":${q(vm.publicKeyMultibase)}}`;
  }
  let services = '';
  for (const sv of d.service ?? []) {
    services += `${services === '' ? ',"service":[' : ','}{"id":${ref(sv.id)},"type":${q(sv.type)},"serviceEndpoint":${q(sv.serviceEndpoint)}}`;
  }
  return (
    `{${ld ? CONTEXT_MEMBER : ''}"id":${didQ},"controller":${didQ},"verificationMethod":[${vms}]${rels}` +
    `${services === '' ? '' : `${services}]`}}`
  );
}

/** {@link renderDocumentJson} as an object. */
export function renderDocument(record: DidRecord, ld = false): DidDocument {
  return JSON.parse(renderDocumentJson(record, ld)) as DidDocument;
}

/** DID document metadata of a record (DID Core §7.1.3), as JSON text. */
export function documentMetadataJson(record: DidRecord, next?: DidRecord): string {
  // "The updated property is omitted if an Update operation has never been performed" (§7.1.3).
  const updated = record.version > 1 ? `"updated":"${toIsoTime(record.updated)}",` : '';
  const after =
    next === undefined
      ? ''
      : `,"nextUpdate":"${toIsoTime(next.updated)}","nextVersionId":"${next.version}"`;
  return `{"created":"${toIsoTime(record.created)}",${updated}"versionId":"${record.version}","deactivated":${record.deactivated === true}${after}}`;
}

/** {@link documentMetadataJson} as an object. */
export function documentMetadata(record: DidRecord, next?: DidRecord): Record<string, unknown> {
  return JSON.parse(documentMetadataJson(record, next)) as Record<string, unknown>;
}
