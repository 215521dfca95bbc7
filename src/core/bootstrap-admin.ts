import type { Logger } from "pino";
import { type Auth, isAuthError } from "../auth";
import { type Config, ConfigError } from "../config";

/** BOOTSTRAP_ADMIN_EMAIL/PASSWORD: the first ADMIN, created or promoted at start. */
export async function bootstrapAdmin(config: Readonly<Config>, auth: Auth, logger: Logger): Promise<void> {
  if (!config.bootstrapAdmin) return;
  try {
    const { user, created } = await auth.accounts.ensureAdmin(config.bootstrapAdmin);
    logger.info({ userId: user.id, created }, created ? "bootstrap admin created" : "bootstrap admin ensured");
  } catch (error) {
    if (isAuthError(error) && error.code === "BAD_USER_INPUT") {
      const variable = error.field === "password" ? "BOOTSTRAP_ADMIN_PASSWORD" : "BOOTSTRAP_ADMIN_EMAIL";
      throw new ConfigError(variable, error.message);
    }
    throw error;
  }
}
