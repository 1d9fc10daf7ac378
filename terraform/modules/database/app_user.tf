# The application's own database user, beside the master: its name and a generated
# password in a Secrets Manager secret of its own, as {username, password} (the shape
# RDS Proxy and External Secrets read). The master only migrates: `fcgi-backend migrate`,
# connected as the master, creates this account with this password and grants it row
# access to the app's tables only (fcgi-backend/db_grants.c); the pools log in with it,
# on the test VM (the playbook writes it to a file) and in the cluster (the chart's
# database.existingSecret).
#
# The password comes from Secrets Manager's own generator (no random provider). The
# generator answers a new value at every plan, and ignore_changes keeps the stored one,
# so the value changes only when asked to: rotate with
#   terraform apply -replace='module.platform.module.database.aws_secretsmanager_secret_version.app_user'
# then deploy (the deployment writes the new password where the pools read it, then the
# migration sets it on the account; docs/vm.md "Rotating the pools' password").
# The value is in the Terraform state (marked sensitive), as any secret_string is; the
# state bucket is encrypted and access-controlled. A write-only secret_string_wo fed by
# the ephemeral aws_secretsmanager_random_password would keep it out of the state, but
# terraform test's mock providers (Terraform 1.11) cannot mock ephemeral resources, so
# that form could not be tested here.

data "aws_secretsmanager_random_password" "app_user" {
  password_length = 40
  # It goes into URIs, env files and shell variables: letters and digits only (40 of
  # them are ~238 bits).
  exclude_punctuation = true
  include_space       = false
}

resource "aws_secretsmanager_secret" "app_user" {
  name_prefix = "${var.identifier}-app-user-"
  description = "MySQL user ${var.app_username} of ${var.identifier}: the pools' login, row access only (created by fcgi-backend migrate as the master)"
  kms_key_id  = var.kms_key_arn
  # A deleted secret can be restored for 30 days where the database is protected.
  recovery_window_in_days = var.deletion_protection ? 30 : 0
  tags                    = var.tags
}

resource "aws_secretsmanager_secret_version" "app_user" {
  secret_id = aws_secretsmanager_secret.app_user.id
  secret_string = jsonencode({
    username = var.app_username
    password = data.aws_secretsmanager_random_password.app_user.random_password
  })

  # Set once; a new value only by -replace (see above), never by a routine apply.
  lifecycle {
    ignore_changes = [secret_string]
  }
}
