/** Names the agent never takes: editor/office temp files, partial downloads and hidden files. */
export const ALWAYS_IGNORED: readonly string[] = ['*.tmp', '*.part', '~$*', '.*'];

const cache = new Map<string, RegExp>();

/** Case-insensitive file-name glob: `*` any run of characters, `?` one character. */
export function globToRegExp(glob: string): RegExp {
  let re = cache.get(glob);
  if (!re) {
    const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
    re = new RegExp(`^${body}$`, 'is');
    cache.set(glob, re);
  }
  return re;
}

export const matchesGlob = (name: string, glob: string): boolean => globToRegExp(glob).test(name);

/** True when a file name is ignored by the built-in rules or one of the configured patterns. */
export function isIgnoredName(name: string, extra: readonly string[] = []): boolean {
  return ALWAYS_IGNORED.some((g) => matchesGlob(name, g)) || extra.some((g) => matchesGlob(name, g));
}
