import { DomainError } from '@smi/decider';
import { matchKeysOf } from '../defect-catalogue';
import { criteriaOf, decodeSearchCursor, escapeLike, searchCursorAfter, searchPlan } from './defect-search';

describe('the search of the defects database', () => {
  it('reads a firmware version as exact, or as a beginning when it ends with *, ignoring case', () => {
    expect(criteriaOf({ firmwareVersion: '3804ABCD' }).firmware).toEqual({ match: 'exact', key: '3804abcd' });
    expect(criteriaOf({ firmwareVersion: '3804*' }).firmware).toEqual({ match: 'prefix', key: '3804' });
    expect(criteriaOf({ fixAvailable: 'false' }).fixAvailable).toBe(false);
    expect(criteriaOf({}).firmware).toBeUndefined();
  });

  it('matches a firmware beginning as written: %, _ and \\ are not wildcards', () => {
    expect(escapeLike('38_0%4\\')).toBe('38\\_0\\%4\\\\');
    const plan = searchPlan('published_items', criteriaOf({ firmwareVersion: '38_%*' }), undefined, 10);
    expect(plan.sql).toContain('firmware_key LIKE $1');
    expect(plan.params[0]).toBe('38\\_\\%%');
  });

  it('filters only by what was asked, always in the neutral order, one row more than the page to know if there is another', () => {
    const plan = searchPlan('published_items', {}, undefined, 50);
    expect(plan.sql).toMatch(/^SELECT case_id, version, .* FROM published_items ORDER BY sort_make, sort_model, sort_firmware, sort_identifier, case_id LIMIT \$1$/);
    expect(plan.params).toEqual([51]);
  });

  it('matches a make by catalogue id or by any spelling of it, canonical or as submitted; never by rank', () => {
    const plan = searchPlan('dcc_items', criteriaOf({ make: '  NorthWind   Metering ', q: 'reboot loop' }), undefined, 5);
    expect(plan.sql).toContain('FROM dcc_items WHERE match_keys && (SELECT array_agg(DISTINCT entry)');
    expect(plan.sql).toContain(`named.kind = 'make' AND named.spelling_key = $1`);
    expect(plan.sql).toContain(`search @@ websearch_to_tsquery('english', $2)`);
    expect(plan.sql).not.toMatch(/ts_rank|count\(/);
    expect(plan.params).toEqual(['northwind metering', 'reboot loop', 6]);
  });

  it('finds an exact firmware version and a model through the entries the rows hold', () => {
    const plan = searchPlan('published_items', criteriaOf({ model: 'X1', firmwareVersion: '3804AB' }), undefined, 5);
    expect(plan.sql).toMatch(/WHERE match_keys && \(SELECT .*'model#' \|\| s\.entity_id.*'model:' \|\| s\.spelling_key.*'model:' \|\| \$1::text\) entries\) AND match_keys @> \$2::text\[\]/s);
    expect(plan.params.slice(0, 2)).toEqual(['x1', ['fw:3804ab']]);
    const row = matchKeysOf({ makeId: 'm1', makeKey: 'nw', submittedMakeKey: 'nw', modelId: 'x', modelKey: 'x1', submittedModelKey: 'x 1', firmwareKey: '3804ab' });
    expect(row).toEqual(['make#m1', 'make:nw', 'model#x', 'model:x1', 'model:x 1', 'fw:3804ab']);
    expect(row).toEqual(expect.arrayContaining(plan.params[1] as string[]));
  });

  it('continues after the last row of a page by its whole sort key', () => {
    const cursor = searchCursorAfter({ sort_make: 'acme', sort_model: 'x1', sort_firmware: '3804', sort_identifier_text: '9223372036854775807', case_id: 'c9' });
    const after = decodeSearchCursor(cursor);
    expect(after).toEqual(['acme', 'x1', '3804', '9223372036854775807', 'c9']);
    const plan = searchPlan('published_items', {}, after, 1);
    expect(plan.sql).toContain('(sort_make, sort_model, sort_firmware, sort_identifier, case_id) > ($1::text, $2::text, $3::text, $4::bigint, $5::text)');
  });

  it('refuses a cursor it did not write, naming the field', () => {
    const bad = [
      'not-base64-json',
      Buffer.from(JSON.stringify(['a', 'b', 'c', '1'])).toString('base64url'),
      Buffer.from(JSON.stringify(['a', 'b', 'c', '1x', 'd'])).toString('base64url'),
      Buffer.from(JSON.stringify(['a', 'b', 'c', '9223372036854775808', 'd'])).toString('base64url'),
      Buffer.from(JSON.stringify(['a\u0000', 'b', 'c', '1', 'd'])).toString('base64url'),
      Buffer.from(JSON.stringify(['a', 2, 'c', '1', 'd'])).toString('base64url'),
    ];
    for (const cursor of bad) {
      try {
        decodeSearchCursor(cursor);
        throw new Error(`accepted ${cursor}`);
      } catch (error) {
        expect(error).toBeInstanceOf(DomainError);
        expect((error as DomainError).details).toEqual({ field: 'cursor' });
      }
    }
    expect(decodeSearchCursor(undefined)).toBeUndefined();
  });
});
