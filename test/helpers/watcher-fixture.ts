/**
 * A real InboxWatcher over `<dir>/inbox` (claims into `<dir>/work`) with an injected clock and every
 * event recorded: the setup the inbox tests share.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EventBus } from '../../src/core/events.ts';
import { InboxWatcher, type InboxWatcherOptions } from '../../src/inbox/inbox-watcher.ts';

export const WATCHER_POLICY = { usePolling: false, intervalMs: 100, stabilityWindowMs: 0, scanIntervalMs: 60000, doneMarker: 'none', ignore: [] as string[], maxFilesPerScan: 100 };

export interface WatcherFixture {
  readonly w: InboxWatcher;
  readonly bus: EventBus;
  readonly events: [string, any][];
  readonly folder: string;
  readonly workDir: string;
  readonly mapping: string;
  advance(ms: number): number;
}

export async function watcherFixture(
  dir: string,
  o: { mapping?: unknown; inboxId?: string; policy?: Partial<typeof WATCHER_POLICY>; over?: Omit<Partial<InboxWatcherOptions>, 'policy'> } = {},
): Promise<WatcherFixture> {
  let t = 1_000_000;
  const bus = new EventBus();
  const events: [string, any][] = [];
  bus.onAny((name, payload) => events.push([name, payload]));
  const folder = join(dir, 'inbox');
  const workDir = join(dir, 'work');
  await mkdir(folder, { recursive: true });
  const mapping = join(dir, 'mapping.json');
  await writeFile(mapping, JSON.stringify(o.mapping ?? { name: 'm' }));
  const w = new InboxWatcher({ companyId: 'acme', inboxId: o.inboxId ?? 'csv', folder, workDir, mapping, bus, now: () => t, policy: { ...WATCHER_POLICY, ...o.policy }, ...o.over });
  return { w, bus, events, folder, workDir, mapping, advance: (ms: number) => (t += ms) };
}
