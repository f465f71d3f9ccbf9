import { addAgent, listAgents } from '../app/directory.ts';
import type { DeskDeps } from '../app/desk-deps.ts';
import { signInLinkFor, type WebSignInDeps } from '../app/web-sign-in.ts';
import type { Locale } from '../i18n/translate.ts';

/** The first admin's address until they change it: reserved, so no mail ever goes anywhere. */
export const FIRST_ADMIN_EMAIL = 'admin@sladesk.invalid';

export interface FirstAdmin {
  personId: string;
  /** The path of a one-time sign-in link, to be put after the desk's URL. */
  linkPath: string;
}

/**
 * A desk with nobody on its side (a fresh install) gets its first admin, and a sign-in link for
 * them, so that the person who ran `npm start` can open the desk and set it up. Never again once
 * anyone works on the desk.
 */
export async function welcomeFirstAdmin(
  deps: DeskDeps,
  signIn: WebSignInDeps,
  locale: Locale,
): Promise<FirstAdmin | undefined> {
  if ((await listAgents(deps)).length > 0) return undefined;
  const admin = await addAgent(deps, { name: 'Admin', email: FIRST_ADMIN_EMAIL, admin: true, locale });
  const link = await signInLinkFor(signIn, admin.id);
  return { personId: admin.id, linkPath: `/web/sign-in/${link.token}` };
}
