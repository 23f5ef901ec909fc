/**
 * SHA-256 (FIPS 180-4) of small inputs in WebAssembly. node:crypto hashes fast, but each call
 * crosses into C++ and allocates a Buffer (about 1 µs here), and the Merkle and state trees hash
 * millions of 33- and 65-byte inputs. The WebAssembly module is built here, from the algorithm,
 * when this file loads: no binary is shipped and nothing is downloaded. `blocks` compresses `n`
 * 64-byte blocks the caller padded in JavaScript; `prefixed` and `prefixed4` hash tree nodes
 * (`prefix || 64 bytes`, 65 bytes) straight from 32-bit words, `prefixed4` four at once with
 * 128-bit SIMD vectors, one message per lane (about twice the rate of one by one).
 *
 * Every result is checked against node:crypto in the tests (FIPS vectors, every length around
 * the block boundaries, random inputs).
 */

/** Largest input hashed here; longer ones go to node:crypto, which is faster for them. */
export const SHA256_WASM_MAX_INPUT = 247;

/**
 * Byte offsets in the module's memory: the digest, then the padded input; the 64 data bytes of
 * four node hashes (lane k at NODE_IN + 64k), then their digests.
 */
const OUT = 0;
const IN = 64;
const NODE_IN = 1024;
const NODE_OUT = NODE_IN + 4 * 64;

// FIPS 180-4 §4.2.2 and §5.3.3.
const K = [
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];
const IV = [
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
];

// WebAssembly opcodes used below (WebAssembly Core Specification §5.4).
const LOOP = 0x03;
const VOID = 0x40;
const BR_IF = 0x0d;
const END = 0x0b;
const GET = 0x20;
const SET = 0x21;
const TEE = 0x22;
const LOAD = 0x28;
const STORE = 0x36;
const CONST = 0x41;
const ADD = 0x6a;
const SUB = 0x6b;
const AND = 0x71;
const OR = 0x72;
const XOR = 0x73;
const SHL = 0x74;
const SHR_U = 0x76;
const ROTL = 0x77;
const ROTR = 0x78;
const I32 = 0x7f;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

/** A section: id, then its byte length, then its content. */
function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}

function name(text: string): number[] {
  return [text.length, ...Array.from(text, (c) => c.charCodeAt(0))];
}

// SIMD instructions: the 0xfd prefix, then the opcode as a LEB128 u32 (WebAssembly Core
// Specification §5.4.8).
const SIMD = 0xfd;
const V128 = 0x7b;
const V_LOAD32_SPLAT = 0x09;
const V_SPLAT = 0x11; // i32x4.splat
const V_CONST = 0x0c;
const V_SHUFFLE = 0x0d;
const V_EXTRACT_LANE = 0x1b;
const V_REPLACE_LANE = 0x1c;
const V_AND = 0x4e;
const V_OR = 0x50;
const V_XOR = 0x51;
const V_SHL = 0xab;
const V_SHR_U = 0xad;
const V_ADD = 0xae;
/** Reverses the bytes of each 32-bit lane (big-endian words to little-endian and back). */
const BSWAP_LANES = [3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12];

/** Local indices of a compression function's words: chaining value, working variables, schedule. */
interface Layout {
  readonly H0: number;
  readonly V0: number;
  readonly W0: number;
  readonly T1: number;
}

/**
 * Emits SHA-256 (FIPS 180-4 §6.2.2) on one 32-bit word per value (`lanes` 1) or on four
 * messages at once, one per 32-bit lane of 128-bit vectors (`lanes` 4; WebAssembly SIMD has the
 * same adds and bit operations, but no rotation). The rounds are fully unrolled; the eight
 * working variables rotate by renaming instead of moving, and the message schedule is a 16-word
 * window.
 */
