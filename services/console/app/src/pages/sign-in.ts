import { h, replaceChildren } from '../dom';
import { notice } from '../render';
import { currentClaims, signIn } from '../session';

/** Paste a bearer token (`npm run token -- …` mints one locally); it stays in this tab's sessionStorage only. */
export function signInPage(main: HTMLElement): void {
  const claims = currentClaims();
  const input = h('textarea', { id: 'token', name: 'token', rows: 4, cols: 80, placeholder: 'eyJhbGciOi…', autocomplete: 'off', spellcheck: 'false', required: true });
  const message = h('div', {});
  const form = h(
    'form',
    {
      class: 'action',
      'aria-label': 'Sign in',
      onsubmit: (event: Event) => {
        event.preventDefault();
        const result = signIn(input.value);
        if (!result.ok) {
          replaceChildren(message, notice('problem', [h('strong', {}, 'Not signed in. '), result.reason]));
          return;
        }
        location.hash = '#/cases';
      },
    },
    h('label', { for: 'token' }, 'Bearer token', input),
    h('button', { type: 'submit' }, 'Sign in'),
  );
  replaceChildren(
    main,
    h('h1', {}, 'Sign in'),
    claims ? notice('info', [`Signed in as ${claims.party} (${claims.partyType}). Paste another token to switch.`]) : null,
    h('p', {}, 'Paste the bearer token you use with the APIs. It is kept in this browser tab only (sessionStorage) and sent with each request; the console stores nothing. Sign out clears it.'),
    h('p', { class: 'muted' }, 'Locally: ', h('code', {}, 'npm run -s token -- --sub dcc-verifier-1 --party DCC --party-type dcc --roles verifier'), ' prints one.'),
    form,
    message,
  );
  input.focus();
}
