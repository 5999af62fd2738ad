/** `gafus admin user:*`: accounts. */
import {
  type Command,
  intOption,
  noPositionals,
  optional,
  type ParsedArgs,
  required,
  UsageError,
} from "./mod.ts";
import { details, table } from "./io.ts";
import { createUser, listUsers, roleSchema, UserExistsError } from "@/core/users.ts";
import {
  deleteUser,
  setUserDisabled,
  setUserRole,
  userDetail,
  UserOwnsContentError,
} from "@/core/user_admin.ts";
import { SYSTEM } from "@/core/auth/guards.ts";
import { recordAudit } from "@/core/audit.ts";
import { findAccount } from "@/core/auth/login.ts";
import { issueResetToken, RESET_TTL_MS, resetUrl } from "@/core/auth/password_reset.ts";
import { NotFoundError } from "@/core/auth/guards.ts";
import { translator } from "@/core/i18n/mod.ts";
import { plainErrors } from "@/core/validation.ts";
import { z } from "zod";
import type { Role } from "@/db/schema.ts";

const en = translator("en");
const ROLE_HELP = "--role must be one of USER, TRAINER, MODERATOR, ADMIN";

function parseRole(v: string | undefined): Role | undefined {
  if (v === undefined) return undefined;
  const r = roleSchema.safeParse(v.toUpperCase());
  if (!r.success) throw new UsageError(ROLE_HELP);
  return r.data;
}

/** The account a command is about: `USERNAME` or `--username NAME`. */
function target(args: ParsedArgs): string {
  const flag = optional(args, "username");
  if (flag !== undefined && args.positionals.length) {
    throw new UsageError(`give the user once: '${args.positionals[0]}' or --username`);
  }
  if (args.positionals.length > 1) {
    throw new UsageError(`unexpected argument '${args.positionals[1]}'`);
  }
  const who = flag ?? args.positionals[0];
  if (!who) throw new UsageError("say which user (USERNAME)");
  return who;
}

/** Runs `fn`; a missing user becomes exit 1 with a plain message. */
async function onUser(
  io: Parameters<Command["run"]>[1],
  name: string,
  who: string,
  fn: () => Promise<number>,
): Promise<number> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof NotFoundError) {
      io.err(`gafus admin ${name}: no user '${who}'`);
      return 1;
    }
    throw err;
  }
}

