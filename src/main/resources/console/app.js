// The console's shell: asks for the session (sign-in page if a token is required and none was given), then routes
// #/page/argument?query to the page's module. Each page gets a context that ends its timers and requests on leaving.

import { el, replace } from './dom.js';
import { loadSession, goToSignIn, signOut, errorBlock, currentSession } from './api.js';
import * as overview from './overview.js';
import * as events from './events.js';
import * as eventPage from './event.js';
import * as deadLetters from './dead-letters.js';
import * as workflows from './workflows.js';
import * as playground from './playground.js';
import * as refusals from './refusals.js';

const main = document.getElementById('main');

// Routes by their first part; each says which nav entry it belongs to and which page to mount.
const ROUTES = {
  overview: { nav: 'overview', page: () => overview.mount },
  events: { nav: 'events', page: parts => (parts.length > 1 ? eventPage.mount : events.mount) },
  'dead-letters': { nav: 'dead-letters', page: () => deadLetters.mount },
  workflows: { nav: 'workflows', page: parts => (parts.length > 1 ? workflows.mountOne : workflows.mountList) },
  playground: { nav: 'playground', page: parts => (parts.length > 1 ? playground.mount : workflows.mountPick) },
  refusals: { nav: 'refusals', page: () => refusals.mount },
};

let leaving = null;
let firstRoute = true;

/** #/events/abc?x=1 as {parts: ['events', 'abc'], query: URLSearchParams}. */
function parseHash(hash) {
  const text = hash.startsWith('#/') ? hash.slice(2) : '';
  const mark = text.indexOf('?');
  const pathText = mark < 0 ? text : text.slice(0, mark);
  const query = new URLSearchParams(mark < 0 ? '' : text.slice(mark + 1));
  const parts = pathText.split('/').filter(p => p !== '').map(p => {
    try {
      return decodeURIComponent(p);
    } catch (e) {
      return p;
    }
  });
  return { parts, query };
}

/** A page's context: its abort signal, timers that stop when it is left, and its title. */
function context() {
  const controller = new AbortController();
  const cleanups = [];
  const ctx = {
    signal: controller.signal,
    get active() {
      return !controller.signal.aborted;
    },
    onLeave(fn) {
      cleanups.push(fn);
    },
    title(text) {
      document.title = `${text} · Werken console`;
    },
    /**
     * Runs task now and then every ms after each run has finished (never two at once); not while the tab is hidden.
     * Answers a function that stops it.
     */
    every(task, ms) {
      let timer = null;
      let stopped = false;
      const run = async () => {
        if (stopped || controller.signal.aborted) {
          return;
        }
        if (!document.hidden) {
          try {
            await task();
          } catch (e) {
            // the task shows its own errors
          }
        }
        if (!stopped && !controller.signal.aborted) {
          timer = setTimeout(run, ms);
        }
      };
      const stop = () => {
        stopped = true;
        clearTimeout(timer);
      };
      cleanups.push(stop);
      run();
      return stop;
    },
  };
  const leave = () => {
    controller.abort();
    cleanups.splice(0).forEach(fn => {
      try {
        fn();
      } catch (e) {
        // a cleanup that fails must not keep the next page from mounting
      }
    });
  };
  return { ctx, leave };
}

function markNav(name) {
  document.querySelectorAll('nav a[data-route]').forEach(a => {
    if (a.dataset.route === name) {
      a.setAttribute('aria-current', 'page');
    } else {
      a.removeAttribute('aria-current');
    }
  });
}

function route() {
  const { parts, query } = parseHash(location.hash);
  if (parts.length === 0) {
    location.replace('#/overview');
    return;
  }
  if (leaving) {
    leaving();
    leaving = null;
  }
  const entry = Object.hasOwn(ROUTES, parts[0]) ? ROUTES[parts[0]] : null;
  const { ctx, leave } = context();
  leaving = leave;
  replace(main);
  if (!entry) {
    markNav(null);
    ctx.title('Not found');
    main.append(el('h1', { tabindex: '-1' }, 'No such page'),
      el('p', null, 'The console has no page ', el('code', null, location.hash), '. ',
        el('a', { href: '#/overview' }, 'Open the overview.')));
  } else {
    markNav(entry.nav);
    try {
      entry.page(parts)(main, { parts, query }, ctx);
    } catch (e) {
      main.append(errorBlock(e, 'The page could not be shown'));
    }
  }
  if (!firstRoute) {
    const heading = main.querySelector('h1');
    if (heading) {
      heading.setAttribute('tabindex', '-1');
      heading.focus();
    }
  }
  firstRoute = false;
}

function showSession(session) {
  const state = document.getElementById('session-state');
  const button = document.getElementById('signout');
  state.textContent = session.token_required ? 'Signed in with the admin token' : 'Local access (no admin token set)';
  button.hidden = !session.token_required;
}

async function start() {
  document.querySelector('a.skip').addEventListener('click', event => {
    event.preventDefault();
    main.focus();
  });
  document.getElementById('signout').addEventListener('click', async () => {
    try {
      await signOut();
    } catch (e) {
      main.prepend(errorBlock(e, 'Sign-out failed'));
    }
  });
  let session;
  try {
    session = await loadSession();
  } catch (e) {
    replace(main, el('h1', null, 'Werken console'), errorBlock(e, 'The management port refused the console'));
    return;
  }
  if (session.token_required && !session.signed_in) {
    goToSignIn();
    return;
  }
  showSession(currentSession());
  window.addEventListener('hashchange', route);
  route();
}

start();
