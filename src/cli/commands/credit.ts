/**
 * `realdid credit …`: the credit registry from the command line. Issuers (key files of accredited
 * credit issuers) write and answer; queriers query with a person's consent or an organization's
 * code and read reports; the person, with the wallet, obtains the credit credential, watches for
 * their records and queries (with proofs), consents, disputes and reads their own report; anyone
 * reads an organization's public record.
 */
import type { Command } from 'commander';
import { creditIssuerCommands } from './credit-issuer.ts';
import { creditPersonCommands } from './credit-person.ts';
import { creditReaderCommands } from './credit-reader.ts';

/**
 * Registers `realdid credit issue|amend|withdraw|restore|respond|handle|bind-org` (issuers),
 * `credential|watch|consent|dispute` (the person), `query|report|score|public|record|events|body`.
 */
export function creditCommands(program: Command): void {
  const credit = program
    .command('credit')
    .description(
      'the credit registry: accountable records by accredited issuers, consented queries, disputes, reports with explainable scores',
    );
  creditIssuerCommands(credit);
  creditPersonCommands(credit);
  creditReaderCommands(credit);
}