const userCreate: Command = {
  name: "user:create",
  summary: "Create a user",
  usage:
    "--username NAME --password PASSWORD [--role USER|TRAINER|MODERATOR|ADMIN] [--email EMAIL] [--json]",
  options: {
    username: { type: "string" },
    password: { type: "string" },
    role: { type: "string" },
    email: { type: "string" },
    json: { type: "boolean" },
  },
  forward: true,
  async run(args, io) {
    noPositionals(args);
    const input = {
      username: required(args, "username"),
      password: required(args, "password"),
      role: parseRole(optional(args, "role")) ?? "USER",
      email: optional(args, "email"),
    };
    return await io.withServices(async (s) => {
      try {
        const user = await createUser(s, input);
        await recordAudit(s.db, SYSTEM, "user.create", user.id, {
          username: user.username,
          role: user.role,
        });
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
  usage: "[--role ROLE] [--search TEXT] [--limit N] [--json]",
  options: {
    role: { type: "string" },
    search: { type: "string" },
    limit: { type: "string" },
    json: { type: "boolean" },
  },
  help: "--search matches the username or email; --limit defaults to 1000.",
  forward: true,
  async run(args, io) {
    noPositionals(args);
    const role = parseRole(optional(args, "role"));
    const limit = intOption(args, "limit", 1000, 1, 100_000);
    return await io.withServices(async (s) => {
      const users = await listUsers(s, { role, search: optional(args, "search"), limit });
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

const userShow: Command = {
  name: "user:show",
  summary: "Show one user: role, status, what they own",
  usage: "USERNAME [--json]",
  options: { username: { type: "string" }, json: { type: "boolean" } },
  forward: true,
  async run(args, io) {
    const who = target(args);
    return await io.withServices((s) =>
      onUser(io, "user:show", who, async () => {
        const u = await userDetail(s, SYSTEM, who);
        if (args.values.json) {
          io.out(JSON.stringify(u));
          return 0;
        }
        io.out(details([
          ["username", u.username],
          ["id", u.id],
          ["role", u.role],
          ["status", u.disabledAt ? `disabled since ${u.disabledAt.toISOString()}` : "active"],
          ["email", u.email ?? "—"],
          ["name", u.fullName ?? "—"],
          ["language", u.locale],
          ["time zone", u.timeZone],
          ["telegram", u.telegramLinked ? "linked" : "not linked"],
          ["created", u.createdAt],
          ["last login", u.lastLoginAt ?? "never"],
          ["pets", u.pets],
          ["courses taken", u.enrolledCourses],
          ["courses authored", u.authoredCourses],
        ]));
        return 0;
      })
    );
  },
};

const userRole: Command = {
  name: "user:role",
  summary: "Change a user's role",
  usage: "USERNAME --role USER|TRAINER|MODERATOR|ADMIN [--json]",
  options: { username: { type: "string" }, role: { type: "string" }, json: { type: "boolean" } },
  forward: true,
  async run(args, io) {
    const who = target(args);
    const role = parseRole(required(args, "role"))!;
    return await io.withServices((s) =>
      onUser(io, "user:role", who, async () => {
        const r = await setUserRole(s, SYSTEM, who, role);
        io.out(
          args.values.json
            ? JSON.stringify(r)
            : r.before === r.after
            ? `${r.username} is already ${r.after}; nothing changed.`
            : `${r.username}: ${r.before} → ${r.after}`,
        );
        return 0;
      })
    );
  },
};

const userDisable: Command = {
  name: "user:disable",
  summary: "Disable an account (ends its sessions, refuses login); --enable undoes it",
  usage: "USERNAME [--enable] [--json]",
  options: { username: { type: "string" }, enable: { type: "boolean" }, json: { type: "boolean" } },
  forward: true,
  async run(args, io) {
    const who = target(args);
    const disable = !args.values.enable;
    return await io.withServices((s) =>
      onUser(io, "user:disable", who, async () => {
        const r = await setUserDisabled(s, SYSTEM, who, disable);
        const state = disable ? "disabled" : "enabled";
        io.out(
          args.values.json
            ? JSON.stringify({ ...r, state })
            : r.changed
            ? `${r.username} is ${state}${disable ? "; their sessions have ended" : ""}.`
            : `${r.username} was already ${state}; nothing changed.`,
        );
        return 0;
      })
    );
  },
};

const userDelete: Command = {
  name: "user:delete",
  summary: "Delete an account with its pets, progress and files (asks for --yes)",
  usage: "USERNAME --yes [--json]",
  options: { username: { type: "string" }, yes: { type: "boolean" }, json: { type: "boolean" } },
  help: "Deleting cannot be undone. Authors of courses cannot be deleted: disable them instead.",
  forward: true,
  async run(args, io) {
    const who = target(args);
    if (!args.values.yes) throw new UsageError("deleting cannot be undone: add --yes to confirm");
    return await io.withServices((s) =>
      onUser(io, "user:delete", who, async () => {
        try {
          const r = await deleteUser(s, SYSTEM, who);
          io.out(
            args.values.json
              ? JSON.stringify(r)
              : `Deleted ${r.username} (${r.id}) and ${r.filesDeleted} file(s).`,
          );
          return 0;
        } catch (err) {
          if (err instanceof UserOwnsContentError) {
            io.err(`gafus admin user:delete: ${err.message}`);
            return 1;
          }
          throw err;
        }
      })
    );
  },
};

const userResetLink: Command = {
  name: "user:reset-link",
  summary: "Issue a password reset link for a user (valid 1 hour, single use)",
  usage: "USER [--json]",
  options: { json: { type: "boolean" } },
  help: "USER is a username or an email. The link is printed, not sent: hand it to the\n" +
    "person through a channel you trust. Earlier sessions end when the password is set.",
  forward: true,
  async run(args, io) {
    if (args.positionals.length !== 1) {
      throw new UsageError(
        args.positionals.length
          ? `unexpected argument '${args.positionals[1]}'`
          : "USER is required",
      );
    }
    const login = args.positionals[0];
    return await io.withServices(async (s) => {
      const account = await findAccount(s, login);
      if (!account) {
        io.err(`gafus admin user:reset-link: no user '${login}'`);
        return 1;
      }
      if (account.disabled_at !== null) {
        io.err(`gafus admin user:reset-link: the account '${account.username}' is disabled`);
        return 1;
      }
      const now = new Date();
      const token = await issueResetToken(s, account.id, now);
      const url = resetUrl(s.config, token);
      // The link itself is never recorded: it is a credential.
      await recordAudit(s.db, SYSTEM, "user.reset_link", account.id, {
        username: account.username,
        channel: "cli",
      });
      const expiresAt = new Date(now.getTime() + RESET_TTL_MS);
      io.out(
        args.values.json
          ? JSON.stringify({ userId: account.id, username: account.username, url, expiresAt })
          : `Reset link for ${account.username} (valid until ${expiresAt.toISOString()}):\n${url}`,
      );
      return 0;
    });
  },
};

export const userCommands: Command[] = [
  userCreate,
  userList,
  userShow,
  userRole,
  userResetLink,
  userDisable,
  userDelete,
];
