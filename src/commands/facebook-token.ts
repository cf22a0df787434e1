// What `reconnect` and `doctor` share about the Facebook tokens: the OAuth client built from the
// configuration, the wording of a missing permission and its fix, and the token facts kept in the
// store next to the Page token (read by `status`).

import type { Config } from '../config/types.js';
import { type MissingPermission, type TokenInfo, OAuthClient } from '../facebook/oauth.js';
import { httpTuningFromEnv } from '../http/client.js';

export function makeOAuthClient(config: Config): OAuthClient {
  return new OAuthClient({
    graphUrl: config.facebook.graphUrl,
    apiVersion: config.facebook.apiVersion,
    appId: config.facebook.appId,
    appSecret: config.facebook.appSecret,
    ...httpTuningFromEnv(),
  });
}

/** Why fbsync asks for each permission (api-notes-facebook.md §6 "Permissions for fbsync"). */
export const PERMISSION_PURPOSE: Record<string, string> = {
  pages_show_list: 'to find the Page and get its access token',
  pages_read_engagement: "to read the Page's posts and comments",
  pages_read_user_content: "to read visitors' comments",
  pages_manage_engagement: 'to publish replies as the Page',
};

/** How the token was obtained: the fix for a missing permission differs. */
export type TokenRoute = 'login' | 'pasted' | 'stored';

/** One line per missing permission: what is missing, and what to do about it. */
export function describeMissing(missing: MissingPermission, pageId: string, route: TokenRoute): { problem: string; fix: string } {
  const purpose = PERMISSION_PURPOSE[missing.permission];
  const why = purpose ? ` (needed ${purpose})` : '';
  if (missing.reason === 'not granted for this Page') {
    return {
      problem: `${missing.permission} is granted, but not for Page ${pageId}${why}: the Page was not selected in the login dialog`,
      fix:
        route === 'pasted'
          ? `in the Graph API Explorer, generate the token again and select Page ${pageId} when Facebook asks which Pages to allow, then run \`fbsync reconnect --token -\``
          : `run \`fbsync reconnect\` again and, where Facebook asks which Pages fbsync may use, tick Page ${pageId}`,
    };
  }
  return {
    problem: `${missing.permission} was not granted${why}: it was declined or unticked`,
    fix:
      route === 'pasted'
        ? `in the Graph API Explorer, add the permission ${missing.permission}, generate the token again, then run \`fbsync reconnect --token -\``
        : `run \`fbsync reconnect\` again and leave ${missing.permission} ticked (Facebook asks again for permissions declined before)`,
  };
}

/** The JSON `status` reads from META.tokenInfo. */
export interface StoredTokenInfo {
  expiresAt: string | null;
  dataAccessExpiresAt: string | null;
  checkedAt: string;
}

export function storedTokenInfo(info: TokenInfo, checkedAt = new Date()): StoredTokenInfo {
  return {
    expiresAt: info.expiresAt?.toISOString() ?? null,
    dataAccessExpiresAt: info.dataAccessExpiresAt?.toISOString() ?? null,
    checkedAt: checkedAt.toISOString(),
  };
}

/** "never" for a token that does not expire (`expires_at: 0`). */
export function formatExpiry(date: Date | undefined): string {
  return date ? date.toISOString() : 'never';
}
