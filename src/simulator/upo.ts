/**
 * UPO (urzędowe poświadczenie odbioru) in the shape of upo-v4-3.xsd. The real UPO carries an MF
 * XAdES signature; the simulator cannot produce that, so its UPOs are unsigned (the XSD does not
 * require the signature element). NazwaPodmiotuPrzyjmujacego uses the value the XSD fixes.
 */
import type { SessionRecord, StoredInvoice } from './state.ts';

const NS = 'http://upo.schematy.mf.gov.pl/KSeF/v4-3';

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** ISO with milliseconds and the Warsaw-style offset KSeF writes (here always +00:00, UTC). */
function stamp(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+00:00');
}

export interface UpoPaging {
  page: number;
  pages: number;
  from: number;
  to: number;
  total: number;
}

export function buildUpo(session: SessionRecord, docs: readonly StoredInvoice[], paging?: UpoPaging): string {
  const schemaFile = session.formCode.systemCode === 'FA (2)' ? 'Schemat_FA(2)_v1-0E.xsd' : 'Schemat_FA(3)_v1-0E.xsd';
  const auth = session.tokenReferenceNumber
    ? `<NumerReferencyjnyTokenaKSeF>${session.tokenReferenceNumber}</NumerReferencyjnyTokenaKSeF>`
    : `<SkrotDokumentuUwierzytelniajacego>${'A'.repeat(43)}=</SkrotDokumentuUwierzytelniajacego>`;
  const lines = [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<Potwierdzenie xmlns="${NS}">`,
    '\t<NazwaPodmiotuPrzyjmujacego>Ministerstwo Finansów</NazwaPodmiotuPrzyjmujacego>',
    `\t<NumerReferencyjnySesji>${session.referenceNumber}</NumerReferencyjnySesji>`,
    '\t<Uwierzytelnienie>',
    `\t\t<IdKontekstu><Nip>${session.nip}</Nip></IdKontekstu>`,
    `\t\t${auth}`,
    '\t</Uwierzytelnienie>',
  ];
  if (paging) {
    lines.push(
      '\t<OpisPotwierdzenia>',
      `\t\t<Strona>${paging.page}</Strona>`,
      `\t\t<LiczbaStron>${paging.pages}</LiczbaStron>`,
      `\t\t<ZakresDokumentowOd>${paging.from}</ZakresDokumentowOd>`,
      `\t\t<ZakresDokumentowDo>${paging.to}</ZakresDokumentowDo>`,
      `\t\t<CalkowitaLiczbaDokumentow>${paging.total}</CalkowitaLiczbaDokumentow>`,
      '\t</OpisPotwierdzenia>',
    );
  }
  lines.push(`\t<NazwaStrukturyLogicznej>${schemaFile}</NazwaStrukturyLogicznej>`, `\t<KodFormularza>${esc(session.formCode.systemCode)}</KodFormularza>`);
  for (const d of docs) {
    lines.push(
      '\t<Dokument>',
      `\t\t<NipSprzedawcy>${d.sellerNip}</NipSprzedawcy>`,
      `\t\t<NumerKSeFDokumentu>${d.ksefNumber}</NumerKSeFDokumentu>`,
      `\t\t<NumerFaktury>${esc(d.invoiceNumber)}</NumerFaktury>`,
      `\t\t<DataWystawieniaFaktury>${d.issueDate}</DataWystawieniaFaktury>`,
      `\t\t<DataPrzeslaniaDokumentu>${stamp(d.invoicingDate)}</DataPrzeslaniaDokumentu>`,
      `\t\t<DataNadaniaNumeruKSeF>${stamp(d.acquisitionDate)}</DataNadaniaNumeruKSeF>`,
      `\t\t<SkrotDokumentu>${d.invoiceHash}</SkrotDokumentu>`,
      `\t\t<TrybWysylki>${d.invoicingMode}</TrybWysylki>`,
      '\t</Dokument>',
    );
  }
  lines.push('</Potwierdzenie>', '');
  return lines.join('\n');
}
