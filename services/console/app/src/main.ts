import { h, replaceChildren } from './dom';
import { casePage } from './pages/case';
import { devicePage } from './pages/device';
import { healthPage } from './pages/health';
import { queuePage } from './pages/queue';
import { releasesPage } from './pages/releases';
import { searchPage } from './pages/search';
import { signInPage } from './pages/sign-in';
import { parseRoute, Route } from './route';
import { currentClaims, isExpired, signOut } from './session';

/*
 * The operator console: hash routes (`#/cases`, `#/cases/<id>`, …) so that the host serves one static page and
 * every view can be linked and reloaded. Each page renders into <main> and owns its own loading and errors.
 */

type Page = (main: HTMLElement, route: Route) => Promise<void> | void;

const NAV: Array<{ href: string; label: string; first: string }> = [
  { href: '#/cases', label: 'Verification queue', first: 'cases' },
  { href: '#/search', label: 'Search and DMC check', first: 'search' },
  { href: '#/devices', label: 'Device history', first: 'devices' },
  { href: '#/releases', label: 'Releases', first: 'releases' },
  { href: '#/health', label: 'Health and lag', first: 'health' },
];

function pageFor(route: Route): Page {
  const [first, second] = route.path;
  switch (first) {
    case 'cases':
      return second ? casePage : queuePage;
    case 'search':
      return searchPage;
    case 'devices':
      return devicePage;
    case 'releases':
      return releasesPage;
    case 'health':
      return healthPage;
    default:
      return signInPage;
  }
}

function renderHeader(route: Route): void {
  const top = document.getElementById('top')!;
  const claims = currentClaims();
  const who = claims
    ? h(
        'span',
        { class: 'who', 'data-testid': 'signed-in-as' },
        `${claims.party} (${claims.partyType})`,
        claims.roles.length ? ` · roles: ${claims.roles.join(', ')}` : ' · no roles',
        isExpired(claims) ? h('strong', {}, ' · token expired') : null,
        h(
          'button',
          {
            class: 'secondary',
            type: 'button',
            onclick: () => {
              signOut();
              location.hash = '#/sign-in';
              render();
            },
          },
          'Sign out',
        ),
      )
    : h('span', { class: 'who' }, 'Not signed in · ', h('a', { href: '#/sign-in' }, 'Sign in'));
  replaceChildren(
    top,
    h('span', { class: 'title' }, 'SMI operator console'),
    h(
      'nav',
      { 'aria-label': 'Pages' },
      NAV.map((item) => h('a', { href: item.href, class: route.path[0] === item.first ? 'current' : undefined }, item.label)),
    ),
    who,
  );
}

let rendering = 0;

export async function render(): Promise<void> {
  const route = parseRoute(location.hash);
  // Signed out, every page starts at sign-in; signed in, the bare address opens the queue.
  if (route.path.length === 0 && currentClaims() !== null) {
    location.hash = '#/cases';
    return;
  }
  const current = ++rendering;
  renderHeader(route);
  const main = document.getElementById('page')!;
  replaceChildren(main);
  const page = pageFor(route);
  try {
    await page(main, route);
  } catch (error) {
    if (current !== rendering) return;
    replaceChildren(main, h('div', { class: 'notice problem', role: 'alert' }, `The page failed: ${(error as Error).message}`));
  }
}

window.addEventListener('hashchange', () => void render());
void render();
