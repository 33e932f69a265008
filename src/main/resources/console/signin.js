// The sign-in page: takes the admin token, exchanges it for a session cookie (POST /console/session), then opens
// the console where the user was going.

const form = document.getElementById('signin-form');
const input = document.getElementById('signin-token');
const button = document.getElementById('signin-button');
const message = document.getElementById('signin-message');
let csrfToken = null;

function next() {
  let target = null;
  try {
    target = sessionStorage.getItem('werken.next');
    sessionStorage.removeItem('werken.next');
  } catch (e) {
    target = null;
  }
  // Only a route of the console: never a URL taken from storage as it is.
  return /^#\/[A-Za-z0-9\-._~%/?=&+]*$/.test(target || '') ? target : '#/overview';
}

function say(text) {
  message.textContent = text;
}

async function problemText(response) {
  try {
    const problem = await response.json();
    if (problem && problem.detail) {
      return `${problem.title || 'Refused'} (${response.status}): ${problem.detail}`;
    }
  } catch (e) {
    // not JSON
  }
  return `The server answered ${response.status}.`;
}

async function start() {
  try {
    const response = await fetch('/console/session', {
      credentials: 'same-origin', cache: 'no-store', headers: { Accept: 'application/json' },
    });
    if (!response.ok) {
      say(await problemText(response));
      return;
    }
    const session = await response.json();
    csrfToken = session.csrf_token || null;
    if (session.signed_in || !session.token_required) {
      location.replace('/console/' + next());
      return;
    }
  } catch (e) {
    say('Werken cannot be reached: ' + e.message);
  }
  input.focus();
}

form.addEventListener('submit', async event => {
  event.preventDefault();
  const token = input.value;
  if (!token) {
    say('Enter the admin token.');
    input.focus();
    return;
  }
  button.disabled = true;
  say('Signing in…');
  try {
    const headers = { 'Content-Type': 'application/json', Accept: 'application/json' };
    if (csrfToken) {
      headers['X-CSRF-Token'] = csrfToken;
    }
    const response = await fetch('/console/session', {
      method: 'POST', credentials: 'same-origin', cache: 'no-store', headers, body: JSON.stringify({ token }),
    });
    if (response.ok) {
      input.value = '';
      say('Signed in.');
      location.replace('/console/' + next());
      return;
    }
    say(response.status === 401 ? 'That is not the admin token.' : await problemText(response));
    input.select();
  } catch (e) {
    say('Werken cannot be reached: ' + e.message);
  } finally {
    button.disabled = false;
  }
});

start();
