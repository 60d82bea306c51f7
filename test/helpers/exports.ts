import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
type Target = string | { [condition: string]: Target };

/**
 * The file the package's own `exports` map gives `subpath` ('.', './ky') under `conditions`, as
 * Node's resolver walks it (keys in order, first matching condition wins, `default` always
 * matches): what a bundler or runtime with those conditions loads.
 */
export function resolveExport(subpath: string, conditions: readonly string[]): string {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    exports: Record<string, Target>;
  };
  const found = pick(pkg.exports[subpath], new Set([...conditions, 'default']));
  if (found === undefined) throw new Error(`exports[${subpath}] has nothing for ${conditions}`);
  return join(root, found);
}

function pick(target: Target | undefined, conditions: Set<string>): string | undefined {
  if (target === undefined || typeof target === 'string') return target;
  for (const [condition, next] of Object.entries(target)) {
    if (!conditions.has(condition)) continue;
    const found = pick(next, conditions);
    if (found !== undefined) return found;
  }
  return undefined;
}
