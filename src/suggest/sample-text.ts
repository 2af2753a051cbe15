/** The first megabyte of a file as text in a given encoding, for looking at (never for importing). */
import { open } from 'node:fs/promises';
import iconv from 'iconv-lite';

export const SAMPLE_BYTES = 1024 * 1024;

export interface TextSample {
  readonly bytes: Buffer;
  readonly text: string;
  /** the whole file fits in the sample (else its last line may be cut) */
  readonly complete: boolean;
}

export async function readSampleBytes(path: string): Promise<{ bytes: Buffer; complete: boolean }> {
  const fh = await open(path, 'r');
  try {
    const size = (await fh.stat()).size;
    const buf = Buffer.alloc(Math.min(size, SAMPLE_BYTES));
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    return { bytes: buf.subarray(0, bytesRead), complete: bytesRead >= size };
  } finally {
    await fh.close();
  }
}

export function decodeSample(bytes: Buffer, encoding: string): string {
  let text: string;
  if (encoding === 'utf-16le' || encoding === 'utf-16be') text = iconv.decode(bytes, encoding);
  else if (encoding === 'utf-8') text = new TextDecoder('utf-8').decode(bytes);
  else text = iconv.decode(bytes, encoding === 'cp852' ? 'cp852' : encoding === 'iso-8859-2' ? 'iso88592' : 'windows1250');
  return text.replace(/^\ufeff/, '');
}

/** Lines of the sample; a last line that may be cut off is dropped. */
export function sampleLines(sample: TextSample): string[] {
  const lines = sample.text.split(/\r?\n/);
  if (!sample.complete) lines.pop();
  while (lines.length > 0 && lines[lines.length - 1]!.trim() === '') lines.pop();
  return lines;
}
