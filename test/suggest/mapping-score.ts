/**
 * How many canonical fields a suggested mapping guessed right compared with a hand-written one:
 * the same canonical target reading the same column or path (a template: the same placeholders;
 * `first`: its first alternative). Fixed-width columns are compared by record type and start
 * position, section-file columns by section and position, because their field names are made up
 * by whoever wrote the layout. A rule reading a reference record (lookup + field) counts by the
 * column holding its key.
 */
type Json = Record<string, unknown>;

export interface Score {
  /** canonical targets the hand-written mapping reads from a column or path */
  readonly wanted: readonly string[];
  readonly right: readonly string[];
  readonly wrong: readonly string[];
  readonly missed: readonly string[];
}

function placeholders(template: string): string[] {
  return [...template.matchAll(/\{([^{}]+)\}/g)].map((m) => m[1]!).sort();
}

type Resolve = (section: 'invoice' | 'line', column: string, from: string | undefined) => string;

function sourceOf(rule: Json, section: 'invoice' | 'line', resolve: Resolve): string | undefined {
  if (Array.isArray(rule['first'])) return sourceOf(rule['first'][0] as Json, section, resolve);
  const from = rule['from'] as string | undefined;
  if (typeof rule['column'] === 'string') return `column:${resolve(section, rule['column'], from)}`;
  if (typeof rule['path'] === 'string') return `path:${rule['path']}`;
  if (typeof rule['template'] === 'string') return `template:${placeholders(rule['template']).map((p) => resolve(section, p, from)).sort().join('+')}`;
  return undefined;
}

function fields(group: Json, section: 'invoice' | 'line', resolve: Resolve, prefix = ''): Map<string, string | undefined> {
  const out = new Map<string, string | undefined>();
  for (const [k, v] of Object.entries(group)) {
    if (v === null || typeof v !== 'object') continue;
    const rule = v as Json;
    const isRule = ['column', 'path', 'value', 'template', 'expr', 'first'].some((s) => s in rule);
    if (isRule) out.set(`${section}.${prefix}${k}`, sourceOf(rule, section, resolve));
    else for (const [p, s] of fields(rule, section, resolve, `${prefix}${k}.`)) out.set(p, s);
  }
  return out;
}

/** fixed-width: a column name → "<type>@<start>" of the layout that reads it */
function fixedResolver(m: Json): Resolve {
  const input = m['input'] as Json;
  if (input['format'] !== 'fixed') return (_s, c) => c;
  const invoices = m['invoices'] as Json;
  const layouts = ((input['fixed'] as Json)['layouts'] as Json[]) ?? [];
  const typeOf = (section: 'invoice' | 'line', from: string | undefined): string =>
    from ?? (section === 'invoice' ? String(invoices['header']) : String(Array.isArray(invoices['line']) ? invoices['line'][0] : invoices['line']));
  return (section, column, from) => {
    const type = typeOf(section, from === 'invoice' ? undefined : from);
    const layout = layouts.find((l) => l['type'] === type);
    const field = ((layout?.['fields'] as Json[]) ?? []).find((f) => f['name'] === column);
    return field ? `${type}@${String(field['start'])}` : `${type}:${column}`;
  };
}

/** section files: a column name → "<section>#<1-based position>" in the layout of the record type that reads it */
function sectionsResolver(m: Json): Resolve | undefined {
  const input = m['input'] as Json;
  if (input['format'] !== 'sections') return undefined;
  const invoices = m['invoices'] as Json;
  const layouts = ((input['sections'] as Json)['layouts'] as Json[]) ?? [];
  return (section, column, from) => {
    const type = from !== undefined && from !== 'invoice' && from !== 'line' ? from : String(invoices[section === 'invoice' || from === 'invoice' ? 'header' : 'line']);
    const layout = layouts.find((l) => l['type'] === type);
    const k = ((layout?.['columns'] as string[]) ?? []).indexOf(column);
    return k >= 0 ? `${String(layout!['section'])}#${k + 1}` : `${type}:${column}`;
  };
}

const resolverOf = (m: Json): Resolve => sectionsResolver(m) ?? fixedResolver(m);

export function scoreMapping(hand: Json, suggested: Json): Score {
  const handResolve = resolverOf(hand);
  const sugResolve = resolverOf(suggested);
  const want = new Map([...fields(hand['invoice'] as Json, 'invoice', handResolve), ...fields(hand['line'] as Json, 'line', handResolve)]);
  const got = new Map([...fields(suggested['invoice'] as Json, 'invoice', sugResolve), ...fields(suggested['line'] as Json, 'line', sugResolve)]);
  const wanted: string[] = [];
  const right: string[] = [];
  const wrong: string[] = [];
  const missed: string[] = [];
  for (const [target, source] of want) {
    if (source === undefined) continue;
    wanted.push(target);
    const mine = got.get(target);
    if (mine === source) right.push(target);
    else if (mine === undefined || mine.includes('TODO')) missed.push(target);
    else wrong.push(target);
  }
  return { wanted, right, wrong, missed };
}
