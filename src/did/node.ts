import { constants } from 'node:buffer';
import type { FastifyInstance } from 'fastify';
import type { JsonValue } from '../crypto/index.ts';
import type {
  ChainView,
  LedgerModule,
  ModuleHost,
  ModuleNode,
  ModuleRuntime,
} from '../ledger/index.ts';
import { resolveForHttp } from './http.ts';
import { IDENTIFIERS_ROUTE_SCHEMA } from './http-schemas.ts';
import { resolverProofs } from './proofs.ts';
import { DID_KEYS } from './state.ts';
import { DidViewCache } from './view-cache.ts';

/** Default memory for pre-rendered resolutions, MiB: about 1.2 million wallet DIDs (1.6 KB each). */
export const DEFAULT_DID_VIEW_CACHE_MB = 2048;
/** Largest budget, MiB: the views are one Buffer. */
export const MAX_DID_VIEW_CACHE_MB = Math.floor(constants.MAX_LENGTH / 2 ** 20);
/** DIDs per fill step: about 5 ms of rendering between two turns of the event loop. */
const FILL_CHUNK = 250;

/** Node options of the did module (`modules.did`). */
export interface DidNodeOptions {
  /** Memory for pre-rendered DID resolutions, MiB (0 = none). */
  readonly viewCacheMb?: number;
}

/** What the did module's node part hands back: the resolver's read model. */
export interface DidRuntime extends ModuleRuntime {
  readonly views: DidViewCache;
}

/** @throws RangeError for an unknown option or a budget outside 0..MAX_DID_VIEW_CACHE_MB */
function checkOptions(options: JsonValue | undefined): void {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object' || Array.isArray(options))
    throw new RangeError('did module options must be an object');
  for (const [name, value] of Object.entries(options)) {
    if (name !== 'viewCacheMb')
      throw new RangeError(`unknown did module option ${JSON.stringify(name)}`);
    if (
      !Number.isSafeInteger(value) ||
      (value as number) < 0 ||
      (value as number) > MAX_DID_VIEW_CACHE_MB
    ) {
      throw new RangeError(
        `did option "viewCacheMb" expected an integer from 0 to ${MAX_DID_VIEW_CACHE_MB}, got ${JSON.stringify(value)}`,
      );
    }
  }
}

/**
 * Fills `views` from the committed `did/doc/` state in chunks, yielding to the event loop
 * between them (the node serves meanwhile; a DID not yet filled is resolved from the store).
 * Blocks committed meanwhile reach the views through the commit listener, and a chunk reads the
 * store as it is then, so the views never fall behind the state.
 */
async function fillViews(
  views: DidViewCache,
  chain: ChainView,
  closed: () => boolean,
): Promise<void> {
  const prefix = DID_KEYS.current('');
  let after = '';
  try {
    while (!closed()) {
      const rows = chain.list(prefix, FILL_CHUNK, after);
      views.fill(rows);
      if (rows.length < FILL_CHUNK) return;
      after = rows[rows.length - 1]!.key;
      await new Promise((resolve) => setImmediate(resolve));
    }
  } catch (err) {
    // A failed store read: serve everything from the store (which will report its own errors).
    views.switchOff(`filling from the store failed: ${(err as Error).message}`);
  }
}

function open(host: ModuleHost): DidRuntime {
  const mb = (host.options as DidNodeOptions | undefined)?.viewCacheMb ?? DEFAULT_DID_VIEW_CACHE_MB;
  const views = new DidViewCache(mb * 2 ** 20);
  const { chain } = host;
  if (views.maxBytes > 0) {
    host.readModel({
      name: 'views',
      onCommit: (changes) => views.applyChanges(changes),
      fill: (closed) => fillViews(views, chain, closed),
      memory: () => ({ bytes: views.stats().bytes, budget: views.maxBytes }),
    });
  }
  const m = host.metrics;
  m.gauge(
    'views',
    'DIDs whose current resolution is kept pre-rendered.',
    () => views.stats().entries,
  );
  m.gauge(
    'view_hits_total',
    'Resolutions answered from the pre-rendered views.',
    () => views.stats().hits,
    'counter',
  );
  m.gauge(
    'view_misses_total',
    'did:rdid resolutions of DIDs without a view (resolved from the store).',
    () => views.stats().misses,
    'counter',
  );
  m.gauge(
    'view_over_budget_total',
    'DID views not kept because the memory budget was reached.',
    () => views.stats().overBudget,
    'counter',
  );
  m.gauge(
    'views_off',
    '1 when the views switched themselves off (every DID is resolved from the store).',
    () => (views.stats().disabled === undefined ? 0 : 1),
  );
  const warnings = (): string[] => {
    const off = views.stats().disabled;
    return off === undefined
      ? []
      : [`resolver views are off (every DID is resolved from the store): ${off}`];
  };
  return { views, warnings, routes: (app) => resolverRoutes(app, chain, views) };
}

/**
 * The DID resolver and DID URL dereferencer, compatible with the Universal Resolver driver API
 * (DID Resolution §12.1; the logic is `resolveForHttp`). did:rdid results carry a `proof`: the
 * signed checkpoint and sparse-Merkle proofs of the records behind the answer (or of the DID's
 * absence), so a light client trusts no node.
 */
function resolverRoutes(app: FastifyInstance, chain: ChainView, views: DidViewCache): void {
  const { writeProof, viewProof } = resolverProofs(chain);
  app.get('/1.0/identifiers/:did', { schema: IDENTIFIERS_ROUTE_SCHEMA }, async (req, reply) => {
    const { did } = req.params as { did: string };
    const query = req.query as Record<string, string>;
    // Bodies go out as bytes, which fastify leaves alone: the Content-Type is the registered
    // media type exactly (fastify adds "; charset=utf-8" to a +json type sent as a string).
    const cached = views.answer(did, req.headers.accept, query, viewProof);
    if (cached !== undefined)
      return reply.status(cached.status).type(cached.contentType).send(cached.body);
    const answer = resolveForHttp(chain.state, did, req.headers.accept, query, writeProof, (err) =>
      req.log.error({ err }, 'DID resolver failed'),
    );
    reply.status(answer.status);
    if (answer.location !== undefined) reply.header('location', answer.location);
    if (answer.contentType === undefined) return reply.send();
    return reply.type(answer.contentType).send(Buffer.from(answer.body));
  });
}

/** The did module's node part: the resolver route and its pre-rendered views. */
export const didNode: ModuleNode = { checkOptions, open };

/** The did module's runtime among a node's opened modules (its views), if the node runs it. */
export function didRuntimeOf(node: {
  readonly modules: readonly { readonly module: LedgerModule; readonly runtime: ModuleRuntime }[];
}): DidRuntime | undefined {
  return node.modules.find((m) => m.module.namespace === 'did')?.runtime as DidRuntime | undefined;
}
