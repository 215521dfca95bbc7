import type { Core } from "../../src/core";
import type { CliContext } from "../../src/cli/context";

export interface FakeContext {
  ctx: CliContext;
  stdout: () => string;
  stderr: () => string;
  /** How often the command opened the core or read DATABASE_URL: parsing must do neither. */
  opened: () => number;
  interrupt: () => void;
}

/** A context whose core is `core` (a stub of the parts a command uses); without one, opening fails the test. */
export function fakeContext(options: { core?: object; openCore?: () => Promise<Core>; envPassword?: string; stdin?: string; isTTY?: boolean } = {}): FakeContext {
  let stdout = "";
  let stderr = "";
  let opened = 0;
  const interruption = new AbortController();
  const open = async (): Promise<Core> => {
    opened += 1;
    if (options.openCore) return options.openCore();
    if (!options.core) throw new Error("the test expected the command line to be refused before anything was opened");
    return { close: async () => undefined, ...options.core } as unknown as Core;
  };
  const ctx: CliContext = {
    io: { stdout: (text) => void (stdout += text), stderr: (text) => void (stderr += text) },
    modules: [],
    openCore: open,
    databaseUrl: () => {
      opened += 1;
      throw new Error("the test expected the command line to be refused before DATABASE_URL was read");
    },
    envPassword: () => options.envPassword ?? null,
    stdin: { isTTY: options.isTTY ?? false, readAll: async () => options.stdin ?? "" },
    interrupted: () => interruption.signal,
    followIntervalMs: 5,
  };
  return { ctx, stdout: () => stdout, stderr: () => stderr, opened: () => opened, interrupt: () => interruption.abort() };
}
