/** Who reads a report: not published (only items with a known fix are, R7), so the reporter and the DCC. */
export interface ReportReader {
  partyId: string;
  partyType: string;
}

export function canReadReport(reader: ReportReader, report: { reporterPartyId: string }): boolean {
  return reader.partyType === 'dcc' || reader.partyId === report.reporterPartyId;
}
