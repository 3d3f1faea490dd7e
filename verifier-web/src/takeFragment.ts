/**
 * Takes the card payload from the URL fragment (`#1000…`, put there by the card's QR) and removes
 * it from the address bar and from this history entry, so it is not left in the browser's history
 * or shown to the next person who picks up the phone. Returns undefined when there is none.
 *
 * @dev `history.replaceState` rewrites the current entry in place: nothing is added, and going back
 *      or forward does not bring the fragment back. The fragment never reached a server either.
 */
export function takeFragment(location: Location, history: History): string | undefined {
  const fragment = location.hash.startsWith("#") ? location.hash.slice(1) : location.hash;
  if (fragment === "") return undefined;
  history.replaceState(history.state, "", `${location.pathname}${location.search}`);
  try {
    return decodeURIComponent(fragment);
  } catch {
    return fragment;
  }
}
