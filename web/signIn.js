// @ts-check

/**
 * @typedef {object} SignIn
 * @property {string | undefined} user Who is signed in; undefined when nobody is, or sign-in is off.
 * @property {boolean} required
 * @property {() => Promise<void>} signIn Leaves the page for Entra ID's sign-in and comes back to it.
 * @property {() => Promise<string | undefined>} accessToken A token for the broker's scope; none when sign-in is off.
 */

/**
 * Sign-in with MSAL.js when the page is configured for Azure; none against the local stack, which, like Core Tools,
 * checks no token. MSAL is loaded only then, from this page's own origin (`npm run web` serves the copy in
 * node_modules; a bundler's `import { PublicClientApplication } from '@azure/msal-browser'` does the same job).
 * The redirect flow keeps to one page: the redirect URI is this page, registered on its app registration as a
 * single-page application.
 * @param {import('./pageConfig.js').AuthConfig | null} auth
 * @returns {Promise<SignIn>}
 */
export async function signInFor(auth) {
  if (!auth)
    return { user: undefined, required: false, signIn: async () => undefined, accessToken: async () => undefined };
  const msal = await loadMsal();
  const scopes = [auth.scope];
  const app = new msal.PublicClientApplication({
    auth: {
      clientId: auth.clientId,
      authority: `https://login.microsoftonline.com/${auth.tenantId}`,
      redirectUri: location.origin + location.pathname,
    },
    cache: { cacheLocation: 'sessionStorage' },
  });
  await app.initialize();
  const back = await app.handleRedirectPromise(); // the answer when the page comes back from sign-in
  if (back?.account) app.setActiveAccount(back.account);
  const account = () => app.getActiveAccount() ?? app.getAllAccounts()[0] ?? null;
  return {
    user: account()?.username,
    required: true,
    signIn: () => app.loginRedirect({ scopes }),
    async accessToken() {
      const current = account();
      if (!current) throw new Error('Sign in first.');
      try {
        return (await app.acquireTokenSilent({ scopes, account: current })).accessToken;
      } catch (error) {
        // Consent or a fresh sign-in is needed: only an interaction can get it.
        if (error instanceof msal.InteractionRequiredAuthError)
          await app.acquireTokenRedirect({ scopes, account: current });
        throw error;
      }
    },
  };
}

/** @returns {Promise<typeof import('@azure/msal-browser')>} */
function loadMsal() {
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = './vendor/msal-browser.min.js';
    script.onload = () => (globalThis.msal ? resolve(globalThis.msal) : reject(new Error('MSAL.js did not load.')));
    script.onerror = () => reject(new Error('MSAL.js could not be loaded from vendor/msal-browser.min.js.'));
    document.head.append(script);
  });
}
