import type { PrismaClient } from "./generated/prisma/client";

export async function pingPrisma(prisma: PrismaClient): Promise<void> {
  await prisma.$queryRaw`SELECT 1`;
}

/** Shutdown paths (signal handler, test teardown) may both call close; the second must be a no-op. */
export function closeOnce(close: () => Promise<void>): () => Promise<void> {
  let closing: Promise<void> | null = null;
  return () => {
    closing ??= close();
    return closing;
  };
}
