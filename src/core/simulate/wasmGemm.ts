/**
 * A WebAssembly SIMD matrix-product kernel, assembled here byte by byte (no binary file, no build
 * step, nothing downloaded). Encoding from the WebAssembly core spec 2.0 (binary format, §5) and the
 * fixed-width SIMD proposal's opcode table (0xFD prefix).
 *
 * The exported `gemm(m, n, k, a, ldaBytes, b, ldbBytes, c, ldcBytes, accumulate, pack, bTransposed)`
 * computes C (+)= A·B (B read as the rows of Bᵀ when bTransposed) for row-major f32 matrices at
 * byte addresses a, b, c, for m a multiple of ROWS and n a multiple of COLUMNS (the caller does the
 * column fringe; `gemm2/1` take the last rows). Blocking: k in panels of KC; for each panel and
 * each COLUMNS-wide strip of B, the strip is packed contiguously at `pack` (KC·COLUMNS floats, L1-
 * resident) and a ROWS × COLUMNS register tile of C is updated per row block, one k step at a time.
 */

/**
 * Rows of the register tile. 4 × 8 is the largest tile whose accumulators (8), B vectors (2) and
 * splatted A values (4) fit x64's 16 vector registers together: V8's TurboFan issues a step's loads
 * before its multiply-adds, so a 6 × 8 tile (12 + 2 + 6) spilled to the stack on every step. For the
 * same reason k is not unrolled: TurboFan hoisted the loads of all unrolled steps to the top of the
 * loop body and spilled (measured on x64, Node 20: 4 × 8 unrolled 4 times ran at 0.6 the speed).
 */
export const wasmTileRows = 4;
/** Columns of the register tile (two f32x4 vectors). */
export const wasmTileColumns = 8;
/** k-panel depth: a packed strip of KC × COLUMNS floats is 8 KB. */
export const wasmPanelDepth = 256;
/** Floats of scratch the kernel needs at `pack`. */
export const wasmPackFloats = wasmPanelDepth * wasmTileColumns;

const vectorsPerRow = wasmTileColumns / 4;

// Value types and opcodes (WebAssembly core spec §5.3, §5.4; SIMD proposal).
const i32 = 0x7f;
const v128 = 0x7b;
const op = {
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  else: 0x05,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Const: 0x41,
  i32Eqz: 0x45,
  i32LtU: 0x49,
  i32GtU: 0x4b,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32Mul: 0x6c,
  i32And: 0x71,
  i32Or: 0x72,
  select: 0x1b,
  simd: 0xfd,
} as const;
const simd = {
  load: 0x00,
  load32Splat: 0x09,
  store: 0x0b,
  const: 0x0c,
  f32x4Add: 0xe4,
  f32x4Mul: 0xe6,
  /** Relaxed SIMD proposal: f32x4.relaxed_madd(a, b, c) = a·b + c, fused or not as the host chooses. */
  f32x4RelaxedMadd: 0x105,
} as const;

function unsignedLeb(value: number): number[] {
  const bytes: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) {
      byte |= 0x80;
    }
    bytes.push(byte);
  } while (value !== 0);
  return bytes;
}

function signedLeb(value: number): number[] {
  const bytes: number[] = [];
  for (;;) {
    const byte = value & 0x7f;
    value >>= 7;
    const done = (value === 0 && (byte & 0x40) === 0) || (value === -1 && (byte & 0x40) !== 0);
    bytes.push(done ? byte : byte | 0x80);
    if (done) {
      return bytes;
    }
  }
}

/** A function body under construction. */
class Body {
  readonly bytes: number[] = [];
  emit(...bytes: number[]): this {
    this.bytes.push(...bytes);
    return this;
  }
  get(local: number): this {
    return this.emit(op.localGet, ...unsignedLeb(local));
  }
  set(local: number): this {
    return this.emit(op.localSet, ...unsignedLeb(local));
  }
  tee(local: number): this {
    return this.emit(op.localTee, ...unsignedLeb(local));
  }
  const(value: number): this {
    return this.emit(op.i32Const, ...signedLeb(value));
  }
  simd(code: number, ...immediates: number[]): this {
    return this.emit(op.simd, ...unsignedLeb(code), ...immediates);
  }
  /** Memory argument: alignment exponent, then offset. */
  static memarg(alignLog2: number, offset: number): number[] {
    return [alignLog2, ...unsignedLeb(offset)];
  }
  /** local = local + value (i32). */
  addTo(local: number, value: () => void): this {
    this.get(local);
    value();
    return this.emit(op.i32Add).set(local);
  }
}