function emitter(lanes: 1 | 4, L: Layout) {
  const vector = lanes === 4;
  const c: number[] = [];
  const get = (l: number): void => void c.push(GET, l);
  const set = (l: number): void => void c.push(SET, l);
  const i32 = (v: number): void => void c.push(CONST, ...sleb(v | 0));
  const op = (...ops: number[]): void => void c.push(...ops);
  const vop = (o: number, ...immediates: number[]): void =>
    void c.push(SIMD, ...uleb(o), ...immediates);
  const add = (): void => (vector ? vop(V_ADD) : op(ADD));
  const xor = (): void => (vector ? vop(V_XOR) : op(XOR));
  const and = (): void => (vector ? vop(V_AND) : op(AND));
  const or = (): void => (vector ? vop(V_OR) : op(OR));
  /** A constant word (in every lane). */
  const word = (v: number): void => {
    if (!vector) return i32(v);
    const le = [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
    vop(V_CONST, ...le, ...le, ...le, ...le);
  };
  /** The word on the stack shifted by `r` bits (left or right, logical). */
  const shift = (left: boolean, r: number): void => {
    i32(r);
    if (vector) vop(left ? V_SHL : V_SHR_U);
    else op(left ? SHL : SHR_U);
  };
  const rotr = (l: number, r: number): void => {
    get(l);
    if (!vector) {
      i32(r);
      return op(ROTR);
    }
    // (x >>> r) | (x << (32 - r))
    shift(false, r);
    get(l);
    shift(true, 32 - r);
    or();
  };
  const rotr3 = (l: number, r1: number, r2: number, r3: number, shr = false): void => {
    rotr(l, r1);
    rotr(l, r2);
    xor();
    if (shr) {
      get(l);
      shift(false, r3);
    } else rotr(l, r3);
    xor();
  };
  /** The word on the stack, byte-swapped (big-endian ↔ little-endian), into local `l`. */
  const bswapInto = (l: number): void => {
    set(l);
    if (vector) {
      get(l);
      get(l);
      vop(V_SHUFFLE, ...BSWAP_LANES);
    } else {
      // bswap(x) = (rotl(x, 8) & 0x00ff00ff) | (rotr(x, 8) & 0xff00ff00)
      get(l);
      i32(8);
      op(ROTL);
      i32(0x00ff00ff);
      op(AND);
      get(l);
      i32(8);
      op(ROTR);
      i32(0xff00ff00);
      op(AND, OR);
    }
    set(l);
  };
  /** Loads word `j` (big-endian) of the 64 bytes at local `ptr` (lane k at local `ptrs[k]`) into w[j]. */
  const loadWord = (ptrs: readonly number[], j: number): void => {
    get(ptrs[0]!);
    if (vector) {
      vop(V_LOAD32_SPLAT, 2, ...uleb(4 * j));
      for (let lane = 1; lane < 4; lane++) {
        get(ptrs[lane]!);
        op(LOAD, 2, ...uleb(4 * j));
        vop(V_REPLACE_LANE, lane);
      }
    } else op(LOAD, 2, ...uleb(4 * j));
    bswapInto(L.W0 + j);
  };
  const initChain = (): void => {
    for (let i = 0; i < 8; i++) {
      word(IV[i]!);
      set(L.H0 + i);
    }
  };
  /** The 64 rounds over w[0..15] and the chaining value's update. */
  const compress = (): void => {
    const { H0, V0, W0, T1 } = L;
    for (let i = 0; i < 8; i++) {
      get(H0 + i);
      set(V0 + i);
    }
    // role[r] = the local holding working variable r (0 = a … 7 = h) in this round.
    let role = [0, 1, 2, 3, 4, 5, 6, 7].map((r) => V0 + r);
    for (let t = 0; t < 64; t++) {
      const w = W0 + (t % 16);
      if (t >= 16) {
        // w[t] = σ1(w[t-2]) + w[t-7] + σ0(w[t-15]) + w[t-16]
        rotr3(W0 + ((t - 2) % 16), 17, 19, 10, true);
        get(W0 + ((t - 7) % 16));
        add();
        rotr3(W0 + ((t - 15) % 16), 7, 18, 3, true);
        add();
        get(w);
        add();
        set(w);
      }
      const [a, b, cc, d, e, f, g, h] = role as [
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
      ];
      // T1 = h + Σ1(e) + Ch(e, f, g) + K[t] + w[t], with Ch = g ^ (e & (f ^ g))
      get(h);
      rotr3(e, 6, 11, 25);
      add();
      get(g);
      get(e);
      get(f);
      get(g);
      xor();
      and();
      xor();
      add();
      word(K[t]!);
      add();
      get(w);
      add();
      c.push(TEE, T1);
      // d += T1 (the next e)
      get(d);
      add();
      set(d);
      // h = T1 + Σ0(a) + Maj(a, b, c) (the next a), with Maj = (a & b) | (c & (a | b))
      get(T1);
      rotr3(a, 2, 13, 22);
      add();
      get(a);
      get(b);
      and();
      get(cc);
      get(a);
      get(b);
      or();
      and();
      or();
      add();
      set(h);
      role = [h, a, b, cc, d, e, f, g];
    }
    // After 64 rounds (a multiple of 8) every variable is back in its own local.
    for (let i = 0; i < 8; i++) {
      get(H0 + i);
      get(V0 + i);
      add();
      set(H0 + i);
    }
  };
  /** Stores the digest (big-endian words) at local `dst`, lane k's at dst + 32k. */
  const storeDigest = (dst: number): void => {
    for (let i = 0; i < 8; i++) {
      get(L.H0 + i);
      bswapInto(L.T1);
      for (let lane = 0; lane < lanes; lane++) {
        get(dst);
        get(L.T1);
        if (vector) vop(V_EXTRACT_LANE, lane);
        op(STORE, 2, ...uleb(32 * lane + 4 * i));
      }
    }
  };
  return { c, get, set, i32, op, vop, word, or, shift, loadWord, initChain, compress, storeDigest };
}

/**
 * `blocks(ptr, n, out)`: compresses the `n` prepared 64-byte blocks at `ptr` from the initial hash
 * value and stores the digest at `out`.
 */
function blocksBody(): number[] {
  const PTR = 0;
  const N = 1;
  const DST = 2;
  const L = { H0: 3, V0: 11, W0: 19, T1: 35 };
  const e = emitter(1, L);
  e.initChain();
  e.op(LOOP, VOID);
  for (let j = 0; j < 16; j++) e.loadWord([PTR], j);
  e.compress();
  e.get(PTR);
  e.i32(64);
  e.op(ADD);
  e.set(PTR);
  e.get(N);
  e.i32(1);
  e.op(SUB);
  e.c.push(TEE, N);
  e.op(BR_IF, 0, END);
  e.storeDigest(DST);
  e.op(END);
  return [1, ...uleb(L.T1 + 1 - L.H0), I32, ...e.c];
}

/**
 * `prefixed(ptr, out, prefix)` (`lanes` 1) and `prefixed4(ptr, out, prefix)` (`lanes` 4): SHA-256
 * of the 65-byte message `prefix || 64 bytes` — a Merkle or state tree node — for the 64 bytes
 * at `ptr` (lane k's at `ptr + 64k`), digest (lane k's) at `out` (`out + 32k`). The bytes stay
 * where they are, 4-byte aligned: the message words are the data words shifted right by one
 * byte, and the second block is the last data byte and the constant padding.
 */
function prefixedBody(lanes: 1 | 4): number[] {
  const vector = lanes === 4;
  const PTR = 0;
  const DST = 1;
  const PREFIX = 2;
  const P1 = 3; // prefixed4: the data pointers of lanes 1..3 (lane 0 uses PTR)
  const I32_LOCALS = vector ? 3 : 0;
  const H0 = 3 + I32_LOCALS;
  const L = { H0, V0: H0 + 8, W0: H0 + 16, T1: H0 + 32 };
  const LAST = H0 + 33; // the last data word, for the second block
  const e = emitter(lanes, L);
  const { W0 } = L;
  if (vector) {
    for (let lane = 0; lane < 3; lane++) {
      e.get(PTR);
      e.i32(64 * (lane + 1));
      e.op(ADD);
      e.set(P1 + lane);
    }
  }
  const ptrs = vector ? [PTR, P1, P1 + 1, P1 + 2] : [PTR];
  e.initChain();
  for (let j = 0; j < 16; j++) e.loadWord(ptrs, j);
  e.get(W0 + 15);
  e.set(LAST);
  // Block 1: w[j] = (d[j-1] << 24) | (d[j] >>> 8), with d[-1] = the prefix byte.
  for (let j = 15; j >= 0; j--) {
    if (j === 0) {
      e.get(PREFIX);
      if (vector) e.vop(V_SPLAT);
    } else e.get(W0 + j - 1);
    e.shift(true, 24);
    e.get(W0 + j);
    e.shift(false, 8);
    e.or();
    e.set(W0 + j);
  }
  e.compress();
  // Block 2: the last data byte, the 0x80 marker, zeros, and the length (520 bits).
  e.get(LAST);
  e.shift(true, 24);
  e.word(0x00800000);
  e.or();
  e.set(W0);
  for (let j = 1; j < 15; j++) {
    e.word(0);
    e.set(W0 + j);
  }
  e.word(65 * 8);
  e.set(W0 + 15);
  e.compress();
  e.storeDigest(DST);
  e.op(END);
  const words = LAST + 1 - H0;
  const locals = vector ? [2, I32_LOCALS, I32, ...uleb(words), V128] : [1, ...uleb(words), I32];
  return [...locals, ...e.c];
}

function moduleBytes(): Uint8Array {
  const bodies = [blocksBody(), prefixedBody(1), prefixedBody(4)];
  const code = bodies.flatMap((b) => [...uleb(b.length), ...b]);
  const exported = (text: string, index: number): number[] => [...name(text), 0x00, index];
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, [1, 0x60, 3, I32, I32, I32, 0]), // type 0: (i32, i32, i32) -> ()
    ...section(3, [3, 0, 0, 0]), // three functions of type 0
    ...section(5, [1, 0x00, 1]), // one memory of one 64 KiB page
    ...section(7, [
      4,
      ...name('memory'),
      0x02,
      0,
      ...exported('blocks', 0),
      ...exported('prefixed', 1),
      ...exported('prefixed4', 2),
    ]),
    ...section(10, [3, ...code]),
  ]);
}

