/**
 * The identity module's node part: on a node that serves an identity authority (its
 * `modules.idn.authority` option names the authority's DID, whose keys are in the node's
 * `authority` vault), the authority's API; and, for `node init --authority`, the authority's
 * keys, DID document and accreditation in the new consortium's genesis.
 */
import { Type, type Static } from '@sinclair/typebox';
import { encodeMultikey, generateEd25519, type JsonValue } from '../crypto/index.ts';
import { REAL_NAME_VCT } from '../credentials/index.ts';
import { rdidFor, recoveryCommitmentOf, type DocumentSpec } from '../did/index.ts';
import { createAjv, describeSchemaError, type ModuleNode } from '../ledger/index.ts';
import { Authority } from './authority.ts';
import { VAULT_ROWS, writeJsonRow, secretRow, type AuthorityConfig } from './records.ts';
import { MAX_COPIES_LIMIT } from './copies.ts';
import { authorityRoutes } from './routes.ts';
import { lawfulRoutes } from './lawful-routes.ts';
import { demoActorsInit } from './demo-actors.ts';
import { demoSiteInit, DemoSiteRequest } from './demo-sites.ts';
import { RDID_PATTERN } from './state.ts';

/** The identity module's node options (`modules.idn` in node.json). */
export const IdentityNodeOptions = Type.Object(
  {
    authority: Type.Optional(Type.String({ pattern: RDID_PATTERN })),
    publicUrl: Type.Optional(
      Type.String({ pattern: '^https?://[^/?#]+(/[^?#]*)?$', maxLength: 300 }),
    ),
    copyLifetimeSec: Type.Optional(Type.Integer({ minimum: 60, maximum: 366 * 24 * 3600 })),
    listSize: Type.Optional(Type.Integer({ minimum: 1024, maximum: 2 ** 24, multipleOf: 8192 })),
    statusTokenTtlSec: Type.Optional(Type.Integer({ minimum: 10, maximum: 24 * 3600 })),
    maxCopies: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_COPIES_LIMIT })),
  },
  { additionalProperties: false },
);
type IdentityNodeOptions = {
  authority?: string;
  publicUrl?: string;
  copyLifetimeSec?: number;
  listSize?: number;
  statusTokenTtlSec?: number;
  maxCopies?: number;
};
const checkOptions = createAjv().compile<IdentityNodeOptions>(IdentityNodeOptions);

const InitRequest = Type.Object(
  {
    authority: Type.Object(
      { name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) },
      { additionalProperties: false },
    ),
    /** `node init --demo`: also register the demo site (examples/demo-site/) as a relying party. */
    demoSite: Type.Optional(DemoSiteRequest),
    /** `node init --demo`: also the demo shop, a court and two custodians (src/identity/demo-actors.ts). */
    demoActors: Type.Optional(Type.Object({}, { additionalProperties: false })),
  },
  { additionalProperties: false },
);
const checkInit = createAjv().compile<Static<typeof InitRequest>>(InitRequest);

export const identityNode: ModuleNode = {
  checkOptions(options) {
    if (options !== undefined && !checkOptions(options))
      throw new RangeError(`modules.idn ${describeSchemaError(checkOptions)}`);
  },

  initData(ctx) {
    if (!checkInit(ctx.request))
      throw new RangeError(`idn init request ${describeSchemaError(checkInit)}`);
    const name = ctx.request.authority.name ?? `${ctx.org.name} identity authority`;
    const vault = ctx.vault('authority');
    const issuer = generateEd25519();
    const recovery = generateEd25519();
    const operator = ctx.keyFile('ia-operator');
    const document: DocumentSpec = {
      verificationMethod: [
        {
          id: 'issuer',
          type: 'Multikey',
          publicKeyMultibase: encodeMultikey(issuer.keyPair.publicKey),
        },
        { id: 'operator', type: 'Multikey', publicKeyMultibase: operator },
      ],
      authentication: ['issuer', 'operator'],
      assertionMethod: ['issuer'],
      capabilityInvocation: ['issuer'],
    };
    const recoveryCommitment = recoveryCommitmentOf(encodeMultikey(recovery.keyPair.publicKey));
    const did = rdidFor(document, recoveryCommitment);
    vault.transaction(() => {
      writeJsonRow(vault, VAULT_ROWS.config, {
        did,
        issuerKey: 'issuer',
        name,
      } satisfies AuthorityConfig);
      vault.set(VAULT_ROWS.issuerSeed, issuer.seed);
      vault.set(VAULT_ROWS.recoverySeed, recovery.seed);
      secretRow(vault, VAULT_ROWS.tagSecret);
    });
    const site = ctx.request.demoSite && demoSiteInit(ctx, ctx.request.demoSite);
    const actors = ctx.request.demoActors && demoActorsInit(ctx);
    const documents = [
      { did, document, recoveryCommitment },
      ...(site ? [site.document] : []),
      ...(actors?.documents ?? []),
    ];
    const roles = [
      { role: 'identity-authority', subject: did, name, scope: { vct: [REAL_NAME_VCT] } },
      ...(site ? [site.grant] : []),
      ...(actors?.grants ?? []),
    ];
    return {
      genesis: {
        did: { documents } as unknown as JsonValue,
        gov: { roles } as unknown as JsonValue,
      },
      options: { authority: did },
    };
  },

  open(host) {
    const options = (host.options ?? {}) as IdentityNodeOptions;
    if (options.authority === undefined) return {};
    const authority = new Authority(host, host.vault('authority'), {
      publicUrl: () => options.publicUrl ?? host.publicUrl() ?? 'http://127.0.0.1:8080',
      ...(options.copyLifetimeSec === undefined
        ? {}
        : { copyLifetimeSec: options.copyLifetimeSec }),
      ...(options.listSize === undefined ? {} : { listSize: options.listSize }),
      ...(options.statusTokenTtlSec === undefined
        ? {}
        : { statusTokenTtlSec: options.statusTokenTtlSec }),
      ...(options.maxCopies === undefined ? {} : { maxCopies: options.maxCopies }),
    });
    if (authority.did !== options.authority)
      throw new RangeError(
        `modules.idn.authority is ${options.authority}, but the authority vault holds ${authority.did}`,
      );
    return {
      services: { realNames: authority.directory() },
      routes: (app) => {
        authorityRoutes(app, authority);
        lawfulRoutes(app, authority);
      },
      warnings: () => {
        const p = authority.problem();
        return p === undefined ? [] : [`identity authority: ${p}`];
      },
    };
  },
};
