import type { Queryable } from '../pool';

export type Role = 'user' | 'artist' | 'admin';

interface UserRow {
  id: number;
  email: string;
  username: string;
  role: Role;
  is_active: boolean;
  created_at: Date;
  last_login: Date | null;
  updated_at: Date;
}

export interface User {
  id: number;
  email: string;
  username: string;
  role: Role;
  isActive: boolean;
  createdAt: Date;
  lastLogin: Date | null;
  updatedAt: Date;
}

// password_hash and webauthn_credential are never selected: nothing reads them.
const COLUMNS = 'id, email, username, role, is_active, created_at, last_login, updated_at';

function toUser(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    username: row.username,
    role: row.role,
    isActive: row.is_active,
    createdAt: row.created_at,
    lastLogin: row.last_login,
    updatedAt: row.updated_at,
  };
}

export async function findUserByEmail(db: Queryable, email: string): Promise<User | undefined> {
  const { rows } = await db.query<UserRow>(`SELECT ${COLUMNS} FROM users WHERE email = $1`, [email]);
  return rows[0] ? toUser(rows[0]) : undefined;
}

export async function findUserById(db: Queryable, id: number): Promise<User | undefined> {
  const { rows } = await db.query<UserRow>(`SELECT ${COLUMNS} FROM users WHERE id = $1`, [id]);
  return rows[0] ? toUser(rows[0]) : undefined;
}

export interface NewUser {
  email: string;
  username: string;
  role?: Role;
  isActive?: boolean;
}

export async function insertUser(db: Queryable, user: NewUser): Promise<User> {
  const { rows } = await db.query<UserRow>(
    `INSERT INTO users (email, username, role, is_active)
     VALUES ($1, $2, $3, $4)
     RETURNING ${COLUMNS}`,
    [user.email, user.username, user.role ?? 'user', user.isActive ?? true],
  );
  return toUser(rows[0]!);
}