// Parameters.
const P = { m: 0, n: 1, k: 2, a: 3, lda: 4, b: 5, ldb: 6, c: 7, ldc: 8, accumulate: 9, pack: 10, bTransposed: 11 } as const;
const parameterCount = 12;
// i32 locals after the parameters.
const L = {
  k0: 12,
  kc: 13,
  j: 14,
  i: 15,
  source: 16,
  target: 17,
  count: 18,
  packed: 19,
  aRow: 20,
  cRow: 21,
  panelEnd: 22,
  load: 23,
  column: 24,
} as const;
const i32LocalCount = 13;
/** v128 locals: the B vectors, the splatted A value, then the accumulators (rows × vectors). */
const firstVector = parameterCount + i32LocalCount;
const bVector = (vector: number): number => firstVector + vector;
const aSplat = firstVector + vectorsPerRow;
const accumulator = (row: number, vector: number): number => aSplat + 1 + row * vectorsPerRow + vector;
const v128LocalCount = (rows: number): number => rows * vectorsPerRow + vectorsPerRow + 1;

/**
 * The multiply-add of one k step at byte offsets (aOffset into each A row, bOffset into the packed
 * strip): one relaxed_madd per accumulator with `fused`, else a mul and an add.
 */
function emitStep(body: Body, tileRows: number, aOffset: number, bOffset: number, fused: boolean): void {
  for (let vector = 0; vector < vectorsPerRow; vector++) {
    body
      .get(L.packed)
      .simd(simd.load, ...Body.memarg(4, bOffset + 16 * vector))
      .set(bVector(vector));
  }
  for (let row = 0; row < tileRows; row++) {
    // address of A[i + row][p] = aRow + row·lda (+ aOffset as the memarg offset)
    body.get(L.aRow);
    if (row > 0) {
      body.get(P.lda);
      if (row > 1) {
        body.const(row).emit(op.i32Mul);
      }
      body.emit(op.i32Add);
    }
    body.simd(simd.load32Splat, ...Body.memarg(2, aOffset)).set(aSplat);
    for (let vector = 0; vector < vectorsPerRow; vector++) {
      if (fused) {
        body.get(aSplat).get(bVector(vector)).get(accumulator(row, vector)).simd(simd.f32x4RelaxedMadd).set(accumulator(row, vector));
      } else {
        body.get(accumulator(row, vector)).get(aSplat).get(bVector(vector)).simd(simd.f32x4Mul).simd(simd.f32x4Add).set(accumulator(row, vector));
      }
    }
  }
}

/** Address of row `row` of the current C tile into the stack: cRow + row·ldc. */
function emitCRowAddress(body: Body, row: number): void {
  body.get(L.cRow);
  if (row > 0) {
    body.get(P.ldc);
    if (row > 1) {
      body.const(row).emit(op.i32Mul);
    }
    body.emit(op.i32Add);
  }
}

