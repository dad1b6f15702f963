/**
 * Contact sheet of the corruption suite for one image: one row per corruption (in `CORRUPTIONS` order
 * unless a list is given), columns = clean image, then severities 1..5. Returns PNG bytes; the caller
 * writes them.
 */
import { CORRUPTIONS, corrupt, type CorruptionName, type Severity } from '../data/corruptions.js';
import { encodeGridPng, type Tile } from './png.js';

export interface ContactSheetOptions {
  /** Seed for the random corruptions. Default 0. */
  seed?: number;
  /** Corruptions to show, one row each. Default: all of `CORRUPTIONS`. */
  corruptions?: readonly CorruptionName[];
  /** Integer upscaling of every tile. Default 4. */
  scale?: number;
  /** Gap between tiles (output pixels). Default 2. */
  gap?: number;
  /** Leave out the clean column. Default false. */
  omitClean?: boolean;
}

/** The tiles of the sheet (rows × columns), for callers that want to lay them out themselves. */
export function contactSheetTiles(image: Float32Array, height: number, width: number, opts: ContactSheetOptions = {}): Tile[][] {
  const names = opts.corruptions ?? CORRUPTIONS;
  if (names.length === 0) throw new Error('contactSheet: no corruptions to show');
  const seed = opts.seed ?? 0;
  const tile = (data: Float32Array): Tile => ({ data, height, width, channels: 1 });
  return names.map((name) => {
    const row: Tile[] = opts.omitClean ? [] : [tile(new Float32Array(image))];
    for (let s = 1; s <= 5; s++) row.push(tile(corrupt(image, height, width, name, s as Severity, seed)));
    return row;
  });
}

/** PNG contact sheet: every corruption (rows) × clean + severities 1..5 (columns) of one image. */
export function corruptionContactSheet(image: Float32Array, height: number, width: number, opts: ContactSheetOptions = {}): Buffer {
  return encodeGridPng(contactSheetTiles(image, height, width, opts), { scale: opts.scale ?? 4, gap: opts.gap ?? 2 });
}
