import { DomainError } from '@smi/decider';
import { IsoDate } from '@smi/working-days';

export interface Quarter {
  quarter: string;
  from: IsoDate;
  to: IsoDate;
}

/** `2026-Q4` → 1 October to 31 December 2026 (calendar quarters, the release cycle). */
export function parseQuarter(text: string): Quarter {
  // Years of four digits from 1900: Date.UTC reads years 0-99 as 1900-1999, and the working-day calendar ends in 9999.
  const match = /^((?:19|2\d)\d{2})-Q([1-4])$/.exec(text);
  if (!match) throw new DomainError('INVALID_QUARTER', `quarter must look like 2026-Q4, in the years 1900 to 2999; got ${JSON.stringify(text)}`, { field: 'quarter' });
  const year = Number(match[1]);
  const q = Number(match[2]);
  const firstMonth = (q - 1) * 3 + 1;
  const lastDay = new Date(Date.UTC(year, firstMonth + 2, 0)).getUTCDate();
  const pad = (n: number) => String(n).padStart(2, '0');
  return { quarter: text, from: `${year}-${pad(firstMonth)}-01`, to: `${year}-${pad(firstMonth + 2)}-${pad(lastDay)}` };
}
