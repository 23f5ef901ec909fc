/**
 * The web pages' scripts, bundled by esbuild from `web/<app>/main.ts` when first asked for and
 * kept in memory for the life of the process (nothing built is committed or written to disk).
 *
 * The pages verify proofs with the SDK's own pure verifiers. For the browser, the bundler swaps
 * `src/crypto/hash.ts` and `src/crypto/ed25519.ts` (node:crypto) for `hash.browser.ts` and
 * `ed25519.browser.ts` (the same exports over `@noble/hashes` and `@noble/curves`), gives the
 * code a `Buffer` (the `buffer` package, taught base64url by `web/shared/buffer-global.ts`; an
 * import of `node:buffer` from the project's files gets `web/shared/node-buffer.ts`, with Node's
 * `constants`), and replaces what cannot run in a browser (node
 * built-ins, SQLite, NATS, the server) by a module that throws if it is ever called: the
 * verifiers never reach them, and the project's own files are marked free of side effects so
 * that what the pages do not use is left out.
 */
import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'esbuild';

/**
 * The package root (the folder holding `src/` and `web/`): the nearest folder above this module
 * holding `web/shared/`, found by walking up, so that it is found from `src/node/web/` and from a
 * bundle of the CLI under `node_modules/.cache/` alike.
 */
function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'web', 'shared', 'style.css')) && existsSync(join(dir, 'src')))
      return dir;
    if (dirname(dir) === dir) throw new Error(`no web/ folder above ${from}`);
  }
}

/** The package root (the folder holding `src/` and `web/`). */
export const ROOT_DIR = findRoot(dirname(fileURLToPath(import.meta.url)));
/** Where the pages' sources live. */
export const WEB_DIR = join(ROOT_DIR, 'web');

const SRC_DIR = join(ROOT_DIR, 'src');
const SWAPS: ReadonlyMap<string, string> = new Map([
  [join(SRC_DIR, 'crypto', 'hash.ts'), join(SRC_DIR, 'crypto', 'hash.browser.ts')],
  [join(SRC_DIR, 'crypto', 'ed25519.ts'), join(SRC_DIR, 'crypto', 'ed25519.browser.ts')],
]);
/** Packages that only run on a server; never reached by the pages' code. */
const SERVER_ONLY = /^(better-sqlite3|pino|fastify|@fastify\/|@nats-io\/|commander|cli-progress)/;
const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const BUFFER = new Set(['buffer', 'node:buffer']);

const inProject = (path: string): boolean =>
  path.startsWith(SRC_DIR + sep) || path.startsWith(WEB_DIR + sep);

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/**
 * An ES module with the named exports of the server-only module `name` (read from the module
 * itself, loaded in this process), each a function that throws when called: a page that reaches
 * one by mistake fails at that call, saying which, instead of running on a missing module.
 */
async function serverOnlyStub(name: string): Promise<string> {
  const mod = (await import(name)) as Record<string, unknown>;
  const names = Object.keys(mod).filter((n) => n !== 'default' && IDENTIFIER.test(n));
  return [
    'const stub = (name) => function serverOnly() {',
    `  throw new Error('not available in the browser: ' + name + ' of ${name}');`,
    '};',
    "export default stub('default');",
    ...names.map((n) => `export const ${n} = stub('${n}');`),
  ].join('\n');
}

/** What `node:buffer` is for the project's files: the patched `Buffer` and Node's constants. */
const NODE_BUFFER = join(WEB_DIR, 'shared', 'node-buffer.ts');
/** The files that build it, which import the package itself. */
const BUFFER_SHIMS = new Set([NODE_BUFFER, join(WEB_DIR, 'shared', 'buffer-global.ts')]);
const BUFFER_PACKAGE = join(ROOT_DIR, 'node_modules', 'buffer', 'index.js');

/** Marks a resolution asked by this plugin through `build.resolve`, so it is not handled twice. */
const RESOLVING = 'realdidResolving';

/** The esbuild plugin doing the swaps and stubs described above. */
export function browserPlugin(): Plugin {
  return {
    name: 'realdid-browser',
    setup(build) {
      build.onResolve({ filter: /.*/ }, async (args) => {
        if ((args.pluginData as Record<string, unknown> | undefined)?.[RESOLVING] === true)
          return undefined;
        if (BUFFER.has(args.path) && args.importer !== '') {
          // The package's own files and the shims get the package; the project's files (and a
          // test's entry) get Node's shape of the module, over the same patched Buffer.
          const fromPackage = args.importer.includes(`${sep}node_modules${sep}`);
          return {
            path: fromPackage || BUFFER_SHIMS.has(args.importer) ? BUFFER_PACKAGE : NODE_BUFFER,
          };
        }
        if (BUILTINS.has(args.path) || SERVER_ONLY.test(args.path)) {
          return { path: args.path, namespace: 'server-only' };
        }
        if (!args.path.startsWith('.')) return undefined; // a package: esbuild resolves it
        if (!inProject(resolve(args.resolveDir, args.path))) return undefined; // inside a package
        // esbuild resolves the path (extensionless, a folder's index, …); then the swaps apply,
        // and the project's file is marked free of side effects.
        const found = await build.resolve(args.path, {
          kind: args.kind,
          importer: args.importer,
          resolveDir: args.resolveDir,
          pluginData: { [RESOLVING]: true },
        });
        if (found.errors.length > 0) return { errors: found.errors };
        if (!inProject(found.path)) return undefined;
        return { path: SWAPS.get(found.path) ?? found.path, sideEffects: false };
      });
      build.onLoad({ filter: /.*/, namespace: 'server-only' }, async (args) => ({
        contents: await serverOnlyStub(args.path),
        loader: 'js',
      }));
    },
  };
}

const built = new Map<string, Promise<string>>();

/**
 * The bundled script of the web app `app` (`web/<app>/main.ts`), built once per process.
 * @throws Error when the sources do not build (a bug of the project, reported as a 500)
 */
export function webScript(app: string): Promise<string> {
  if (!/^[a-z][a-z0-9-]*$/.test(app)) throw new TypeError(`"app" is not an app name: ${app}`);
  let script = built.get(app);
  if (script === undefined) {
    script = bundle(join(WEB_DIR, app, 'main.ts'));
    script.catch(() => built.delete(app)); // a failed build is tried again on the next request
    built.set(app, script);
  }
  return script;
}

async function bundle(entry: string): Promise<string> {
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    inject: [join(WEB_DIR, 'shared', 'buffer-global.ts')],
    define: { 'process.env.NODE_ENV': '"production"' },
    plugins: [browserPlugin()],
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

const files = new Map<string, string>();

/** A static file of `web/` (CSS), read once per process. */
export function webFile(path: string): string {
  let text = files.get(path);
  if (text === undefined) {
    text = readFileSync(join(WEB_DIR, path), 'utf8');
    files.set(path, text);
  }
  return text;
}
