export { dccView, DccRow, notFound, publishedView, PublishedRow } from './defect-views';
export { criteriaOf, CursorRow, decodeSearchCursor, searchCursorAfter, searchPlan, sortKeyOf } from './defect-search';
export { decodeCursor, encodeCursor } from './page-cursor';
export { DccDefectView, PublishedDefectView } from './defects.dto';
export { ItemIdPipe } from './item-id.pipe';
