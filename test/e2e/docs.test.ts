import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// The Markdown a new user reads (README, docs/, the examples, SECURITY, CONTRIBUTING, CHANGELOG):
// every relative link and image points at a file that exists, every #anchor at a heading that
// exists (GitHub's slugs), and every page in docs/ is reachable from the README. npm renders the
// README's relative links against package.json's `repository`, which must therefore be set.
const root = resolve(import.meta.dirname, '../..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const docs = readdirSync(join(root, 'docs')).filter((file) => file.endsWith('.md'));
const examples = readdirSync(join(root, 'examples'))
  .map((folder) => `examples/${folder}/README.md`)
  .filter((file) => existsSync(join(root, file)));
const pages = [
  'README.md',
  'SECURITY.md',
  'CONTRIBUTING.md',
  'CHANGELOG.md',
  'examples/README.md',
  ...examples,
  ...docs.map((file) => `docs/${file}`),
];

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, numbered repeats. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const found = new Set<string>();
  const text = markdown.replace(/```[\s\S]*?```/g, '');
  for (const [, heading] of text.matchAll(/^#{1,6} (.+)$/gm)) {
    const slug = heading!
      .toLowerCase()
      .replace(/[^\p{L}\p{N} _-]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    found.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return found;
}

/** Relative links and images outside code: [text](target) and ![alt](target). */
function links(markdown: string): string[] {
  const text = markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)]
    .map(([, target]) => target!)
    .filter((target) => !/^[a-z]+:/i.test(target));
}

describe('the documentation a new user reads', () => {
  it.each(pages)('%s: every relative link and anchor resolves', (page) => {
    const markdown = readFileSync(join(root, page), 'utf8');
    const broken: string[] = [];
    for (const target of links(markdown)) {
      const [path, anchor] = target.split('#') as [string, string | undefined];
      const file = path === '' ? join(root, page) : resolve(dirname(join(root, page)), path);
      if (!existsSync(file)) broken.push(`${target} (no ${relative(root, file)})`);
      else if (anchor !== undefined && statSync(file).isFile() && file.endsWith('.md')) {
        if (!anchors(readFileSync(file, 'utf8')).has(anchor)) broken.push(`${target} (no heading)`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('every page in docs/ is linked from the README', () => {
    const readme = links(readFileSync(join(root, 'README.md'), 'utf8'));
    const linked = new Set(readme.map((target) => target.split('#')[0]));
    expect(docs.filter((file) => !linked.has(`docs/${file}`))).toEqual([]);
  });

  it('package.json names the repository, homepage and issue tracker npm links to', () => {
    expect(pkg.repository).toEqual({
      type: 'git',
      url: 'git+https://github.com/tokenward/tokenward.git',
    });
    expect(pkg.homepage).toBe('https://github.com/tokenward/tokenward#readme');
    expect(pkg.bugs).toEqual({ url: 'https://github.com/tokenward/tokenward/issues' });
  });
});
