import { actionsFor, CaseLike, Viewer } from './case-actions';

const verifier: Viewer = { userId: 'dcc-verifier-1', partyId: 'DCC', partyType: 'dcc', roles: ['verifier'] };
const otherVerifier: Viewer = { ...verifier, userId: 'dcc-verifier-2' };
const dccReader: Viewer = { userId: 'dcc-reader', partyId: 'DCC', partyType: 'dcc', roles: [] };
const manufacturer: Viewer = { userId: 'mfr', partyId: 'MFR-NORTHWIND', partyType: 'manufacturer', roles: [] };
const supplier: Viewer = { userId: 'sup', partyId: 'SUP-A', partyType: 'supplier', roles: [] };

const dcc = (state: string, extra: Partial<CaseLike> = {}): CaseLike => ({ view: 'dcc', caseId: 'c-1', state, assignee: null, fixReference: 'not-applicable', published: false, ...extra });
const ids = (view: CaseLike, viewer: Viewer) => actionsFor(view, viewer).map((a) => a.id);

describe('the actions the case page offers', () => {
  it('offers a DCC verifier the claim on a queued case, and nothing else', () => {
    expect(ids(dcc('queued'), verifier)).toEqual(['claim']);
  });

  it('offers the verifier holding the claim its work, and any other verifier only the release', () => {
    const held = dcc('claimed', { assignee: 'dcc-verifier-1' });
    expect(ids(held, verifier)).toEqual(['verify', 'request-information', 'reject', 'duplicate', 'release']);
    expect(ids(held, otherVerifier)).toEqual(['release']);
  });

  it('offers a DCC user without the verifier role nothing', () => {
    expect(ids(dcc('queued'), dccReader)).toEqual([]);
    expect(ids(dcc('claimed', { assignee: 'dcc-reader' }), dccReader)).toEqual([]);
  });

  it('offers the dispute outcome only on a disputed case, the fix reference only while unresolved, the withdrawal only once published', () => {
    expect(ids(dcc('disputed'), verifier)).toEqual(['dispute-outcome']);
    expect(ids(dcc('queued', { fixReference: 'unresolved' }), verifier)).toEqual(['claim', 'fix-reference']);
    expect(ids(dcc('rejected', { fixReference: 'unresolved' }), verifier)).toEqual([]);
    expect(ids(dcc('verified', { published: true }), verifier)).toEqual(['withdraw']);
    expect(ids(dcc('awaiting-agreement'), verifier)).toEqual([]);
  });

  it('offers the provider an answer only while it is asked for information', () => {
    expect(ids({ view: 'provider', caseId: 'c-1', state: 'awaiting-information', asked: { waitingFor: 'information' } }, supplier)).toEqual(['respond']);
    expect(ids({ view: 'provider', caseId: 'c-1', state: 'claimed', asked: null }, supplier)).toEqual([]);
  });

  it('offers the accountable party agreement or dispute, or confirmation or decline, as asked', () => {
    expect(ids({ view: 'accountable-party', caseId: 'c-1', state: 'awaiting-agreement', asked: { waitingFor: 'agreement' } }, manufacturer)).toEqual(['agree', 'dispute']);
    expect(ids({ view: 'accountable-party', caseId: 'c-1', state: 'verified', asked: { waitingFor: 'confirmation' } }, manufacturer)).toEqual(['confirm-fix', 'decline-fix']);
  });

  it('builds the bodies the verification service takes', () => {
    const [verify] = actionsFor(dcc('claimed', { assignee: 'dcc-verifier-1' }), verifier);
    expect(verify.path).toBe('/cases/c-1/verification');
    expect(verify.body({ data: true, fixReference: false, presentation: true, note: '  ' })).toEqual({ checks: { data: true, fixReference: false, presentation: true }, note: null });
    const dispute = actionsFor({ view: 'accountable-party', caseId: 'c/1', state: 'awaiting-agreement', asked: { waitingFor: 'agreement' } }, manufacturer)[1];
    expect(dispute.path).toBe('/cases/c%2F1/agreement');
    expect(dispute.body({ reason: ' not ours ' })).toEqual({ agreed: false, reason: 'not ours' });
  });
});
