/**
 * CRC-32 (the zlib polynomial) of bytes, to tell a damaged cache record or snapshot section from a
 * good one: zlib's own when the runtime has it (Node ≥ 20.15), else a table-driven one giving the
 * same values (VS Code's older Electron runtimes).
 */
import * as zlib from "node:zlib";

let table: Int32Array | null = null;

function crc32Js(data: Uint8Array, seed = 0): number {
  if (!table) {
    table = new Int32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c;
    }
  }
  let crc = ~seed;
  for (let i = 0; i < data.length; i++) crc = table[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
  return ~crc >>> 0;
}

const native = (zlib as unknown as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

/** CRC-32 of `data` (continuing from `seed`, the CRC of what came before). */
export function crc32(data: Uint8Array, seed = 0): number {
  return native ? native(data, seed) : crc32Js(data, seed);
}

/** The table-driven implementation (tests compare it with zlib's). */
export { crc32Js };
