export { csvCell, csvLine, neutraliseCell } from './spreadsheet-safety';
