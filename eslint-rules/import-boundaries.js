/**
 * `realdid/import-boundaries`: the layer rules of STYLE.md ("Layout", "Dependency direction"),
 * checked on every relative import, re-export, dynamic `import('…')` and `import('…')` type.
 *
 * Inside `src/`:
 * - a file of layer A may import layer B only if B is listed in `layers[A]` (imports point
 *   downward; an upward or sideways import is reported);
 * - across layers, only `src/<layer>/index.ts` may be imported (`../ledger/merkle/log.ts` from
 *   outside `src/ledger/` is reported);
 * - within a layer, a sub-folder that has an `index.ts` is entered only through it from outside
 *   that sub-folder, and a file whose name starts with `_` is private to its folder;
 * - `shared` files (`src/errors.ts`) are importable from everywhere;
 * - `src/` never imports `test/`, `bench/`, `scripts/` or any other folder outside `src/`.
 *
 * Outside `src/`, each entry of `outside` names a folder and its policy:
 * - `'index'`: may import a layer only through `src/<layer>/index.ts` (and the shared files);
 * - `'mirror'`: as `'index'`, except that `<dir>/<layer>/…` may import any file of
 *   `src/<layer>/`, private `_` files included (white-box tests of their own layer);
 * - `'none'`: may not import `src/` at all;
 * - `'sdk'`: may import only `src/sdk/index.ts` and the shared files (for `web/`, which bundles the
 *   SDK's pure verifiers for the browser and otherwise speaks only HTTP to the node).
 * Files in no listed folder (e.g. `bin/`, config files) are not checked.
 *
 * Imports are resolved as written (relative specifiers with their `.ts` extension); package
 * imports (`fastify`, `node:fs`) are not this rule's business.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

/** @typedef {'index' | 'mirror' | 'none' | 'sdk'} OutsidePolicy */
/**
 * @typedef {object} Options
 * @property {string} rootDir absolute path of the repository root
 * @property {string} [srcDir] source folder, relative to rootDir (default `src`)
 * @property {Record<string, string[]>} layers layer → the layers it may import
 * @property {string[]} [shared] files under srcDir importable from everywhere (`errors.ts`)
 * @property {string[]} [entries] files directly under srcDir that may import any layer's index
 *   and that no src/ file may import (`index.ts`, the public surface)
 * @property {Record<string, OutsidePolicy>} [outside] folder (relative to rootDir) → policy
 */

const toPosix = (p) => p.split(path.sep).join('/');

