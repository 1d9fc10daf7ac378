# What the VM's deployer may read: the pipeline (the Jenkins deploy role; attach this
# policy to it) fetches the database master's secret, for the migration alone, and the
# pools' user's secret, which it writes to the VM (docs/vm.md "The database
# passwords"). Exactly those secrets, read-only; nothing else in Secrets Manager.
# The VM itself gets no AWS role (no instance profile): it needs nothing from AWS, so a
# break-in on it finds no AWS credentials, and the master's password never reaches it
# except in the migration command's environment.

data "aws_iam_policy_document" "deploy" {
  count = length(var.database_secret_arns) > 0 ? 1 : 0
  statement {
    sid       = "ReadTheDatabaseSecretsOnly"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = var.database_secret_arns
  }
}

resource "aws_iam_policy" "deploy" {
  count       = length(var.database_secret_arns) > 0 ? 1 : 0
  name        = "${var.name}-vm-deploy"
  description = "Deploying to the test VM ${var.name}: read the database secrets it needs (master for the migration, the pools' user), nothing else"
  policy      = data.aws_iam_policy_document.deploy[0].json
  tags        = var.tags
}
