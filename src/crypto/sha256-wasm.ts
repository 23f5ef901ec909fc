/**
 * SHA-256 (FIPS 180-4) of small inputs in WebAssembly. node:crypto hashes fast, but each call
 * crosses into C++ and allocates a Buffer (about 1 µs here), and the Merkle and state trees hash
 * millions of 33- and 65-byte inputs. The WebAssembly module is built here, from the algorithm,
 * when this file loads: no binary is shipped and nothing is downloaded. Its one function
 * compresses `n` prepared 64-byte blocks; the caller pads in JavaScript.
 *
 * Every result is checked against node:crypto in the tests (FIPS vectors, every length around
 * the block boundaries, random inputs).
 */

/** Largest input hashed here; longer ones go to node:crypto, which is faster for them. */
export const SHA256_WASM_MAX_INPUT = 247;

/** Byte offsets in the module's memory: the digest, then the padded input. */
const OUT = 0;
const IN = 64;

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

/**
 * The body of `blocks(ptr, n, out)`: compresses the `n` 64-byte blocks at `ptr` from the initial
 * hash value and stores the digest (big-endian words) at `out`. Fully unrolled; the eight working
 * variables rotate by renaming instead of moving, and the message schedule is a 16-word window.
 */
function compressBody(): number[] {
  const PTR = 0;
  const N = 1;
  const DST = 2;
  const H0 = 3; // h0..h7: the chaining value
  const V0 = 11; // the working variables a..h
  const W0 = 19; // w[0..15]
  const T1 = 35;
  const LOCALS = T1 + 1 - 3; // declared locals after the 3 parameters
  const c: number[] = [];
  const get = (l: number): void => void c.push(GET, l);
  const set = (l: number): void => void c.push(SET, l);
  const k = (v: number): void => void c.push(CONST, ...sleb(v | 0));
  const op = (...ops: number[]): void => void c.push(...ops);
  const rotr3 = (l: number, r1: number, r2: number, r3: number, shift = false): void => {
    get(l);
    k(r1);
    op(ROTR);
    get(l);
    k(r2);
    op(ROTR, XOR);
    get(l);
    k(r3);
    op(shift ? SHR_U : ROTR, XOR);
  };
  // bswap(x) = (rotl(x, 8) & 0x00ff00ff) | (rotr(x, 8) & 0xff00ff00)
  const bswapTop = (tmp: number): void => {
    set(tmp);
    get(tmp);
    k(8);
    op(ROTL);
    k(0x00ff00ff);
    op(AND);
    get(tmp);
    k(8);
    op(ROTR);
    k(0xff00ff00);
    op(AND, OR);
  };

  for (let i = 0; i < 8; i++) {
    k(IV[i]!);
    set(H0 + i);
  }
  op(LOOP, VOID);
  for (let j = 0; j < 16; j++) {
    get(PTR);
    op(LOAD, 2, ...uleb(4 * j));
    bswapTop(T1);
    set(W0 + j);
  }
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
      op(ADD);
      rotr3(W0 + ((t - 15) % 16), 7, 18, 3, true);
      op(ADD);
      get(w);
      op(ADD);
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
    op(ADD);
    get(g);
    get(e);
    get(f);
    get(g);
    op(XOR, AND, XOR, ADD);
    k(K[t]!);
    op(ADD);
    get(w);
    op(ADD);
    c.push(TEE, T1);
    // d += T1 (the next e)
    get(d);
    op(ADD);
    set(d);
    // h = T1 + Σ0(a) + Maj(a, b, c) (the next a), with Maj = (a & b) | (c & (a | b))
    get(T1);
    rotr3(a, 2, 13, 22);
    op(ADD);
    get(a);
    get(b);
    op(AND);
    get(cc);
    get(a);
    get(b);
    op(OR, AND, OR, ADD);
    set(h);
    role = [h, a, b, cc, d, e, f, g];
  }
  // After 64 rounds (a multiple of 8) every variable is back in its own local.
  for (let i = 0; i < 8; i++) {
    get(H0 + i);
    get(V0 + i);
    op(ADD);
    set(H0 + i);
  }
  get(PTR);
  k(64);
  op(ADD);
  set(PTR);
  get(N);
  k(1);
  op(SUB);
  c.push(TEE, N);
  op(BR_IF, 0, END);
  for (let i = 0; i < 8; i++) {
    get(DST);
    get(H0 + i);
    bswapTop(T1);
    op(STORE, 2, ...uleb(4 * i));
  }
  op(END);
  return [1, ...uleb(LOCALS), I32, ...c];
}

function moduleBytes(): Uint8Array {
  const body = compressBody();
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, [1, 0x60, 3, I32, I32, I32, 0]), // type 0: (i32, i32, i32) -> ()
    ...section(3, [1, 0]), // function 0 has type 0
    ...section(5, [1, 0x00, 1]), // one memory of one 64 KiB page
    ...section(7, [2, ...name('memory'), 0x02, 0, ...name('blocks'), 0x00, 0]),
    ...section(10, [1, ...uleb(body.length), ...body]),
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
// One page, never grown: the view stays valid.
const mem = new Uint8Array((exports.memory as { readonly buffer: ArrayBuffer }).buffer);
const input = mem.subarray(IN, IN + SHA256_WASM_MAX_INPUT);
const digest = mem.subarray(OUT, OUT + 32);
const encoder = new TextEncoder();

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