/** True when `child` is `parent` or lies inside it (both absolute, normalised). */
function isInside(child, parent) {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** Every layer that `layer` reaches through `layers`, itself excluded. */
function reachable(layers, layer) {
  const seen = new Set();
  const stack = [...(layers[layer] ?? [])];
  while (stack.length > 0) {
    const next = stack.pop();
    if (seen.has(next)) continue;
    seen.add(next);
    stack.push(...(layers[next] ?? []));
  }
  return seen;
}

/** @type {import('eslint').Rule.RuleModule} */
export const importBoundaries = {
  meta: {
    type: 'problem',
    docs: { description: 'Layered imports: downward only, and through each folder index.ts' },
    schema: [
      {
        type: 'object',
        properties: {
          rootDir: { type: 'string' },
          srcDir: { type: 'string' },
          layers: {
            type: 'object',
            additionalProperties: { type: 'array', items: { type: 'string' } },
          },
          shared: { type: 'array', items: { type: 'string' } },
          entries: { type: 'array', items: { type: 'string' } },
          outside: {
            type: 'object',
            additionalProperties: { enum: ['index', 'mirror', 'none', 'sdk'] },
          },
        },
        required: ['rootDir', 'layers'],
        additionalProperties: false,
      },
    ],
    messages: {
      upward:
        "'{{spec}}': layer {{from}} may not import layer {{to}}, which sits above it (imports point downward; pass what is needed in from above)",
      notAllowed: "'{{spec}}': layer {{from}} may not import layer {{to}} (allowed: {{allowed}})",
      bypass: "'{{spec}}' reaches past {{folder}}/index.ts; import it from '{{folder}}/index.ts'",
      private: "'{{spec}}' is private to {{folder}}/ (files starting with _ are private)",
      entry: "'{{spec}}': {{target}} is an entry point and is not imported from src/",
      noLayer:
        "'{{spec}}': {{target}} belongs to no declared layer (add it to the boundaries config)",
      srcOutside: "'{{spec}}': src/ never imports {{target}} (only files under src/ and packages)",
      forbidden: "'{{spec}}': {{dir}}/ may not import src/ (it speaks only HTTP to the node)",
      sdkOnly:
        "'{{spec}}': {{dir}}/ imports only src/sdk/index.ts (the SDK's pure verifiers) from src/; it asks the node everything else over HTTP",
    },
  },

  create(context) {
    /** @type {Options} */
    const opts = context.options[0];
    const rootDir = path.resolve(opts.rootDir);
    const srcDir = path.resolve(rootDir, opts.srcDir ?? 'src');
    const layers = opts.layers;
    const shared = new Set((opts.shared ?? []).map((f) => path.resolve(srcDir, f)));
    const entries = new Set((opts.entries ?? []).map((f) => path.resolve(srcDir, f)));
    const outside = Object.entries(opts.outside ?? {}).map(([dir, policy]) => ({
      dir: path.resolve(rootDir, dir),
      name: dir,
      policy,
    }));

    const filename = path.resolve(context.filename);
    const fromSrc = isInside(filename, srcDir);
    const zone = fromSrc ? undefined : outside.find((z) => isInside(filename, z.dir));
    if (!fromSrc && zone === undefined) return {};

    /** The layer of a file under srcDir (its first folder), or undefined for a top-level file. */
    const layerOf = (file) => {
      const first = toPosix(path.relative(srcDir, file)).split('/');
      return first.length > 1 ? first[0] : undefined;
    };
    /** A path as the messages name it: relative to the repository root. */
    const show = (file) => toPosix(path.relative(rootDir, file));

    const fromLayer = fromSrc ? layerOf(filename) : undefined;
    const fromEntry = entries.has(filename);
    /** The layer a mirrored outside folder stands for (`test/ledger/…` → ledger). */
    const mirrorLayer =
      zone?.policy === 'mirror'
        ? toPosix(path.relative(zone.dir, filename)).split('/')[0]
        : undefined;

    /**
     * The first folder between `layerDir` (exclusive) and the target that the importer is
     * outside of and that has an index.ts the target is not: the folder being bypassed.
     */
    function bypassedFolder(target, startDir) {
      const rel = toPosix(path.relative(startDir, path.dirname(target)));
      if (rel === '') return undefined;
      let dir = startDir;
      for (const part of rel.split('/')) {
        dir = path.join(dir, part);
        if (isInside(filename, dir)) continue;
        if (existsSync(path.join(dir, 'index.ts')) && target !== path.join(dir, 'index.ts'))
          return dir;
      }
      return undefined;
    }

    /** Private `_` files: importable only from inside their own folder. */
    function privateFolder(target) {
      const dir = path.dirname(target);
      return path.basename(target).startsWith('_') && !isInside(filename, dir) ? dir : undefined;
    }

    function check(node, spec) {
      if (typeof spec !== 'string' || !(spec.startsWith('./') || spec.startsWith('../'))) return;
      const target = path.resolve(path.dirname(filename), spec);
      const report = (messageId, data = {}) =>
        context.report({ node, messageId, data: { spec, ...data } });
      const toSrc = isInside(target, srcDir);

      if (!toSrc) {
        if (fromSrc) report('srcOutside', { target: show(target) });
        return;
      }
      if (zone?.policy === 'none') return report('forbidden', { dir: zone.name });
      if (shared.has(target)) return;
      if (zone?.policy === 'sdk') {
        if (target !== path.join(srcDir, 'sdk', 'index.ts')) report('sdkOnly', { dir: zone.name });
        return;
      }
      if (entries.has(target)) {
        if (fromSrc) report('entry', { target: show(target) });
        return;
      }
      const toLayer = layerOf(target);
      if (toLayer === undefined || !(toLayer in layers))
        return report('noLayer', { target: show(target) });
      const layerDir = path.join(srcDir, toLayer);

      const sameLayer = fromSrc ? fromLayer === toLayer : mirrorLayer === toLayer;
      if (sameLayer) {
        if (!fromSrc) return; // a mirrored test of its own layer: white-box, any file
        const priv = privateFolder(target);
        if (priv !== undefined) return report('private', { folder: show(priv) });
        const bypassed = bypassedFolder(target, layerDir);
        if (bypassed !== undefined) report('bypass', { folder: show(bypassed) });
        return;
      }

      if (fromSrc && !fromEntry) {
        if (fromLayer === undefined || !(fromLayer in layers)) {
          return report('noLayer', { target: show(filename) });
        }
        if (!layers[fromLayer].includes(toLayer)) {
          const upward = reachable(layers, toLayer).has(fromLayer);
          return report(upward ? 'upward' : 'notAllowed', {
            from: fromLayer,
            to: toLayer,
            allowed: layers[fromLayer].join(', ') || 'none',
          });
        }
      }
      if (target !== path.join(layerDir, 'index.ts')) report('bypass', { folder: show(layerDir) });
    }

    const fromSource = (node) => {
      if (node.source) check(node.source, node.source.value);
    };
    return {
      ImportDeclaration: fromSource,
      ExportNamedDeclaration: fromSource,
      ExportAllDeclaration: fromSource,
      ImportExpression(node) {
        if (node.source.type === 'Literal') check(node.source, node.source.value);
        else if (node.source.type === 'TemplateLiteral' && node.source.expressions.length === 0) {
          check(node.source, node.source.quasis[0].value.cooked);
        }
      },
      TSImportType(node) {
        const arg = node.argument;
        const lit = arg?.type === 'TSLiteralType' ? arg.literal : arg;
        if (lit?.type === 'Literal') check(lit, lit.value);
      },
    };
  },
};

/** The local plugin: `realdid/import-boundaries`. */
export default {
  meta: { name: 'eslint-plugin-realdid-local' },
  rules: { 'import-boundaries': importBoundaries },
};