/** The part of the WebAssembly JS API used here (@types/node declares none of it). */
interface WasmApi {
  readonly Module: new (bytes: Uint8Array) => object;
  readonly Instance: new (module: object) => { readonly exports: Record<string, unknown> };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
const { exports } = new wasm.Instance(new wasm.Module(moduleBytes()));
const blocks = exports.blocks as (ptr: number, n: number, out: number) => void;
const prefixed = exports.prefixed as (ptr: number, out: number, prefix: number) => void;
const prefixed4 = exports.prefixed4 as (ptr: number, out: number, prefix: number) => void;
// One page, never grown: the view stays valid.
const mem = new Uint8Array((exports.memory as { readonly buffer: ArrayBuffer }).buffer);
const input = mem.subarray(IN, IN + SHA256_WASM_MAX_INPUT);
const digest = mem.subarray(OUT, OUT + 32);
const encoder = new TextEncoder();
const nodeOut = [0, 1, 2, 3].map((k) => mem.subarray(NODE_OUT + 32 * k, NODE_OUT + 32 * k + 32));

/** Pads the `len` bytes at IN (FIPS 180-4 §5.1.1), hashes them and leaves the digest at OUT. */
function run(len: number): void {
  const n = (len + 72) >>> 6; // blocks: len + 1 marker byte + 8 length bytes, rounded up
  const end = IN + n * 64;
  mem[IN + len] = 0x80;
  mem.fill(0, IN + len + 1, end - 4);
  const bits = len * 8;
  mem[end - 4] = bits >>> 24;
  mem[end - 3] = (bits >>> 16) & 0xff;
  mem[end - 2] = (bits >>> 8) & 0xff;
  mem[end - 1] = bits & 0xff;
  blocks(IN, n, OUT);
}

/**
 * Writes SHA-256 of `data` (at most {@link SHA256_WASM_MAX_INPUT} bytes) into `out` at `offset`.
 * @throws RangeError for a longer input
 */
export function sha256SmallInto(data: Uint8Array, out: Uint8Array, offset: number): void {
  if (data.length > SHA256_WASM_MAX_INPUT)
    throw new RangeError(`sha256SmallInto: ${data.length} bytes, at most ${SHA256_WASM_MAX_INPUT}`);
  mem.set(data, IN);
  run(data.length);
  out.set(digest, offset);
}

/** SHA-256 of `data` (at most {@link SHA256_WASM_MAX_INPUT} bytes), a fresh array. */
export function sha256Small(data: Uint8Array): Uint8Array {
  if (data.length > SHA256_WASM_MAX_INPUT)
    throw new RangeError(`sha256Small: ${data.length} bytes, at most ${SHA256_WASM_MAX_INPUT}`);
  mem.set(data, IN);
  run(data.length);
  return digest.slice();
}

/**
 * SHA-256 of the concatenation of `parts`, or undefined when they are longer than
 * {@link SHA256_WASM_MAX_INPUT} bytes in all.
 */
export function sha256SmallParts(parts: readonly Uint8Array[]): Uint8Array | undefined {
  let len = 0;
  for (const p of parts) len += p.length;
  if (len > SHA256_WASM_MAX_INPUT) return undefined;
  let at = IN;
  for (const p of parts) {
    mem.set(p, at);
    at += p.length;
  }
  run(len);
  return digest.slice();
}

/**
 * SHA-256 of the UTF-8 bytes of `text` (a lone surrogate encodes as U+FFFD), or undefined when
 * they are longer than {@link SHA256_WASM_MAX_INPUT} bytes.
 */
export function sha256SmallText(text: string): Uint8Array | undefined {
  return sha256SmallTextInto(text, undefined, 0) ? digest.slice() : undefined;
}

/**
 * Writes SHA-256 of the UTF-8 bytes of `text` into `out` at `offset` (or only into the module's
 * digest when `out` is undefined); false, writing nothing, when they are longer than
 * {@link SHA256_WASM_MAX_INPUT} bytes.
 */
export function sha256SmallTextInto(
  text: string,
  out: Uint8Array | undefined,
  offset: number,
): boolean {
  if (text.length > SHA256_WASM_MAX_INPUT) return false;
  const { read, written } = encoder.encodeInto(text, input);
  if (read < text.length) return false;
  run(written);
  out?.set(digest, offset);
  return true;
}

/**
 * Where node hashes take their data: 64 32-bit words, lane k's 64 bytes at words `16k…16k+15`
 * (a view of the module's memory, so copying a 32-byte hash in is 8 word moves).
 */
export const sha256NodeInput = new Int32Array(mem.buffer, NODE_IN, 64);

/** Writes SHA-256 of `prefix || lane 0's 64 bytes` of {@link sha256NodeInput} into `out` at `offset`. */
export function sha256Node(prefix: number, out: Uint8Array, offset: number): void {
  prefixed(NODE_IN, NODE_OUT, prefix);
  out.set(nodeOut[0]!, offset);
}

/**
 * {@link sha256Node} of all four lanes at once, one per lane of WebAssembly SIMD vectors (about
 * twice the rate of one by one); lane k's digest goes into `out` at offset `ok`.
 */
export function sha256Node4(
  prefix: number,
  out: Uint8Array,
  o0: number,
  o1: number,
  o2: number,
  o3: number,
): void {
  prefixed4(NODE_IN, NODE_OUT, prefix);
  out.set(nodeOut[0]!, o0);
  out.set(nodeOut[1]!, o1);
  out.set(nodeOut[2]!, o2);
  out.set(nodeOut[3]!, o3);
}
