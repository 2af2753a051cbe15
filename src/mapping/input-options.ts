/** The mapping's `input` section (schema-checked) → the InputOptions readers consume, defaults filled. */
import type { DecodeOptions, Encoding, FixedOptions, InputOptions } from '../core/input-options.ts';

type J = Readonly<Record<string, unknown>>;

export function toInputOptions(input: J): InputOptions {
  const decode: DecodeOptions = {
    encoding: (input['encoding'] as Encoding | undefined) ?? 'auto',
    ...(input['fallback'] !== undefined ? { fallback: input['fallback'] as DecodeOptions['fallback'] & string } : {}),
  };
  const sub = (k: string): J => (input[k] as J | undefined) ?? {};
  switch (input['format']) {
    case 'csv': {
      const c = sub('csv');
      return {
        format: 'csv',
        decode,
        csv: {
          delimiter: (c['delimiter'] as string | undefined) ?? 'auto',
          quote: (c['quote'] as string | undefined) ?? '"',
          header: (c['header'] as boolean | undefined) ?? true,
          skipLines: (c['skipLines'] as number | undefined) ?? 0,
          skipTrailingLines: (c['skipTrailingLines'] as number | undefined) ?? 0,
          skipEmptyRows: (c['skipEmptyRows'] as boolean | undefined) ?? true,
        },
      };
    }
    case 'xlsx': {
      const x = sub('xlsx');
      return {
        format: 'xlsx',
        xlsx: {
          sheet: (x['sheet'] as string | number | undefined) ?? 1,
          headerRow: (x['headerRow'] as number | undefined) ?? 1,
          ...(x['stopColumn'] !== undefined ? { stopColumn: x['stopColumn'] as string } : {}),
          ...(x['stopWhen'] !== undefined ? { stopWhen: x['stopWhen'] as string } : {}),
          skipEmptyRows: (x['skipEmptyRows'] as boolean | undefined) ?? true,
        },
      };
    }
    case 'fixed': {
      const f = sub('fixed') as unknown as Partial<FixedOptions>;
      return {
        format: 'fixed',
        decode,
        fixed: {
          ...(f.discriminator ? { discriminator: f.discriminator } : {}),
          layouts: f.layouts ?? [],
          unknownRecords: f.unknownRecords ?? 'error',
          skipEmptyLines: f.skipEmptyLines ?? true,
        },
      };
    }
    case 'xml': {
      const x = sub('xml');
      return { format: 'xml', decode, xml: { recordPath: x['recordPath'] as string, ...(x['arrays'] ? { arrays: x['arrays'] as string[] } : {}) } };
    }
    default: {
      const j = sub('json');
      return { format: 'json', decode, json: { recordPath: (j['recordPath'] as string | undefined) ?? '' } };
    }
  }
}