function gemmBody(tileRows: number, fused: boolean): number[] {
  const body = new Body();
  const stripBytes = wasmTileColumns * 4;
  // for (k0 = 0; k0 < k; k0 += KC)
  body.const(0).set(L.k0);
  body.emit(op.block, 0x40, op.loop, 0x40);
  body.get(L.k0).get(P.k).emit(op.i32LtU, op.i32Eqz, op.brIf, 1);
  // kc = min(KC, k − k0)
  body.get(P.k).get(L.k0).emit(op.i32Sub).set(L.kc);
  body.const(wasmPanelDepth).get(L.kc).get(L.kc).const(wasmPanelDepth).emit(op.i32GtU, op.select).set(L.kc);
  // load = accumulate | (k0 > 0): whether the tile starts from C
  body.get(P.accumulate).get(L.k0).emit(op.i32Or).set(L.load);
  // for (j = 0; j < n; j += COLUMNS)
  body.const(0).set(L.j);
  body.emit(op.block, 0x40, op.loop, 0x40);
  body.get(L.j).get(P.n).emit(op.i32LtU, op.i32Eqz, op.brIf, 1);
  {
    // Pack B[k0 .. k0+kc, j .. j+COLUMNS) into the contiguous strip.
    body.get(P.bTransposed).emit(op.if, 0x40);
    {
      // B given as Bᵀ (n × k, row stride ldb): strip column c is the contiguous run Bᵀ[j + c][k0 ..].
      body.const(0).set(L.column);
      body.emit(op.block, 0x40, op.loop, 0x40);
      body.get(L.column).const(wasmTileColumns).emit(op.i32LtU, op.i32Eqz, op.brIf, 1);
      body.get(P.b).get(L.j).get(L.column).emit(op.i32Add).get(P.ldb).emit(op.i32Mul, op.i32Add).get(L.k0).const(4).emit(op.i32Mul, op.i32Add).set(L.source);
      body.get(P.pack).get(L.column).const(4).emit(op.i32Mul, op.i32Add).set(L.target);
      body.get(L.kc).set(L.count);
      body.emit(op.block, 0x40, op.loop, 0x40);
      body.get(L.count).emit(op.i32Eqz, op.brIf, 1);
      body
        .get(L.target)
        .get(L.source)
        .emit(0x2a, ...Body.memarg(2, 0))
        .emit(0x38, ...Body.memarg(2, 0)); // f32.load, f32.store
      body.addTo(L.source, () => body.const(4));
      body.addTo(L.target, () => body.const(stripBytes));
      body.addTo(L.count, () => body.const(-1));
      body.emit(op.br, 0, op.end, op.end);
      body.addTo(L.column, () => body.const(1));
      body.emit(op.br, 0, op.end, op.end);
    }
    body.emit(op.else);
    body.get(P.b).get(L.k0).get(P.ldb).emit(op.i32Mul, op.i32Add).get(L.j).const(4).emit(op.i32Mul, op.i32Add).set(L.source);
    body.get(P.pack).set(L.target);
    body.get(L.kc).set(L.count);
    body.emit(op.block, 0x40, op.loop, 0x40);
    body.get(L.count).emit(op.i32Eqz, op.brIf, 1);
    for (let vector = 0; vector < vectorsPerRow; vector++) {
      body
        .get(L.target)
        .get(L.source)
        .simd(simd.load, ...Body.memarg(2, 16 * vector))
        .simd(simd.store, ...Body.memarg(4, 16 * vector));
    }
    body.addTo(L.source, () => body.get(P.ldb));
    body.addTo(L.target, () => body.const(stripBytes));
    body.addTo(L.count, () => body.const(-1));
    body.emit(op.br, 0, op.end, op.end);
    body.emit(op.end);

    // for (i = 0; i < m; i += ROWS)
    body.const(0).set(L.i);
    body.emit(op.block, 0x40, op.loop, 0x40);
    body.get(L.i).get(P.m).emit(op.i32LtU, op.i32Eqz, op.brIf, 1);
    {
      body.get(P.a).get(L.i).get(P.lda).emit(op.i32Mul, op.i32Add).get(L.k0).const(4).emit(op.i32Mul, op.i32Add).set(L.aRow);
      body.get(P.c).get(L.i).get(P.ldc).emit(op.i32Mul, op.i32Add).get(L.j).const(4).emit(op.i32Mul, op.i32Add).set(L.cRow);
      // Tile start: C's values or zeros.
      body.get(L.load).emit(op.if, 0x40);
      for (let row = 0; row < tileRows; row++) {
        for (let vector = 0; vector < vectorsPerRow; vector++) {
          emitCRowAddress(body, row);
          body.simd(simd.load, ...Body.memarg(2, 16 * vector)).set(accumulator(row, vector));
        }
      }
      body.emit(op.else);
      for (let row = 0; row < tileRows; row++) {
        for (let vector = 0; vector < vectorsPerRow; vector++) {
          body.simd(simd.const, ...new Array<number>(16).fill(0)).set(accumulator(row, vector));
        }
      }
      body.emit(op.end);
      // packed walks the strip; aRow walks along k, one step per iteration (see `wasmTileRows`).
      body.get(P.pack).set(L.packed);
      body.get(L.aRow).get(L.kc).const(4).emit(op.i32Mul, op.i32Add).set(L.panelEnd);
      body.emit(op.block, 0x40, op.loop, 0x40);
      body.get(L.aRow).get(L.panelEnd).emit(op.i32LtU, op.i32Eqz, op.brIf, 1);
      emitStep(body, tileRows, 0, 0, fused);
      body.addTo(L.aRow, () => body.const(4));
      body.addTo(L.packed, () => body.const(stripBytes));
      body.emit(op.br, 0, op.end, op.end);
      // Store the tile.
      for (let row = 0; row < tileRows; row++) {
        for (let vector = 0; vector < vectorsPerRow; vector++) {
          emitCRowAddress(body, row);
          body.get(accumulator(row, vector)).simd(simd.store, ...Body.memarg(2, 16 * vector));
        }
      }
      body.addTo(L.i, () => body.const(tileRows));
    }
    body.emit(op.br, 0, op.end, op.end);
    body.addTo(L.j, () => body.const(wasmTileColumns));
  }
  body.emit(op.br, 0, op.end, op.end);
  body.addTo(L.k0, () => body.const(wasmPanelDepth));
  body.emit(op.br, 0, op.end, op.end);
  body.emit(op.end);
  const locals = [0x02, ...unsignedLeb(i32LocalCount), i32, ...unsignedLeb(v128LocalCount(tileRows)), v128];
  const code = [...locals, ...body.bytes];
  return [...unsignedLeb(code.length), ...code];
}

