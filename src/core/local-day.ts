/** Local calendar day (yyyy-mm-dd) of an ISO timestamp or epoch milliseconds. */
export function localDay(at: string | number): string {
  const d = new Date(at);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}
