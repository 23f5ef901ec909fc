import type { ESLint, Rule } from 'eslint';

/** `realdid/import-boundaries` (see import-boundaries.js for what it checks). */
export declare const importBoundaries: Rule.RuleModule;
declare const plugin: ESLint.Plugin;
export default plugin;