function section(id: number, content: number[]): number[] {
  return [id, ...unsignedLeb(content.length), ...content];
}

function name(text: string): number[] {
  const bytes = Array.from(text, (character) => character.charCodeAt(0));
  return [...unsignedLeb(bytes.length), ...bytes];
}

/** Tile heights compiled: the main one, and smaller ones for the last m mod ROWS rows. */
export const wasmTileHeights = [wasmTileRows, 2, 1] as const;

/**
 * The module's bytes: imports env.memory, exports `gemm4`, `gemm2`, `gemm1` (by tile
 * height). With `fused`, the multiply-adds are relaxed SIMD's f32x4.relaxed_madd (one FMA
 * instruction where the host has it); the module then validates only where relaxed SIMD is enabled.
 */
export function gemmModuleBytes(fused = false): Uint8Array {
  const count = wasmTileHeights.length;
  const type = section(1, [1, 0x60, parameterCount, ...new Array<number>(parameterCount).fill(i32), 0]);
  const imports = section(2, [1, ...name('env'), ...name('memory'), 0x02, 0x00, 0x01]);
  const functions = section(3, [count, ...new Array<number>(count).fill(0)]);
  const exports = section(7, [count, ...wasmTileHeights.flatMap((rows, index) => [...name(`gemm${rows}`), 0x00, index])]);
  const code = section(10, [count, ...wasmTileHeights.flatMap((rows) => gemmBody(rows, fused))]);
  return new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...type, ...imports, ...functions, ...exports, ...code]);
}

/**
 * A tiny module whose only function is f32x4.relaxed_madd: WebAssembly.validate accepts it exactly
 * where relaxed SIMD is enabled (Chromium and Electron since 114, Node 22; Node 20 only with
 * --experimental-wasm-relaxed-simd). Exports `madd(a, b, c)` over three v128 at addresses 0, 16, 32
 * storing into 48, for a check of what it computes.
 */
export function relaxedSimdProbeBytes(): Uint8Array {
  const type = section(1, [1, 0x60, 0, 0]);
  const imports = section(2, [1, ...name('env'), ...name('memory'), 0x02, 0x00, 0x01]);
  const functions = section(3, [1, 0]);
  const exports = section(7, [1, ...name('madd'), 0x00, 0]);
  const body = new Body();
  body.const(48);
  for (const address of [0, 16, 32]) {
    body.const(address).simd(simd.load, ...Body.memarg(4, 0));
  }
  body
    .simd(simd.f32x4RelaxedMadd)
    .simd(simd.store, ...Body.memarg(4, 0))
    .emit(op.end);
  const code = [0, ...body.bytes];
  return new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...type,
    ...imports,
    ...functions,
    ...exports,
    ...section(10, [1, ...unsignedLeb(code.length), ...code]),
  ]);
}
