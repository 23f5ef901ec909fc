import type { Command } from 'commander';
import { AppError } from '../../errors.ts';
import { connect, nodeOptions, type NodeOpts } from '../connect.ts';
import { output } from '../io.ts';

/** Parses `name=value` inputs; numbers and booleans are typed as JSON would read them. @throws ERR_CLI_USAGE */
function parseInputs(pairs: readonly string[]): Record<string, string | number | boolean> {
  const input: Record<string, string | number | boolean> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq < 1)
      throw new AppError(
        'ERR_CLI_USAGE',
        `query inputs are name=value, got ${JSON.stringify(pair)}`,
      );
    const name = pair.slice(0, eq);
    const text = pair.slice(eq + 1);
    input[name] = /^-?\d{1,15}$/.test(text)
      ? Number(text)
      : text === 'true'
        ? true
        : text === 'false'
          ? false
          : text;
  }
  return input;
}

/**
 * `realdid query <namespace> <name> [name=value…]`: runs any module query the node lists at
 * `/v1/modules`, so a new module's reads need no new command. `--list` shows them.
 */
export function queryCommand(program: Command): void {
  nodeOptions(program.command('query'))
    .description(
      "run a module's read-only query (see --list): realdid query gov proposals status=open limit=10",
    )
    .argument('[namespace]', 'module namespace, e.g. gov')
    .argument('[name]', 'query name, e.g. proposals')
    .argument('[inputs...]', 'path parameters and query-string fields as name=value')
    .option('--list', 'list the modules the node runs and their queries')
    .option('--json', 'machine-readable output')
    .action(
      async (
        namespace: string | undefined,
        name: string | undefined,
        inputs: string[],
        o: NodeOpts & { list?: boolean; json?: boolean },
      ) => {
        if (!o.list && (namespace === undefined || name === undefined))
          throw new AppError('ERR_CLI_USAGE', 'give <namespace> <name>, or --list');
        const input = parseInputs(inputs);
        const client = await connect(o);
        if (o.list) {
          const { modules } = await client.modules();
          output(o.json ?? false, modules, () =>
            modules
              .map((m) =>
                [
                  `${m.namespace} (${m.name}): kinds ${m.kinds.join(', ') || '—'}`,
                  ...m.queries.map((q) => `  ${q.name.padEnd(16)} GET ${q.path}  ${q.summary}`),
                ].join('\n'),
              )
              .join('\n'),
          );
          return;
        }
        const answer = await client.query(namespace!, name!, input);
        output(o.json ?? false, answer, () => JSON.stringify(answer, null, 2));
      },
    );
}
