import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { AppError, isAppError } from '../errors.ts';
import { publicKeyOfDidKey } from './did-key.ts';
import type {
  BlockSigner,
  ConsortiumPolicy,
  DocumentRule,
  KeyResolver,
  LedgerModule,
  StateReader,
  TxKind,
} from './module.ts';

// ajv-formats is CommonJS; under NodeNext its default import is the module object.
type AddFormats = (ajv: Ajv) => Ajv;
const addFormats = ((addFormatsModule as unknown as { default?: AddFormats }).default ??
  addFormatsModule) as unknown as AddFormats;

/**
 * Runs a module's code: its typed errors pass through; anything else is a bug in the module,
 * turned into ERR_LEDGER_MODULE_FAILED (with the original error, and its stack, as the cause).
 */
export function runModuleCode<T>(module: LedgerModule, what: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (isAppError(err)) throw err;
    const message = err instanceof Error ? err.message : String(err);
    throw new AppError(
      'ERR_LEDGER_MODULE_FAILED',
      `module "${module.name}" failed on ${what}: ${message}`,
      {
        cause: err,
      },
    );
  }
}

/** Namespaces the core keeps for itself. */
const RESERVED_NAMESPACES = new Set(['core']);

/** A registered kind with its compiled body validator. */
export interface RegisteredKind {
  readonly module: LedgerModule;
  readonly def: TxKind;
  readonly validate: ValidateFunction;
}

/** Adds the standard formats (uri, date-time, …) to an ajv instance. */
export function addFormatsTo(ajv: Ajv): Ajv {
  return addFormats(ajv);
}

/** A strict ajv instance (no coercion, no defaults: bodies are signed as they are). */
export function createAjv(): Ajv {
  return addFormats(
    new Ajv({
      strict: true,
      allErrors: false,
      coerceTypes: false,
      useDefaults: false,
      removeAdditional: false,
    }),
  );
}

/** Formats the first ajv error as `"/path" must …`. */
export function describeSchemaError(validate: ValidateFunction): string {
  const e = validate.errors?.[0];
  if (e === undefined) return 'does not match the schema';
  const extra =
    e.keyword === 'additionalProperties' ? ` (${JSON.stringify(e.params.additionalProperty)})` : '';
  return `"${e.instancePath || '/'}" ${e.message ?? 'is invalid'}${extra}`;
}

/**
 * The set of modules a ledger runs: transaction kinds by name, key resolvers by DID method and
 * the consortium policy. The same registry (same modules, same versions) on every node is part
 * of determinism.
 */
export class ModuleRegistry {
  readonly modules: readonly LedgerModule[];
  readonly #kinds = new Map<string, RegisteredKind>();
  readonly #resolvers = new Map<string, { module: LedgerModule; resolve: KeyResolver }>();
  readonly #documents = new Map<
    string,
    { module: LedgerModule; rule: DocumentRule; validate: ValidateFunction }
  >();
  /** The consortium policy, used through {@link ModuleRegistry.signers} (which guards its module's code). */
  readonly consortium: ConsortiumPolicy | undefined;

  /** @throws TypeError on a duplicate namespace, kind or resolver, or a kind outside its namespace */
  constructor(modules: readonly LedgerModule[]) {
    this.modules = modules;
    const ajv = createAjv();
    const namespaces = new Set<string>();
    let consortium: ConsortiumPolicy | undefined;
    for (const m of modules) {
      if (
        RESERVED_NAMESPACES.has(m.namespace) ||
        namespaces.has(m.namespace) ||
        !/^[a-z][a-z0-9-]*$/.test(m.namespace)
      ) {
        throw new TypeError(
          `module "${m.name}": namespace "${m.namespace}" is reserved, taken or invalid`,
        );
      }
      namespaces.add(m.namespace);
      for (const k of m.kinds) {
        if (!k.kind.startsWith(`${m.namespace}.`))
          throw new TypeError(`kind "${k.kind}" is outside namespace "${m.namespace}"`);
        if (this.#kinds.has(k.kind)) throw new TypeError(`kind "${k.kind}" registered twice`);
        this.#kinds.set(k.kind, { module: m, def: k, validate: ajv.compile(k.schema) });
      }
      for (const [name, rule] of Object.entries(m.documents ?? {}))
        this.#documents.set(`${m.namespace}/${name}`, {
          module: m,
          rule,
          validate: ajv.compile(rule.schema),
        });
      for (const [method, resolver] of Object.entries(m.keyResolvers ?? {})) {
        if (method === 'key' || this.#resolvers.has(method))
          throw new TypeError(`key resolver for did:${method} registered twice`);
        this.#resolvers.set(method, { module: m, resolve: resolver });
      }
      if (m.consortium !== undefined) {
        if (consortium !== undefined)
          throw new TypeError('only one module may provide the consortium policy');
        consortium = m.consortium;
      }
    }
    this.consortium = consortium;
  }

