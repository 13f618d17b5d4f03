import { Router } from 'express';
import { z } from 'zod';
import { pageFields, pageOf, presentPage } from './pagination';
import type { RouteDeps } from './deps';
import { listUsers, updateUserAsAdmin } from '../services/users.service';
import { parseInput } from '../lib/errors';
import { presentUser } from './presenters';
import { idParam } from './request';
import { doc } from './api-doc';
import { responses } from './response-schemas';

const listQuery = z.object({
  q: z.string().trim().max(100).optional(),
  ...pageFields,
});
const changeBody = z
  .object({ role: z.enum(['user', 'artist', 'admin']).optional(), isActive: z.boolean().optional() })
  .strict()
  .refine((b) => b.role !== undefined || b.isActive !== undefined, 'give role, isActive or both');

/** Admins manage users' roles and whether they may sign in. */
export function adminUsersRoutes(deps: RouteDeps): Router {
  const router = Router();

  router.get(
    '/api/admin/users',
    doc({ summary: 'Users, searched and paged', access: 'admin', query: listQuery, response: { status: 200, schema: responses.users } }),
    async (req, res) => {
      const query = parseInput(listQuery, req.query, 'query');
      const page = pageOf(query, 20);
      const { users, total } = await listUsers(deps, req.actor, { q: query.q, ...page });
      res.set('Cache-Control', 'no-store').json({ users: users.map(presentUser), ...presentPage(page, total) });
    },
  );

  router.patch(
    '/api/admin/users/:id',
    doc({
      summary: "Change a user's role or sign-in right",
      access: 'admin',
      body: changeBody,
      response: { status: 200, schema: responses.user },
    }),
    async (req, res) => {
      const changes = parseInput(changeBody, req.body, 'body');
      res.json({ user: presentUser(await updateUserAsAdmin(deps, req.actor, idParam(req), changes)) });
    },
  );

  return router;
}
