/** `gafus admin …`: commands for administrators. */
import { type Command, dispatch, noPositionals, required, UsageError } from "./mod.ts";
import { table } from "./io.ts";
import { withServices } from "./services.ts";
import { createUser, listUsers, roleSchema, UserExistsError } from "../core/users.ts";
import { migrateToLatest } from "../db/migrate.ts";
import { seedDemo } from "../db/seed.ts";
import { z } from "zod";
import { translator } from "../core/i18n/mod.ts";
import { plainErrors } from "../core/validation.ts";
import type { Role } from "../db/schema.ts";

const en = translator("en");

export const migrateCommand: Command = {
  name: "migrate",
  summary: "Apply database migrations that have not run yet",
  usage: "",
  options: {},
  async run(args, io) {
    noPositionals(args);
    return await withServices(async (s) => {
      // openServices already migrates; report what the database is at.
      const { applied } = await migrateToLatest(s.db);
      io.out(applied.length ? `Applied: ${applied.join(", ")}` : "The database is up to date.");
      return 0;
    });
  },
};

export const seedCommand: Command = {
  name: "seed",
  summary: "Create demo data: admin, trainer, learner, courses, a pet (once)",
  usage: "--demo",
  options: { demo: { type: "boolean" } },
  help: "Passwords of the demo users are printed once. Running it again changes nothing.",
  async run(args, io) {
    noPositionals(args);
    if (!args.values.demo) throw new UsageError("say --demo to create the demo data");
    return await withServices(async (s) => {
      const res = await seedDemo(s.db, { print: io.out });
      if (!res.created) io.out("Demo data is already there; nothing changed.");
      return 0;
    });
  },
};

const userCreate: Command = {
  name: "user:create",
  summary: "Create a user",
  usage:
    "--username NAME --password PASSWORD [--role USER|TRAINER|MODERATOR|ADMIN] [--email EMAIL]",
  options: {
    username: { type: "string" },
    password: { type: "string" },
    role: { type: "string" },
    email: { type: "string" },
    json: { type: "boolean" },
  },
  async run(args, io) {
    noPositionals(args);
    const input = {
      username: required(args, "username"),
      password: required(args, "password"),
      role: (args.values.role as string | undefined) ?? "USER",
      email: args.values.email as string | undefined,
    };
    const role = roleSchema.safeParse(input.role);
    if (!role.success) {
      throw new UsageError(`--role must be one of USER, TRAINER, MODERATOR, ADMIN`);
    }
    return await withServices(async (s) => {
      try {
        const user = await createUser(s, { ...input, role: role.data as Role });
        io.out(
          args.values.json
            ? JSON.stringify(user)
            : `Created ${user.role} ${user.username} (${user.id})`,
        );
        return 0;
      } catch (err) {
        if (err instanceof z.ZodError) throw new UsageError(plainErrors(err, en));
        if (err instanceof UserExistsError) {
          io.err(`gafus admin user:create: the username or email is already taken`);
          return 1;
        }
        throw err;
      }
    });
  },
};

const userList: Command = {
  name: "user:list",
  summary: "List users",
  usage: "[--role ROLE] [--search TEXT] [--json]",
  options: { role: { type: "string" }, search: { type: "string" }, json: { type: "boolean" } },
  async run(args, io) {
    noPositionals(args);
    let role: Role | undefined;
    if (args.values.role !== undefined) {
      const r = roleSchema.safeParse(args.values.role);
      if (!r.success) throw new UsageError("--role must be one of USER, TRAINER, MODERATOR, ADMIN");
      role = r.data;
    }
    return await withServices(async (s) => {
      const users = await listUsers(s, { role, search: args.values.search as string | undefined });
      if (args.values.json) io.out(JSON.stringify(users));
      else {
        io.out(table(
          users.map((u) => ({
            username: u.username,
            role: u.role,
            email: u.email,
            created: u.createdAt,
            "last login": u.lastLoginAt,
            disabled: u.disabled ? "yes" : "",
          })),
        ));
      }
      return 0;
    });
  },
};

export const adminCommands: Command[] = [userCreate, userList, migrateCommand, seedCommand];

export function runAdmin(argv: string[]): Promise<number> {
  return dispatch("admin ", "gafus admin — administration commands", adminCommands, argv);
}
