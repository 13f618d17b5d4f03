import { Router } from 'express';
import { z } from 'zod';
import { deleteMyPasskey, listMyPasskeys, renameMyPasskey } from '../services/auth/passkeys.service';
import type { RouteDeps } from './deps';
import { becomeArtist } from '../services/users.service';
import { parseInput } from '../lib/errors';
import { presentPasskey, presentUser } from './presenters';
import { idParam } from './request';
import { doc } from './api-doc';
import { responses } from './response-schemas';

const renameBody = z.object({ name: z.string().trim().min(1).max(100) });
const artistBody = z.object({ displayName: z.string().trim().min(1).max(100) });

/** The signed-in user's own things: passkeys, becoming an artist. */
export function meRoutes(deps: RouteDeps): Router {
  const router = Router();

  router.get(
    '/api/me/passkeys',
    doc({ summary: 'My passkeys', access: 'signed in', response: { status: 200, schema: responses.passkeys } }),
    async (req, res) => {
      const passkeys = await listMyPasskeys(deps, req.actor);
      res.set('Cache-Control', 'no-store').json({ passkeys: passkeys.map(presentPasskey) });
    },
  );

  router.patch(
    '/api/me/passkeys/:id',
    doc({ summary: 'Rename one of my passkeys', access: 'owner', body: renameBody, response: { status: 200, schema: responses.passkey } }),
    async (req, res) => {
      const { name } = parseInput(renameBody, req.body, 'body');
      res.json({ passkey: presentPasskey(await renameMyPasskey(deps, req.actor, idParam(req), name)) });
    },
  );

  router.delete(
    '/api/me/passkeys/:id',
    doc({ summary: 'Delete one of my passkeys', access: 'owner', response: { status: 204 } }),
    async (req, res) => {
      await deleteMyPasskey(deps, req.actor, idParam(req));
      res.status(204).end();
    },
  );

  router.post(
    '/api/me/artist',
    doc({ summary: 'Become an artist', access: 'signed in', body: artistBody, response: { status: 200, schema: responses.user } }),
    async (req, res) => {
      const { displayName } = parseInput(artistBody, req.body, 'body');
      res.json({ user: presentUser(await becomeArtist(deps, req.actor, displayName)) });
    },
  );

  return router;
}
