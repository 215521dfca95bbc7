import { describeProjectsModule } from "./extending-projects";

describeProjectsModule("PGlite (in-memory)", async () => ({ url: "pglite:memory", drop: async () => undefined }));
