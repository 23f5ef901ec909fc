import { readFileSync } from 'node:fs';
import { Type, type Static } from '@sinclair/typebox';
import type { JsonValue } from '../crypto/index.ts';
import { AppError } from '../errors.ts';
import { createAjv, describeSchemaError } from '../ledger/index.ts';

/** Solo ordering: this node alone orders and seals blocks (one organization, one process). */
export interface SoloOrdering {
  readonly type: 'solo';
  /** Seal a block once it holds this many transactions… */
  readonly maxBlockTxs: number;
  /** …or this many milliseconds after its first transaction. */
  readonly blockIntervalMs: number;
}

/**
 * Consortium ordering through a NATS JetStream cluster (docs/consortium.md): every organization's
 * node publishes candidate blocks to the same stream and applies the stream in order.
 */
export interface NatsOrdering {
  readonly type: 'nats';
  /** NATS server URLs (`nats://host:4222`, `tls://host:4222`): the client tries them in turn. */
  readonly servers: readonly string[];
  /** JetStream replicas of the chain's streams (default 3). */
  readonly replicas?: number;
  /** How long the node gathers submitted transactions into one candidate block, ms (default 5). */
  readonly batchIntervalMs?: number;
  /** Publish batches Brotli-compressed (default true; every node reads both forms). */
  readonly compress?: boolean;
  /**
   * How long a publish to the stream is retried before the submitter gets ERR_LEDGER_UNAVAILABLE,
   * ms (default 10 000).
   */
  readonly submitTimeoutMs?: number;
  /**
   * How long, after the stream accepted a transaction, the node waits to apply it before the
   * submitter gets ERR_LEDGER_UNAVAILABLE, ms (default 30 000).
   */
  readonly applyTimeoutMs?: number;
}

/** How a node orders transactions (`ordering` in node.json). */
export type OrderingConfig = SoloOrdering | NatsOrdering;

/** `<data>/node.json`: which organization this node is and how it orders. */
export interface NodeConfig {
  readonly org: string;
  /** Keystore of the organization key, relative to the data folder. */
  readonly keyFile: string;
  readonly host: string;
  readonly port: number;
  readonly ordering: OrderingConfig;
  /** The base URL others reach this node at (default: the address it listens on). */
  readonly publicUrl?: string;
  /** Worker threads for signature checks (0 = on the main thread; default: cores − 1, at least 1). */
  readonly signatureThreads?: number;
  /** Module options by namespace, as `node init` wrote them (e.g. an identity authority's DID). */
  readonly modules?: Readonly<Record<string, JsonValue>>;
}

/** The ordering `node init` writes unless told otherwise. */
export const DEFAULT_SOLO_ORDERING: SoloOrdering = {
  type: 'solo',
  maxBlockTxs: 2000,
  blockIntervalMs: 20,
};

/** Most NATS server URLs a node takes. */
export const MAX_NATS_SERVERS = 16;

/** A NATS server URL: `nats://` or `tls://` (or a bare `host:port`), no spaces, commas or paths. */
export const NATS_URL_RE = /^((nats|tls):\/\/)?[^\s,/]+$/;

const NatsServer = Type.String({ minLength: 1, maxLength: 512, pattern: NATS_URL_RE.source });

/** JSON Schema of `ordering` in node.json. */
export const OrderingSchema = Type.Union([
  Type.Object(
    {
      type: Type.Literal('solo'),
      maxBlockTxs: Type.Integer({ minimum: 1, maximum: 100_000 }),
      blockIntervalMs: Type.Integer({ minimum: 0, maximum: 60_000 }),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      type: Type.Literal('nats'),
      servers: Type.Array(NatsServer, { minItems: 1, maxItems: MAX_NATS_SERVERS }),
      replicas: Type.Optional(Type.Integer({ minimum: 1, maximum: 5 })),
      batchIntervalMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 60_000 })),
      compress: Type.Optional(Type.Boolean()),
      submitTimeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 600_000 })),
      applyTimeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 600_000 })),
    },
    { additionalProperties: false },
  ),
]);

/** JSON Schema of node.json. */
export const NodeConfigSchema = Type.Object(
  {
    org: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,31}$' }),
    keyFile: Type.String({ minLength: 1, maxLength: 1024 }),
    host: Type.String({ minLength: 1, maxLength: 255 }),
    port: Type.Integer({ minimum: 0, maximum: 65_535 }),
    ordering: OrderingSchema,
    publicUrl: Type.Optional(Type.String({ minLength: 1, maxLength: 2048 })),
    signatureThreads: Type.Optional(Type.Integer({ minimum: 0, maximum: 256 })),
    modules: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { additionalProperties: false },
);

