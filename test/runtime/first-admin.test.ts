import { describe, expect, it } from 'vitest';
import { useSignInLink } from '../../src/app/web-sign-in.ts';
import { webSignInDeps } from '../../src/channels/web/web-channel.ts';
import { FIRST_ADMIN_EMAIL, welcomeFirstAdmin } from '../../src/runtime/first-admin.ts';
import { useTestDesk } from '../support/test-desk.ts';

const desk = useTestDesk();

describe('the first start', () => {
  it('makes the first admin and a working sign-in link, once: never again when anyone works on the desk', async () => {
    const signIn = webSignInDeps(desk().store, desk().deps);
    const first = await welcomeFirstAdmin(desk().deps, signIn, 'sv');
    expect(first).toBeDefined();
    const admin = (await desk().deps.people.get(first!.personId))!;
    expect(admin).toMatchObject({ role: 'admin', email: FIRST_ADMIN_EMAIL, locale: 'sv' });
    const token = first!.linkPath.split('/').pop()!;
    expect((await useSignInLink(signIn, token)).kind).toBe('session');
    expect(await welcomeFirstAdmin(desk().deps, signIn, 'sv')).toBeUndefined();
  });
});
