/** Reading JSON files with errors that name the file. */
import { existsSync, readFileSync } from 'node:fs';

/** Parse the JSON file at `path`; a missing or malformed file is an error naming it. */
export function readJsonFile<T = unknown>(path: string): T {
  if (!existsSync(path)) throw new Error(`${path} does not exist`);
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch (err) {
    throw new Error(`${path} is not valid JSON: ${(err as Error).message}`);
  }
}
