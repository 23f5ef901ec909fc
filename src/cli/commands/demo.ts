/**
 * `realdid demo` (and `npm run demo`): the whole story against a fresh embedded node (the login
 * story, then the credit story), printing each step and whether it behaved as it should; exits 0
 * only if every step did.
 */
import type { Command } from 'commander';
import { AppError, isAppError } from '../../errors.ts';
import { creditSteps } from '../demo/credit-story.ts';
import { storySteps, type StepResult, type StoryReport } from '../demo/story.ts';
import { openDemoWorld } from '../demo/world.ts';
import { describeEvent } from './credit-person.ts';
import type { StoredCreditEvent } from './credit-store.ts';
import type { ActivityItem } from './wallet-activity.ts';

/** One of her credit events as her wallet keeps it, in words (with where its proof is). */
export interface CreditLine {
  readonly kind: StoredCreditEvent['event']['kind'];
  readonly ref: string;
  readonly height: number;
  readonly text: string;
}

const lineOf = (e: StoredCreditEvent): CreditLine => ({
  kind: e.event.kind,
  ref: e.event.ref,
  height: e.tx.height,
  text: describeEvent(e),
});

/** Runs the story; `dir` keeps the demo's data folder there (it must not exist yet). */
export async function runDemo(
  o: {
    readonly dir?: string;
    readonly onStep?: (r: StepResult, i: number, n: number) => void;
  } = {},
): Promise<{
  steps: StepResult[];
  total: number;
  activity: ActivityItem[];
  credit: CreditLine[];
  dir: string;
}> {
  const world = await openDemoWorld(o.dir === undefined ? {} : { dir: o.dir });
  const report: StoryReport = {};
  const steps = [...storySteps(world, report), ...creditSteps(world, report)];
  const results: StepResult[] = [];
  try {
    for (const [i, [step, run]] of steps.entries()) {
      let r: StepResult;
      try {
        r = { step, ok: true, detail: await run() };
      } catch (err) {
        if (!(err instanceof Error)) throw err;
        r = {
          step,
          ok: false,
          detail: isAppError(err) ? `${err.code}: ${err.message}` : err.message,
        };
      }
      results.push(r);
      o.onStep?.(r, i, steps.length);
      if (!r.ok) break; // later steps build on this one
    }
  } finally {
    await world.close();
  }
  return {
    steps: results,
    total: steps.length,
    activity: report.activity ?? [],
    credit: (report.credit ?? []).map(lineOf),
    dir: world.dir,
  };
}

/** Registers `realdid demo`. */
export function demoCommand(program: Command): void {
  program
    .command('demo')
    .description(
      'the whole story on a fresh embedded node: enroll, log into two sites, a real name under a policy, a stolen wallet re-bound, a lawful request refused then approved, and the activity the person sees; then credit: a company on the public list, records about the person found by her wallet, a query with her consent and one without, a dispute answered and one lapsed, a record that expires, the list read without a key',
    )
    .option('--keep <dir>', 'keep the demo data folder there (a new folder) instead of deleting it')
    .option('--json', 'machine-readable output')
    .action(async (o: { keep?: string; json?: boolean }) => {
      const json = o.json ?? false;
      const out = await runDemo({
        ...(o.keep === undefined ? {} : { dir: o.keep }),
        onStep: (r, i, n) => {
          if (!json)
            process.stdout.write(`${r.ok ? '✓' : '✗'} ${i + 1}/${n} ${r.step}\n    ${r.detail}\n`);
        },
      });
      const ok = out.steps.every((s) => s.ok) && out.steps.length === out.total;
      if (json) process.stdout.write(`${JSON.stringify({ ok, ...out })}\n`);
      else if (ok) {
        process.stdout.write('\nher activity, as her wallet shows it:\n');
        for (const a of out.activity)
          process.stdout.write(
            `  ${new Date(a.time).toISOString()}  ${a.kind}  ${a.text}${a.evidence === undefined ? '' : ` [proof: ${a.evidence.key} @ checkpoint ${a.evidence.height}]`}\n`,
          );
        process.stdout.write(
          '\nher credit events, as her wallet keeps them (with their proofs):\n',
        );
        for (const c of out.credit) process.stdout.write(`  ${c.text.replace(/\n/g, '\n  ')}\n`);
        process.stdout.write('\nevery step behaved as it should\n');
      }
      if (!ok)
        throw new AppError(
          'ERR_CLI_DEMO_FAILED',
          `step ${out.steps.length} did not behave as it should: ${out.steps.at(-1)?.detail ?? ''}`,
        );
    });
}