const ajv = createAjv();
const validateConfig = ajv.compile<Static<typeof NodeConfigSchema>>(NodeConfigSchema);
const validateOrdering = ajv.compile<Static<typeof OrderingSchema>>(OrderingSchema);

/**
 * Checks an ordering given to `node init` or `node join`.
 * @throws ERR_CLI_USAGE naming the first field that does not fit {@link OrderingSchema}
 */
export function checkOrdering(value: unknown): OrderingConfig {
  if (!validateOrdering(value))
    throw new AppError('ERR_CLI_USAGE', `ordering: ${describeSchemaError(validateOrdering)}`);
  return value;
}

/**
 * Checks a parsed node.json.
 * @param where the file, as error messages name it
 * @throws ERR_CLI_DATA_DIR naming the first field that does not fit {@link NodeConfigSchema}
 */
export function checkNodeConfig(value: unknown, where: string): NodeConfig {
  if (!validateConfig(value))
    throw new AppError('ERR_CLI_DATA_DIR', `${where}: ${describeSchemaError(validateConfig)}`);
  return value as NodeConfig;
}

/**
 * Reads and checks a node.json file.
 * @throws ERR_CLI_DATA_DIR when it cannot be read, is not JSON, or does not fit the schema
 */
export function readNodeConfig(path: string): NodeConfig {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new AppError('ERR_CLI_DATA_DIR', `cannot read ${path}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  return checkNodeConfig(value, path);
}

/**
 * Parses `--nats url,url,…` into server URLs.
 * @throws ERR_CLI_USAGE for an empty list, too many URLs, or a malformed one
 */
export function parseNatsServers(text: string): string[] {
  const servers = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (servers.length === 0 || servers.length > MAX_NATS_SERVERS)
    throw new AppError(
      'ERR_CLI_USAGE',
      `--nats expects 1 to ${MAX_NATS_SERVERS} comma-separated NATS URLs (nats://host:4222), got ${JSON.stringify(text)}`,
    );
  for (const s of servers)
    if (!NATS_URL_RE.test(s) || s.length > 512)
      throw new AppError(
        'ERR_CLI_USAGE',
        `--nats: ${JSON.stringify(s)} is not a NATS URL (nats://host:port or tls://host:port)`,
      );
  return servers;
}

/** What `--orderer` / `--nats` on the command line ask for (before node.json is known). */
export interface OrderingOverride {
  readonly orderer?: 'solo' | 'nats';
  readonly servers?: readonly string[];
}

/**
 * Parses `--orderer` and `--nats` (syntax only: see {@link resolveOrdering} for node.json).
 * @throws ERR_CLI_USAGE
 */
export function parseOrderingFlags(orderer?: string, nats?: string): OrderingOverride {
  if (orderer !== undefined && orderer !== 'solo' && orderer !== 'nats')
    throw new AppError('ERR_CLI_USAGE', `--orderer must be solo or nats, got ${orderer}`);
  if (orderer === 'solo' && nats !== undefined)
    throw new AppError('ERR_CLI_USAGE', '--nats goes with --orderer nats, not --orderer solo');
  return {
    ...(orderer === undefined ? {} : { orderer }),
    ...(nats === undefined ? {} : { servers: parseNatsServers(nats) }),
  };
}

/**
 * The ordering of a run: node.json's `ordering` with the command line's override applied.
 * `--nats` replaces the server list of a NATS node (its other settings stay); `--orderer nats
 * --nats …` turns a solo folder into a consortium node for this run. A node that orders through
 * NATS is never run solo: its blocks would leave the consortium's chain.
 * @param base node.json's ordering, or undefined for a folder `node init` is about to create
 * @throws ERR_CLI_USAGE for a combination that makes no sense
 */
export function resolveOrdering(
  base: OrderingConfig | undefined,
  override: OrderingOverride,
): OrderingConfig {
  const current = base ?? DEFAULT_SOLO_ORDERING;
  const wantsNats = override.orderer === 'nats' || override.servers !== undefined;
  if (override.orderer === 'solo') {
    if (current.type === 'nats')
      throw new AppError(
        'ERR_CLI_USAGE',
        '--orderer solo: this node orders through NATS (node.json); run solo, it would seal blocks the consortium never ordered',
      );
    return current;
  }
  if (!wantsNats) return current;
  if (current.type === 'nats')
    return override.servers === undefined ? current : { ...current, servers: override.servers };
  if (override.orderer !== 'nats')
    throw new AppError('ERR_CLI_USAGE', '--nats needs --orderer nats (this node orders solo)');
  if (override.servers === undefined)
    throw new AppError('ERR_CLI_USAGE', '--orderer nats needs --nats <url,url,…>');
  return { type: 'nats', servers: override.servers };
}
