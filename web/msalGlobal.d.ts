// MSAL.js's browser bundle (lib/msal-browser.min.js) defines `msal` on the page, with the package's own types.
import type * as Msal from '@azure/msal-browser';

declare global {
  var msal: typeof Msal | undefined;
}