  /** @throws ERR_LEDGER_UNKNOWN_KIND */
  kind(kind: string): RegisteredKind {
    const k = this.#kinds.get(kind);
    if (k === undefined)
      throw new AppError(
        'ERR_LEDGER_UNKNOWN_KIND',
        `no module handles kind ${JSON.stringify(kind)}`,
      );
    return k;
  }

  /** The module owning a namespace, if one is registered. */
  moduleOf(namespace: string): LedgerModule | undefined {
    return this.modules.find((m) => m.namespace === namespace);
  }

  /** The module that provides the consortium policy (whose state decides who signs blocks). */
  get consortiumModule(): LedgerModule | undefined {
    return this.modules.find((m) => m.consortium !== undefined);
  }

  /**
   * Who may sign checkpoints in `state` (the consortium policy's answer; none without a policy).
   * @throws ERR_LEDGER_MODULE_FAILED when the policy's module fails
   */
  signers(state: StateReader): BlockSigner[] {
    const policy = this.consortium;
    const module = this.consortiumModule;
    if (policy === undefined || module === undefined) return [];
    return runModuleCode(module, 'its consortium policy', () => policy.signers(state));
  }

  /** Topics of the documents governance may adopt, sorted. */
  documentTopics(): string[] {
    return [...this.#documents.keys()].sort();
  }

  /**
   * Checks a document for `topic` against its module's rule: the schema, then the rule's `check`.
   * @throws ERR_LEDGER_UNKNOWN_DOCUMENT, ERR_LEDGER_BAD_DOCUMENT, the rule's own codes
   */
  readonly checkDocument = (topic: string, document: unknown, state: StateReader): void => {
    const d = this.#documents.get(topic);
    if (d === undefined)
      throw new AppError(
        'ERR_LEDGER_UNKNOWN_DOCUMENT',
        `no module declares a document ${JSON.stringify(topic.slice(0, 80))}`,
      );
    if (!d.validate(document))
      throw new AppError(
        'ERR_LEDGER_BAD_DOCUMENT',
        `document ${topic} ${describeSchemaError(d.validate)}`,
      );
    const check = d.rule.check;
    if (check !== undefined)
      runModuleCode(d.module, `document ${topic}`, () => check(document, state));
  };

  kindNames(): string[] {
    return [...this.#kinds.keys()].sort();
  }

  /**
   * The public key a signer DID URL names in `state`.
   * @throws ERR_LEDGER_BAD_SIGNER for an unsupported method, a malformed URL or an unknown key
   */
  resolveKey(state: StateReader, didUrl: string): Uint8Array {
    const method = didUrl.slice(4, didUrl.indexOf(':', 4));
    if (method === 'key') {
      try {
        return publicKeyOfDidKey(didUrl);
      } catch (err) {
        throw new AppError(
          'ERR_LEDGER_BAD_SIGNER',
          `signer ${JSON.stringify(didUrl.slice(0, 80))} is not an Ed25519 did:key URL`,
          { cause: err },
        );
      }
    }
    const resolver = this.#resolvers.get(method);
    if (resolver === undefined)
      throw new AppError('ERR_LEDGER_BAD_SIGNER', `no key resolver for did:${method}`);
    const key = runModuleCode(resolver.module, `the did:${method} key resolver`, () =>
      resolver.resolve(state, didUrl),
    );
    if (key === undefined)
      throw new AppError(
        'ERR_LEDGER_BAD_SIGNER',
        `signer key ${JSON.stringify(didUrl.slice(0, 120))} is not an active key in the ledger state`,
      );
    return key;
  }
}
