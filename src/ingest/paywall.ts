/**
 * Phrases with which publishers cut an article short. Everything from the phrase on is boilerplate;
 * what came before is real text, kept and marked partial so the brief can say so.
 */
const PAYWALL_MARKERS = [
  /subscribe (?:now )?to (?:read|continue reading|unlock)[^\n]{0,120}/i,
  /(?:read|unlock) the (?:remaining|rest of the|full)[^\n]{0,40}(?:words|article|story)[^\n]{0,80}/i,
  /this (?:article|story|content) is (?:for|available to|reserved for) (?:paid )?(?:subscribers|members)[^\n]{0,80}/i,
  /(?:already a subscriber|have an account)\?\s*(?:log|sign) in[^\n]{0,80}/i,
  /to continue reading,? (?:please )?(?:subscribe|log in|sign in|register)[^\n]{0,80}/i,
];

export function cutPaywall(text: string): { text: string; partial: boolean } {
  let cut = -1;
  for (const marker of PAYWALL_MARKERS) {
    const index = text.search(marker);
    if (index >= 0 && (cut < 0 || index < cut)) cut = index;
  }
  if (cut < 0) return { text, partial: false };
  return { text: text.slice(0, cut).trimEnd(), partial: true };
}
