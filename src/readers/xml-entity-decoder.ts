/**
 * The entity decoder handed to fast-xml-parser: the five predefined entities and character
 * references, in one pass (so "&amp;lt;" stays "&lt;"). Nothing else can reach it, because the
 * reader refuses DOCTYPEs and other references first (xml-markup-guard.ts); fast-xml-parser's own
 * decoder would leave "&#379;" as text and silently drop references to forbidden characters.
 */
import { charRefCodePoint } from './xml-markup-guard.ts';

const PREDEFINED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const REFERENCE = /&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);/g;

export const xmlEntityDecoder = {
  decode: (text: string): string =>
    text.includes('&') ? text.replace(REFERENCE, (_m, body: string) => (body.startsWith('#') ? String.fromCodePoint(charRefCodePoint(body)) : PREDEFINED[body]!)) : text,
  reset: (): void => {},
  setXmlVersion: (): void => {},
  setExternalEntities: (): void => {},
  addInputEntities: (): void => {
    throw new Error('entity declarations are refused before parsing');
  },
};
