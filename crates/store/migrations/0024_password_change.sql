-- A one-time password (the first admin's printed one, a generated one, or one an administrator
-- or `normwatch accounts reset-password` gives) must be changed at the next sign-in: until the
-- account's own person sets a password, the portal shows only the change form and the API
-- answers 403. Accounts that exist keep working as they did.
ALTER TABLE accounts ADD COLUMN must_change_password BIGINT NOT NULL DEFAULT 0;
