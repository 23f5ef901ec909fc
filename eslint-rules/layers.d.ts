/** How a folder outside src/ may import src/ (see import-boundaries.js). */
export type OutsidePolicy = 'index' | 'mirror' | 'none';

/** Options of `realdid/import-boundaries`. */
export interface BoundaryOptions {
  rootDir: string;
  srcDir: string;
  layers: Record<string, string[]>;
  shared: string[];
  entries: string[];
  outside: Record<string, OutsidePolicy>;
}

/** Each layer → the layers it may import (STYLE.md "Dependency direction"). */
export declare const LAYERS: Record<string, string[]>;

/** Options of `realdid/import-boundaries` for a repository rooted at `rootDir`. */
export declare function boundaryOptions(rootDir: string): BoundaryOptions;
