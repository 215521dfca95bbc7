-- CreateTable
CREATE TABLE "signing_keys" (
    "kid" TEXT NOT NULL,
    "algorithm" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "public_jwk" JSONB NOT NULL,
    "private_key" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "activated_at" TIMESTAMPTZ(3),
    "retired_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "signing_keys_pkey" PRIMARY KEY ("kid"),
    CONSTRAINT "signing_keys_state_check" CHECK ("state" IN ('NEXT', 'CURRENT', 'PREVIOUS', 'REVOKED')),
    CONSTRAINT "signing_keys_algorithm_check" CHECK ("algorithm" IN ('ES256', 'RS256')),
    -- A revoked key keeps no private part.
    CONSTRAINT "signing_keys_revoked_erased_check" CHECK ("state" <> 'REVOKED' OR "private_key" IS NULL)
);

-- One signing key and one next key at a time, whichever instance writes (not expressible in Prisma's schema).
CREATE UNIQUE INDEX "signing_keys_one_current" ON "signing_keys" ((true)) WHERE "state" = 'CURRENT';
CREATE UNIQUE INDEX "signing_keys_one_next" ON "signing_keys" ((true)) WHERE "state" = 'NEXT';
