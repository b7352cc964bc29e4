import { call } from '../api';
import { h, replaceChildren } from '../dom';
import { keyValues, loading, notice, problem, table, valueView, when } from '../render';

interface Release {
  number: number;
  label: string;
  period: { from: string; to: string };
  previousRelease: number | null;
  cutAt: string;
  editions: Record<string, { items?: number } & Record<string, unknown>>;
  nonSuppliers: unknown[];
}

interface Due {
  label: string;
  dueBy: string;
  detectedAt: string;
  releasedAs: number | null;
}

const FORMATS = ['csv', 'xlsx', 'json'] as const;

/** The file name the service gave (`content-disposition`), or a plain one. */
export function fileNameFrom(disposition: string | null, fallback: string): string {
  const match = /filename="([^"\\/]+)"/.exec(disposition ?? '');
  return match ? match[1] : fallback;
}

/**
 * Downloads go through fetch (the token is a header, which a plain link cannot carry); the host streams the
 * file from publication, and the browser saves it from a blob under the name the service gave.
 */
async function download(number: number, edition: string, format: string, status: HTMLElement): Promise<void> {
  replaceChildren(status, loading());
  const outcome = await call<undefined>('publication', `/releases/${number}/download`, { query: { edition, format }, raw: true });
  if (outcome.kind !== 'ok') {
    replaceChildren(status, problem(outcome, 'this download'));
    return;
  }
  const blob = await outcome.response.blob();
  const url = URL.createObjectURL(blob);
  const name = fileNameFrom(outcome.response.headers.get('content-disposition'), `release-${number}-${edition}.${format}`);
  const link = h('a', { href: url, download: name }, name);
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  replaceChildren(status, notice('done', [`Downloaded ${name} (${blob.size} bytes).`]));
}

/** Releases (publication `GET /releases`) with a download of each edition the caller may read. */
export async function releasesPage(main: HTMLElement): Promise<void> {
  const body = h('div', {}, loading());
  const status = h('div', { 'data-testid': 'download-status' });
  replaceChildren(main, h('h1', {}, 'Releases'), status, body);
  const outcome = await call<{ releases: Release[]; due: Due[] }>('publication', '/releases');
  if (outcome.kind !== 'ok') {
    replaceChildren(body, problem(outcome, 'releases'));
    return;
  }
  const { releases, due } = outcome.body;
  replaceChildren(
    body,
    releases.length === 0
      ? notice('info', ['No release has been cut yet.'])
      : table(
          [
            { label: '#', value: (r: Release) => r.number },
            { label: 'Quarter', value: (r) => r.label },
            { label: 'Period', value: (r) => `${r.period.from} to ${r.period.to}` },
            { label: 'Cut', value: (r) => when(r.cutAt) },
            { label: 'Items', value: (r) => Object.entries(r.editions).map(([edition, counts]) => `${edition}: ${counts.items ?? '?'}`).join(' · ') },
            { label: 'Providers without data', value: (r) => valueView(r.nonSuppliers.length) },
            {
              label: 'Download',
              value: (r) =>
                Object.keys(r.editions).map((edition) =>
                  h(
                    'div',
                    {},
                    `${edition}: `,
                    FORMATS.map((format) =>
                      h('button', { type: 'button', class: 'secondary', 'data-download': `${r.number}-${edition}-${format}`, onclick: () => void download(r.number, edition, format, status) }, format),
                    ),
                  ),
                ),
            },
          ],
          releases,
          { 'data-testid': 'releases' },
        ),
    h('h2', {}, 'Quarters due'),
    due.length === 0 ? h('p', { class: 'muted' }, 'No quarter is overdue for a release.') : table([{ label: 'Quarter', value: (d: Due) => d.label }, { label: 'Due by', value: (d) => d.dueBy }, { label: 'Released as', value: (d) => valueView(d.releasedAs) }], due),
    releases.length > 0 ? [h('h2', {}, `Release ${releases[releases.length - 1].number} in detail`), keyValues(releases[releases.length - 1] as unknown as Record<string, unknown>, 1)] : null,
  );
}
