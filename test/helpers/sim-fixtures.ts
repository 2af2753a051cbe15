/** Invoice fixtures for simulator tests: valid FA(3) built by the simulator's generator, FA(2) from the official sample. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateFa3 } from '../../src/simulator/incoming.ts';

export const SHARED = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared');

export function fa3Invoice(o: { sellerNip: string; buyerNip?: string; number: string; issueDate?: string }): string {
  return generateFa3({
    sellerNip: o.sellerNip,
    sellerName: 'Sprzedawca Testowy sp. z o.o.',
    buyerNip: o.buyerNip ?? '1111111111',
    buyerName: 'Nabywca sp. z o.o.',
    number: o.number,
    issueDate: o.issueDate ?? new Date().toISOString().slice(0, 10),
    createdAt: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
  });
}

/** The official FA(2) sample with our seller NIP and number. */
export function fa2Invoice(o: { sellerNip: string; number: string }): string {
  const xml = readFileSync(join(SHARED, 'schemas', 'samples', 'FA2', 'FA_2_Przyklad_9.xml'), 'utf8');
  return xml
    .replace(/(<Podmiot1>[\s\S]*?<NIP>)\d{10}(<\/NIP>)/, `$1${o.sellerNip}$2`)
    .replace(/<P_2>[^<]*<\/P_2>/, `<P_2>${o.number}</P_2>`)
    .replace(/<P_1>[^<]*<\/P_1>/, `<P_1>2024-01-15</P_1>`);
}
